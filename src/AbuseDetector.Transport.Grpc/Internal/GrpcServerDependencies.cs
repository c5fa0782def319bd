using Microsoft.Extensions.Logging;

namespace AbuseDetector.Transport.Grpc.Internal;

/// <summary>What every call of the server shares: options, clock and logger.</summary>
internal sealed class GrpcServerDependencies(GrpcServerOptions options, TimeProvider timeProvider, ILogger logger)
{
    public GrpcServerOptions Options { get; } = options;

    public TimeProvider TimeProvider { get; } = timeProvider;

    public ILogger Logger { get; } = logger;
}
