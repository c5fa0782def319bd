namespace AbuseDetector.Transport.Grpc;

/// <summary>Reads a stream of request messages, one at a time.</summary>
/// <typeparam name="T">The message type.</typeparam>
public interface IAsyncStreamReader<out T>
{
    /// <summary>Gets the message read by the last successful <see cref="MoveNext"/>.</summary>
    /// <exception cref="InvalidOperationException">No message has been read.</exception>
    T Current { get; }

    /// <summary>Reads the next message.</summary>
    /// <param name="cancellationToken">Stops waiting; the call's own token (client cancel, deadline) always applies.</param>
    /// <returns><see langword="true"/> when a message was read into <see cref="Current"/>; <see langword="false"/> when the client finished sending.</returns>
    /// <exception cref="GrpcRpcException">The request breaks the protocol or a limit; let it propagate to end the call with its status.</exception>
    /// <exception cref="OperationCanceledException">The call was cancelled or its deadline passed.</exception>
    Task<bool> MoveNext(CancellationToken cancellationToken = default);
}
