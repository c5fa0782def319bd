using System.Threading.Channels;
using AbuseDetector.Contracts.V1;
using AbuseDetector.Transport.Grpc;
using Microsoft.Extensions.Options;

namespace AbuseDetector.Service.Internal;

/// <summary>The abuse_detector.v1.AbuseDetector service: Classify and StreamCall.</summary>
internal sealed class AbuseDetectorGrpcService(
    LoadedModel model, CallRegistry calls, IOptions<AbuseDetectorServiceOptions> options, ILogger<AbuseDetectorGrpcService> logger)
{
    public const string ServiceName = "abuse_detector.v1.AbuseDetector";

    private const int UpdateBufferSize = 64;

    private static readonly GrpcStatus EmptyText = new(GrpcStatusCode.InvalidArgument, "The text to classify is empty.");
    private static readonly GrpcStatus FirstEventNotStart = new(GrpcStatusCode.FailedPrecondition, "the first event must be CallStart");
    private static readonly GrpcStatus MissingCallId = new(GrpcStatusCode.InvalidArgument, "CallStart must carry a call_id.");
    private static readonly GrpcStatus MissingTenantId = new(GrpcStatusCode.InvalidArgument, "CallStart must carry a tenant_id.");
    private static readonly GrpcStatus CallAlreadyLive = new(GrpcStatusCode.AlreadyExists, "A call with this call_id is already live for this tenant.");
    private static readonly GrpcStatus TooManyCalls = new(GrpcStatusCode.ResourceExhausted, "The service is handling as many calls as it is configured for; try again later.");

    public GrpcServiceDefinition Build() => GrpcServiceDefinition.CreateBuilder(ServiceName)
        .AddUnaryMethod("Classify", ProtobufMarshaller.Create(ClassifyRequest.Parser), ProtobufMarshaller.Create(ClassifyResponse.Parser), ClassifyAsync)
        .AddDuplexStreamingMethod("StreamCall", ProtobufMarshaller.Create(CallEvent.Parser), ProtobufMarshaller.Create(CallUpdate.Parser), StreamCallAsync)
        .Build();

    internal Task<ClassifyResponse> ClassifyAsync(ClassifyRequest request, ServerCallContext context)
    {
        var maxTextLength = options.Value.MaxTextLength;
        if (request.Text.Length == 0)
        {
            throw new GrpcRpcException(EmptyText);
        }

        if (request.Text.Length > maxTextLength)
        {
            throw new GrpcRpcException(GrpcStatusCode.InvalidArgument, $"The text is longer than {maxTextLength} characters.");
        }

        var classifier = model.Classifier;
        var response = new ClassifyResponse { ModelName = classifier.ModelName };
        ContractMapping.AddResults(classifier, classifier.Classify(request.Text), request.Text, response.Scores, response.Evidence);
        return Task.FromResult(response);
    }

    internal async Task StreamCallAsync(IAsyncStreamReader<CallEvent> requests, IServerStreamWriter<CallUpdate> responses, ServerCallContext context)
    {
        var cancellationToken = context.CancellationToken;
        if (!await requests.MoveNext(cancellationToken) || requests.Current.EventCase != CallEvent.EventOneofCase.Start)
        {
            throw Reject(FirstEventNotStart);
        }

        var start = requests.Current.Start;
        if (start.CallId.Length == 0)
        {
            throw Reject(MissingCallId);
        }

        if (start.TenantId.Length == 0)
        {
            throw Reject(MissingTenantId);
        }

        var settings = options.Value;
        switch (calls.TryAdd(start.TenantId, start.CallId, settings.MaxConcurrentCalls))
        {
            case CallRegistration.AlreadyLive:
                throw Reject(CallAlreadyLive);
            case CallRegistration.TooMany:
                throw Reject(TooManyCalls);
        }

        try
        {
            ServiceLog.CallStarted(logger, calls.Count);
            var session = new CallSession(model.Classifier, settings.MaxTextLength);
            await RunCallAsync(session, requests, responses, cancellationToken);
            ServiceLog.CallEnded(logger, session.Chunks);
        }
        finally
        {
            calls.Remove(start.TenantId, start.CallId);
        }
    }

    /// <summary>Reads events and queues one update per chunk; a single loop drains the queue, so the response stream has one writer.</summary>
    private async Task RunCallAsync(CallSession session, IAsyncStreamReader<CallEvent> requests, IServerStreamWriter<CallUpdate> responses, CancellationToken cancellationToken)
    {
        var updates = Channel.CreateBounded<CallUpdate>(new BoundedChannelOptions(UpdateBufferSize) { SingleReader = true, SingleWriter = true });
        var writing = DrainAsync(updates, responses, cancellationToken);
        try
        {
            while (await requests.MoveNext(cancellationToken))
            {
                var update = Handle(session, requests.Current, out var ended);
                if (update is not null)
                {
                    if (update.UpdateCase == CallUpdate.UpdateOneofCase.Error)
                    {
                        ServiceLog.ChunkRejected(logger, update.Error.Seq, update.Error.Code);
                    }

                    await updates.Writer.WriteAsync(update, cancellationToken);
                }

                if (ended)
                {
                    break;
                }
            }
        }
        finally
        {
            updates.Writer.TryComplete();
            await writing;
        }
    }

    private static CallUpdate? Handle(CallSession session, CallEvent callEvent, out bool ended)
    {
        ended = false;
        switch (callEvent.EventCase)
        {
            case CallEvent.EventOneofCase.Chunk:
                return session.Assess(callEvent.Chunk);
            case CallEvent.EventOneofCase.Action:
                return null;
            case CallEvent.EventOneofCase.End:
                ended = true;
                return null;
            case CallEvent.EventOneofCase.Start:
                return session.Error(0, "FAILED_PRECONDITION", "CallStart was already sent on this stream.");
            default:
                return session.Error(0, "INVALID_ARGUMENT", "The event has no kind set.");
        }
    }

    private static async Task DrainAsync(Channel<CallUpdate> updates, IServerStreamWriter<CallUpdate> responses, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var update in updates.Reader.ReadAllAsync(cancellationToken))
            {
                await responses.WriteAsync(update, cancellationToken);
            }
        }
        catch (Exception ex)
        {
            // Unblock the reading loop, then let the call end with this failure.
            updates.Writer.TryComplete(ex);
            throw;
        }
    }

    private GrpcRpcException Reject(GrpcStatus status)
    {
        ServiceLog.CallRejected(logger, status.Code.ToString());
        return new GrpcRpcException(status);
    }
}
