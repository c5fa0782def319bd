namespace AbuseDetector.Transport.Grpc;

/// <summary>
/// Thrown by a service method to end the call with <see cref="Status"/>; the message is sent to the client,
/// so it must be a sentence safe to show, never personal data.
/// </summary>
public sealed class GrpcRpcException : Exception
{
    /// <summary>Creates an exception that ends the call with <paramref name="status"/>.</summary>
    /// <param name="status">The status sent to the client.</param>
    public GrpcRpcException(GrpcStatus status)
        : base(string.IsNullOrEmpty(status.Message) ? status.Code.ToString() : status.Message) => Status = status;

    /// <summary>Creates an exception that ends the call with <paramref name="code"/> and <paramref name="message"/>.</summary>
    /// <param name="code">The status code.</param>
    /// <param name="message">The sentence sent as <c>grpc-message</c>.</param>
    public GrpcRpcException(GrpcStatusCode code, string message)
        : this(new GrpcStatus(code, message))
    {
    }

    /// <summary>Gets the status sent to the client.</summary>
    public GrpcStatus Status { get; }
}
