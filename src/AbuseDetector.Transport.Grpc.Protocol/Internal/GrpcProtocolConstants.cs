namespace AbuseDetector.Transport.Grpc.Internal;

/// <summary>Header names and values from the gRPC over HTTP/2 protocol document.</summary>
internal static class GrpcProtocolConstants
{
    public const string ContentType = "application/grpc";
    public const string ContentTypeProto = "application/grpc+proto";
    public const string TimeoutHeader = "grpc-timeout";
    public const string EncodingHeader = "grpc-encoding";
    public const string AcceptEncodingHeader = "grpc-accept-encoding";
    public const string StatusTrailer = "grpc-status";
    public const string MessageTrailer = "grpc-message";
    public const string IdentityEncoding = "identity";
    public const string GzipEncoding = "gzip";

    /// <summary>The message encodings this implementation reads, as sent in <c>grpc-accept-encoding</c>.</summary>
    public const string AcceptedEncodings = "identity,gzip";

    /// <summary>The length of the prefix before each message: one flag byte and a four-byte big-endian length.</summary>
    public const int MessagePrefixLength = 5;

    /// <summary>The default largest message received, by the server and by the client, as in most gRPC implementations: 4 MiB.</summary>
    public const int DefaultMaxReceiveMessageSize = 4 * 1024 * 1024;
}
