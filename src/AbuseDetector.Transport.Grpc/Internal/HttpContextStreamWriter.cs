namespace AbuseDetector.Transport.Grpc.Internal;

/// <summary>The response stream of a server-streaming or bidirectional call; the call itself enforces one write at a time.</summary>
internal sealed class HttpContextStreamWriter<T>(GrpcServerCall call, Marshaller<T> marshaller) : IServerStreamWriter<T>
{
    public Task WriteAsync(T message, CancellationToken cancellationToken = default) =>
        call.WriteMessageAsync(message, marshaller, cancellationToken);
}
