using AbuseDetector.Transport.Grpc;

namespace AbuseDetector.Client;

/// <summary>A call ended with a gRPC status other than <c>OK</c>: sent by the service, or raised by the client (deadline, cancellation, broken connection).</summary>
public sealed class AbuseDetectorRpcException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="AbuseDetectorRpcException"/> class.</summary>
    /// <param name="statusCode">The gRPC status code.</param>
    /// <param name="statusMessage">The status message, already percent-decoded; empty when there is none.</param>
    /// <param name="innerException">The exception that caused this one, if any.</param>
    public AbuseDetectorRpcException(GrpcStatusCode statusCode, string statusMessage, Exception? innerException = null)
        : base(FormatMessage(statusCode, statusMessage), innerException)
    {
        StatusCode = statusCode;
        StatusMessage = statusMessage ?? string.Empty;
    }

    /// <summary>Gets the gRPC status code, such as <see cref="GrpcStatusCode.FailedPrecondition"/>.</summary>
    public GrpcStatusCode StatusCode { get; }

    /// <summary>Gets the status message (<c>grpc-message</c>, percent-decoded); empty when there is none.</summary>
    public string StatusMessage { get; }

    private static string FormatMessage(GrpcStatusCode statusCode, string? statusMessage) =>
        string.IsNullOrEmpty(statusMessage) ? $"The call failed with status {statusCode}." : $"The call failed with status {statusCode}: {statusMessage}";
}
