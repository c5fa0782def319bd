using AbuseDetector.Contracts.Grpc.Health.V1;
using AbuseDetector.Transport.Grpc;
using ServingStatus = AbuseDetector.Contracts.Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace AbuseDetector.Service.Internal;

/// <summary>
/// The standard grpc.health.v1.Health service: the server as a whole ("") and abuse_detector.v1.AbuseDetector are
/// SERVING once the model is loaded and until the host starts stopping, NOT_SERVING otherwise.
/// </summary>
internal sealed class HealthGrpcService
{
    public const string ServiceName = "grpc.health.v1.Health";

    private static readonly GrpcStatus UnknownService = new(GrpcStatusCode.NotFound, "No service by that name reports its health here.");

    private readonly LoadedModel _model;
    private readonly Task _stopping;

    public HealthGrpcService(LoadedModel model, IHostApplicationLifetime lifetime)
    {
        _model = model;
        var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lifetime.ApplicationStopping.Register(() => stopping.TrySetResult());
        _stopping = stopping.Task;
    }

    public GrpcServiceDefinition Build() => GrpcServiceDefinition.CreateBuilder(ServiceName)
        .AddUnaryMethod("Check", ProtobufMarshaller.Create(HealthCheckRequest.Parser), ProtobufMarshaller.Create(HealthCheckResponse.Parser), CheckAsync)
        .AddServerStreamingMethod("Watch", ProtobufMarshaller.Create(HealthCheckRequest.Parser), ProtobufMarshaller.Create(HealthCheckResponse.Parser), WatchAsync)
        .Build();

    internal Task<HealthCheckResponse> CheckAsync(HealthCheckRequest request, ServerCallContext context)
    {
        if (!IsKnown(request.Service))
        {
            throw new GrpcRpcException(UnknownService);
        }

        return Task.FromResult(new HealthCheckResponse { Status = CurrentStatus() });
    }

    /// <summary>Sends the status now, then again each time it changes, until the client cancels or the host stops.</summary>
    internal async Task WatchAsync(HealthCheckRequest request, IServerStreamWriter<HealthCheckResponse> responses, ServerCallContext context)
    {
        var cancellationToken = context.CancellationToken;
        if (!IsKnown(request.Service))
        {
            // Watch never fails for an unknown name: the name may be registered later, so the client keeps watching.
            await responses.WriteAsync(new HealthCheckResponse { Status = ServingStatus.ServiceUnknown }, cancellationToken);
            await _stopping.WaitAsync(cancellationToken);
            return;
        }

        ServingStatus? sent = null;
        while (true)
        {
            // Take the change to wait for before reading the status, so a change in between is not missed.
            var change = _model.IsLoaded ? _stopping : Task.WhenAny(_model.WhenLoaded, _stopping);
            var status = CurrentStatus();
            if (status != sent)
            {
                await responses.WriteAsync(new HealthCheckResponse { Status = status }, cancellationToken);
                sent = status;
            }

            if (_stopping.IsCompleted)
            {
                // Nothing changes after this; ending the call lets the host shut down without waiting for the client.
                return;
            }

            await change.WaitAsync(cancellationToken);
        }
    }

    private static bool IsKnown(string service) =>
        service.Length == 0 || string.Equals(service, AbuseDetectorGrpcService.ServiceName, StringComparison.Ordinal);

    private ServingStatus CurrentStatus() =>
        _model.IsLoaded && !_stopping.IsCompleted ? ServingStatus.Serving : ServingStatus.NotServing;
}
