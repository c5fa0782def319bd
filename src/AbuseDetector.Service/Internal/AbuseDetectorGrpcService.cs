using System.Globalization;
using System.Threading.Channels;
using AbuseDetector.Contracts.V1;
using AbuseDetector.Escalation;
using AbuseDetector.Transport.Grpc;
using Microsoft.Extensions.Options;
using CallEndReason = AbuseDetector.Escalation.CallEndReason;

namespace AbuseDetector.Service.Internal;

/// <summary>
/// The abuse_detector.v1.AbuseDetector service: Classify and StreamCall, for callers with a valid API key (when tenants
/// are configured). A stream ends with DEADLINE_EXCEEDED after IdleStreamTimeout without an event, and with UNAVAILABLE
/// as soon as the host starts stopping.
/// </summary>
internal sealed partial class AbuseDetectorGrpcService(
    LoadedModel model,
    CallRegistry calls,
    ApiKeyAuthenticator authenticator,
    IHostApplicationLifetime lifetime,
    TimeProvider timeProvider,
    IOptions<AbuseDetectorServiceOptions> options,
    IOptions<EscalationOptions> escalationOptions,
    ScriptBook scripts,
    AlertDispatcher alerts,
    AlertHub alertHub,
    RedisAlerts redis,
    CallHistory history,
    ServiceMetrics metrics,
    ILogger<AbuseDetectorGrpcService> logger)
{
    public const string ServiceName = "abuse_detector.v1.AbuseDetector";

    private const int UpdateBufferSize = 64;

    private static readonly GrpcStatus EmptyText = new(GrpcStatusCode.InvalidArgument, "The text to classify is empty.");
    private static readonly GrpcStatus FirstEventNotStart = new(GrpcStatusCode.FailedPrecondition, "the first event must be CallStart");
    private static readonly GrpcStatus MissingCallId = new(GrpcStatusCode.InvalidArgument, "CallStart must carry a call_id.");
    private static readonly GrpcStatus MissingTenantId = new(GrpcStatusCode.InvalidArgument, "CallStart must carry a tenant_id.");
    private static readonly GrpcStatus CallAlreadyLive = new(GrpcStatusCode.AlreadyExists, "A call with this call_id is already live for this tenant.");
    private static readonly GrpcStatus TooManyCalls = new(GrpcStatusCode.ResourceExhausted, "The service is handling as many calls as it is configured for; try again later.");
    private static readonly GrpcStatus TooManyTenantCalls = new(GrpcStatusCode.ResourceExhausted, "This tenant has as many calls open as it is allowed; end one or try again later.");
    private static readonly GrpcStatus Unauthenticated = new(GrpcStatusCode.Unauthenticated, "a valid API key is required");
    private static readonly GrpcStatus WrongTenant = new(GrpcStatusCode.PermissionDenied, "The API key does not belong to the CallStart's tenant_id.");
    private static readonly GrpcStatus ShuttingDown = new(GrpcStatusCode.Unavailable, "the service is shutting down");

    public GrpcServiceDefinition Build() => GrpcServiceDefinition.CreateBuilder(ServiceName)
        .AddUnaryMethod("Classify", ProtobufMarshaller.Create(ClassifyRequest.Parser), ProtobufMarshaller.Create(ClassifyResponse.Parser), ClassifyAsync)
        .AddDuplexStreamingMethod("StreamCall", ProtobufMarshaller.Create(CallEvent.Parser), ProtobufMarshaller.Create(CallUpdate.Parser), StreamCallAsync)
        .AddServerStreamingMethod("WatchAlerts", ProtobufMarshaller.Create(WatchAlertsRequest.Parser), ProtobufMarshaller.Create(Contracts.V1.Alert.Parser), WatchAlertsAsync)
        .AddUnaryMethod("GetIncident", ProtobufMarshaller.Create(GetIncidentRequest.Parser), ProtobufMarshaller.Create(Contracts.V1.Incident.Parser), GetIncidentAsync)
        .AddUnaryMethod("ListIncidents", ProtobufMarshaller.Create(ListIncidentsRequest.Parser), ProtobufMarshaller.Create(ListIncidentsResponse.Parser), ListIncidentsAsync)
        .Build();

    internal Task<ClassifyResponse> ClassifyAsync(ClassifyRequest request, ServerCallContext context)
    {
        metrics.ClassifyRequested();
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            throw RejectClassify(ShuttingDown);
        }

        if (!authenticator.TryAuthenticate(context.RequestHeaders, out _))
        {
            throw RejectClassify(Unauthenticated);
        }

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
        var stopping = lifetime.ApplicationStopping;
        if (stopping.IsCancellationRequested)
        {
            throw Reject(ShuttingDown);
        }

        if (!authenticator.TryAuthenticate(context.RequestHeaders, out var authenticatedTenant))
        {
            throw Reject(Unauthenticated);
        }

        // The stream ends when the client goes, when no event comes for IdleStreamTimeout, or when the host starts stopping.
        var settings = options.Value;
        var callToken = context.CancellationToken;
        using var idle = new CancellationTokenSource(settings.IdleStreamTimeout, timeProvider);
        using var ending = CancellationTokenSource.CreateLinkedTokenSource(callToken, idle.Token, stopping);
        var cancellationToken = ending.Token;
        CallSession? session = null;
        try
        {
            if (!await requests.MoveNext(cancellationToken) || requests.Current.EventCase != CallEvent.EventOneofCase.Start)
            {
                throw Reject(FirstEventNotStart);
            }

            idle.CancelAfter(settings.IdleStreamTimeout);
            var start = requests.Current.Start;
            if (start.CallId.Length == 0)
            {
                throw Reject(MissingCallId);
            }

            if (start.TenantId.Length == 0)
            {
                throw Reject(MissingTenantId);
            }

            if (!ApiKeyAuthenticator.MayActFor(authenticatedTenant, start.TenantId))
            {
                throw Reject(WrongTenant);
            }

            switch (calls.TryAdd(start.TenantId, start.CallId, settings.MaxConcurrentCalls, settings.MaxConcurrentCallsPerTenant))
            {
                case CallRegistration.AlreadyLive:
                    throw Reject(CallAlreadyLive);
                case CallRegistration.TooMany:
                    throw Reject(TooManyCalls);
                case CallRegistration.TooManyForTenant:
                    throw Reject(TooManyTenantCalls);
            }

            try
            {
                ServiceLog.CallStarted(logger, calls.Count);
                metrics.CallStarted();
                var startedAt = timeProvider.GetUtcNow();
                var participants = new CallParticipants(start.TenantId, start.CallId, start.AgentId, start.TeamId, start.CustomerId, start.Language);
                session = new CallSession(
                    model.Classifier,
                    settings.MaxTextLength,
                    escalationOptions.Value.ThreatMinProbability,
                    new CallEscalation(participants, startedAt, escalationOptions.Value, scripts),
                    new CallClock(timeProvider, startedAt),
                    alerts,
                    history);
                var repeatCaller = await history.RepeatCallerAsync(participants, cancellationToken);
                await RunCallAsync(session, repeatCaller, requests, responses, () => idle.CancelAfter(settings.IdleStreamTimeout), cancellationToken);
                ServiceLog.CallEnded(logger, session.Chunks);
            }
            finally
            {
                calls.Remove(start.TenantId, start.CallId);
            }
        }
        catch (Exception ex) when (ex is not GrpcRpcException && !callToken.IsCancellationRequested && (stopping.IsCancellationRequested || idle.IsCancellationRequested))
        {
            // The service ended the stream, not the client: say why in the status.
            var status = stopping.IsCancellationRequested ? ShuttingDown : IdleStatus(settings.IdleStreamTimeout);
            ServiceLog.CallEndedByService(logger, status.Code.ToString(), session?.Chunks ?? 0);
            throw new GrpcRpcException(status);
        }
    }

    /// <summary>DEADLINE_EXCEEDED: the server enforces a deadline on the gap between events.</summary>
    private static GrpcStatus IdleStatus(TimeSpan timeout) =>
        new(GrpcStatusCode.DeadlineExceeded, string.Create(CultureInfo.InvariantCulture, $"no event for {timeout.TotalSeconds:0.###} s"));

    /// <summary>Reads events and queues one update per chunk; a single loop drains the queue, so the response stream has one writer.</summary>
    private async Task RunCallAsync(
        CallSession session, Escalation.Alert? repeatCaller, IAsyncStreamReader<CallEvent> requests, IServerStreamWriter<CallUpdate> responses, Action eventReceived, CancellationToken cancellationToken)
    {
        var updates = Channel.CreateBounded<CallUpdate>(new BoundedChannelOptions(UpdateBufferSize) { SingleReader = true, SingleWriter = true });
        var writing = DrainAsync(updates, responses, cancellationToken);
        try
        {
            var pending = new List<CallUpdate>(4);
            if (repeatCaller is not null)
            {
                session.Raise(repeatCaller, pending);
                await updates.Writer.WriteAsync(pending[0], cancellationToken);
            }

            while (await requests.MoveNext(cancellationToken))
            {
                var received = timeProvider.GetTimestamp();
                eventReceived();
                pending.Clear();
                var ended = Handle(session, requests.Current, pending);
                foreach (var update in pending)
                {
                    if (update.UpdateCase == CallUpdate.UpdateOneofCase.Error)
                    {
                        ServiceLog.ChunkRejected(logger, update.Error.Seq, update.Error.Code);
                    }

                    await updates.Writer.WriteAsync(update, cancellationToken);
                    metrics.UpdateQueued(update);
                }

                metrics.EventHandled(requests.Current, timeProvider.GetElapsedTime(received));

                if (ended)
                {
                    break;
                }
            }
        }
        finally
        {
            // A stream that broke without a CallEnd still closes the call's escalation, so its incident and call_ended alert are kept.
            if (!session.Ended)
            {
                session.End(CallEndReason.Dropped, []);
            }

            updates.Writer.TryComplete();
            await writing;
        }
    }

    /// <summary>Adds the updates for one event; true when the event ends the call.</summary>
    private static bool Handle(CallSession session, CallEvent callEvent, List<CallUpdate> updates)
    {
        switch (callEvent.EventCase)
        {
            case CallEvent.EventOneofCase.Chunk:
                session.Assess(callEvent.Chunk, updates);
                return false;
            case CallEvent.EventOneofCase.Action:
                // The call stays open after CALL_ENDED_BY_AGENT until the platform's CallEnd, so its last sends never fail.
                session.Act(callEvent.Action, updates);
                return false;
            case CallEvent.EventOneofCase.End:
                session.End(callEvent.End.Reason.ToEngine(), updates);
                return true;
            case CallEvent.EventOneofCase.Start:
                updates.Add(session.Error(0, "FAILED_PRECONDITION", "CallStart was already sent on this stream."));
                return false;
            default:
                updates.Add(session.Error(0, "INVALID_ARGUMENT", "The event has no kind set."));
                return false;
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

    private GrpcRpcException RejectClassify(GrpcStatus status)
    {
        ServiceLog.ClassifyRejected(logger, status.Code.ToString());
        return new GrpcRpcException(status);
    }

    private GrpcRpcException Reject(GrpcStatus status)
    {
        ServiceLog.CallRejected(logger, status.Code.ToString());
        metrics.CallRejected(status.Code);
        return new GrpcRpcException(status);
    }
}
