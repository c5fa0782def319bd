using System.ComponentModel.DataAnnotations;
using AbuseDetector.Transport.Grpc.Internal;

namespace AbuseDetector.Transport.Grpc;

/// <summary>Settings of the gRPC server, shared by every mapped service.</summary>
public sealed class GrpcServerOptions
{
    /// <summary>Gets or sets the largest request message accepted, in bytes, after decompression; a larger one ends the call with <see cref="GrpcStatusCode.ResourceExhausted"/>.</summary>
    /// <value>The default value is 4 MiB (4,194,304 bytes).</value>
    [Range(0, int.MaxValue, ErrorMessage = "MaxReceiveMessageSize must be between 0 and 2147483647 bytes.")]
    public int MaxReceiveMessageSize { get; set; } = GrpcProtocolConstants.DefaultMaxReceiveMessageSize;

    /// <summary>Gets or sets the largest response message sent, in bytes, before compression; writing a larger one fails the call with <see cref="GrpcStatusCode.ResourceExhausted"/>.</summary>
    /// <value>The default value is <see langword="null"/>: no limit.</value>
    [Range(0, int.MaxValue, ErrorMessage = "MaxSendMessageSize must be between 0 and 2147483647 bytes.")]
    public int? MaxSendMessageSize { get; set; }

    /// <summary>Gets or sets a value indicating whether response messages are compressed with gzip when the client's <c>grpc-accept-encoding</c> names gzip.</summary>
    /// <value>The default value is <see langword="false"/>: call transcripts are short, and compressing them costs more than it saves.</value>
    public bool ResponseCompression { get; set; }
}
