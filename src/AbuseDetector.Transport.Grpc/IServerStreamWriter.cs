namespace AbuseDetector.Transport.Grpc;

/// <summary>
/// Writes a stream of response messages. There is one writer per response stream and it takes one write at a time:
/// a write started before the previous one finished, or after the call completed, throws <see cref="InvalidOperationException"/>.
/// </summary>
/// <typeparam name="T">The message type.</typeparam>
public interface IServerStreamWriter<in T>
{
    /// <summary>Writes one message and flushes it to the client.</summary>
    /// <param name="message">The message.</param>
    /// <param name="cancellationToken">Stops waiting; the call's own token (client cancel, deadline) always applies.</param>
    /// <returns>A task that completes when the message has been handed to the connection.</returns>
    /// <exception cref="InvalidOperationException">The call has completed, or a previous write is still in progress.</exception>
    /// <exception cref="GrpcRpcException">The message exceeds <see cref="GrpcServerOptions.MaxSendMessageSize"/>.</exception>
    Task WriteAsync(T message, CancellationToken cancellationToken = default);
}
