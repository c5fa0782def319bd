using AbuseDetector.Transport.Grpc.Internal;

namespace AbuseDetector.Client;

/// <summary>Settings of an <see cref="AbuseDetectorClient"/>.</summary>
public sealed class AbuseDetectorClientOptions
{
    /// <summary>The default largest response message accepted: 4 MiB, as in most gRPC implementations.</summary>
    public const int DefaultMaxReceiveMessageSize = GrpcProtocolConstants.DefaultMaxReceiveMessageSize;

    /// <summary>Gets or sets the service address, such as <c>http://127.0.0.1:50051</c>; an <c>http://</c> address uses HTTP/2 without TLS (h2c).</summary>
    /// <value>The default value is <see langword="null"/>, which the client refuses.</value>
    public Uri? Address { get; set; }

    /// <summary>Gets or sets the API key sent with every call as <c>authorization: Bearer &lt;key&gt;</c>.</summary>
    /// <value>The default value is <see langword="null"/>: no <c>authorization</c> header is sent.</value>
    public string? ApiKey { get; set; }

    /// <summary>
    /// Gets or sets how long each call may take, from its start; sent to the service as <c>grpc-timeout</c> and enforced
    /// by the client too. A call that overruns fails with <c>DEADLINE_EXCEEDED</c>. For <c>StreamCall</c> this bounds the whole call.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: no deadline.</value>
    public TimeSpan? Deadline { get; set; }

    /// <summary>Gets or sets the largest response message, in bytes, the client accepts; a larger one fails the call with <c>RESOURCE_EXHAUSTED</c>.</summary>
    /// <value>The default value is 4,194,304 (4 MiB).</value>
    public int MaxReceiveMessageSize { get; set; } = DefaultMaxReceiveMessageSize;

    /// <summary>
    /// Gets or sets a value indicating whether request messages are sent compressed with gzip (<c>grpc-encoding: gzip</c>).
    /// Responses compressed with gzip are always accepted, whatever this says.
    /// </summary>
    /// <value>The default value is <see langword="false"/>: transcript chunks are short, and compressing them costs more than it saves.</value>
    public bool CompressRequests { get; set; }

    internal void Validate()
    {
        if (Address is null || !Address.IsAbsoluteUri || (Address.Scheme != Uri.UriSchemeHttp && Address.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException("The address must be an absolute http:// or https:// URI, such as http://127.0.0.1:50051.", nameof(Address));
        }

        if (Deadline is { } deadline && deadline <= TimeSpan.Zero)
        {
            throw new ArgumentException("The deadline must be positive, or null for none.", nameof(Deadline));
        }

        if (MaxReceiveMessageSize <= 0)
        {
            throw new ArgumentException("The maximum receive message size must be positive.", nameof(MaxReceiveMessageSize));
        }
    }
}
