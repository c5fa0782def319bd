namespace AbuseDetector.Transport.Grpc;

/// <summary>
/// The outcome of a call as sent to the client: a status code and a sentence for a human.
/// </summary>
/// <param name="Code">The status code sent as <c>grpc-status</c>.</param>
/// <param name="Message">The sentence sent (percent-encoded) as <c>grpc-message</c>; empty when there is nothing to say.</param>
public readonly record struct GrpcStatus(GrpcStatusCode Code, string Message)
{
    /// <summary>Success, with no message.</summary>
    public static readonly GrpcStatus Ok = new(GrpcStatusCode.OK, string.Empty);

    /// <summary>The call was cancelled by the client.</summary>
    public static readonly GrpcStatus Cancelled = new(GrpcStatusCode.Cancelled, "The call was cancelled.");

    /// <summary>The call's deadline (<c>grpc-timeout</c>) passed before it completed.</summary>
    public static readonly GrpcStatus DeadlineExceeded = new(GrpcStatusCode.DeadlineExceeded, "The deadline passed before the call completed.");

    /// <summary>The requested method does not exist on this server.</summary>
    public static readonly GrpcStatus Unimplemented = new(GrpcStatusCode.Unimplemented, "The requested method is not implemented.");

    /// <summary>The server failed in an unexpected way; details are in the server's logs, not sent to the client.</summary>
    public static readonly GrpcStatus Internal = new(GrpcStatusCode.Internal, "The server failed to process the call.");

    /// <summary>The server cannot take the call now; the client may retry later.</summary>
    public static readonly GrpcStatus Unavailable = new(GrpcStatusCode.Unavailable, "The service is unavailable.");

    /// <summary>A message frame's flag byte was neither 0 (uncompressed) nor 1 (compressed).</summary>
    public static readonly GrpcStatus InvalidCompressedFlag = new(GrpcStatusCode.Internal, "The message's compressed flag is neither 0 nor 1.");

    /// <summary>A compressed message arrived but the request named no <c>grpc-encoding</c> (or <c>identity</c>).</summary>
    public static readonly GrpcStatus CompressedWithoutEncoding = new(GrpcStatusCode.Internal, "The message is compressed but the request has no grpc-encoding.");

    /// <summary>A compressed message could not be decompressed.</summary>
    public static readonly GrpcStatus InvalidCompressedData = new(GrpcStatusCode.Internal, "The compressed message could not be decompressed.");

    /// <summary>The stream ended in the middle of a message frame.</summary>
    public static readonly GrpcStatus IncompleteMessage = new(GrpcStatusCode.Internal, "The request ended in the middle of a message.");

    /// <summary>Gets a value indicating whether the status is <see cref="GrpcStatusCode.OK"/>.</summary>
    public bool IsOk => Code == GrpcStatusCode.OK;
}
