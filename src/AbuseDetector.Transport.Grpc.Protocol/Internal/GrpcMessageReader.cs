using System.Buffers;
using System.IO.Pipelines;

namespace AbuseDetector.Transport.Grpc.Internal;

/// <summary>How the messages of one call are coded, from its <c>grpc-encoding</c> header.</summary>
internal enum GrpcMessageCoding
{
    /// <summary>No header, or <c>identity</c>: a compressed message is an error.</summary>
    Identity,

    /// <summary><c>gzip</c>.</summary>
    Gzip,

    /// <summary>An encoding this implementation does not read.</summary>
    Unsupported,
}

/// <summary>What <see cref="GrpcMessageReader.ReadFrameAsync"/> found.</summary>
internal enum GrpcMessageReadResult
{
    /// <summary>A whole frame; use its payload, then advance the reader to <see cref="GrpcMessageRead.Consumed"/>.</summary>
    Frame,

    /// <summary>The stream ended between messages.</summary>
    End,

    /// <summary>The stream ended in the middle of a message.</summary>
    Incomplete,

    /// <summary>The input breaks the protocol or a limit; <see cref="GrpcMessageRead.Error"/> says how.</summary>
    Error,
}

/// <summary>The outcome of <see cref="GrpcMessageReader.ReadFrameAsync"/>.</summary>
/// <param name="Result">What was found.</param>
/// <param name="Frame">The frame, for <see cref="GrpcMessageReadResult.Frame"/>; its payload is valid until the reader is advanced.</param>
/// <param name="Consumed">Where to advance the reader once the frame's payload has been used.</param>
/// <param name="Error">The status, for <see cref="GrpcMessageReadResult.Error"/>.</param>
internal readonly record struct GrpcMessageRead(GrpcMessageReadResult Result, GrpcFrame Frame, SequencePosition Consumed, GrpcStatus Error);

/// <summary>
/// Reads length-prefixed messages from a pipe and decodes them: the loop and the decompression decision the server
/// (request messages) and the client (response messages) share. Each side words its own statuses.
/// </summary>
internal static class GrpcMessageReader
{
    /// <summary>Returns how messages are coded under a <c>grpc-encoding</c> header value.</summary>
    /// <param name="grpcEncoding">The header value, or <see langword="null"/> or empty when absent.</param>
    public static GrpcMessageCoding ParseCoding(string? grpcEncoding)
    {
        if (string.IsNullOrEmpty(grpcEncoding) || string.Equals(grpcEncoding, GrpcProtocolConstants.IdentityEncoding, StringComparison.OrdinalIgnoreCase))
        {
            return GrpcMessageCoding.Identity;
        }

        return string.Equals(grpcEncoding, GrpcProtocolConstants.GzipEncoding, StringComparison.OrdinalIgnoreCase)
            ? GrpcMessageCoding.Gzip
            : GrpcMessageCoding.Unsupported;
    }

    /// <summary>
    /// Reads until <paramref name="reader"/> holds one whole frame, ends, or breaks the protocol. Except after a frame,
    /// the reader has been advanced already; after a frame the caller advances it to <see cref="GrpcMessageRead.Consumed"/>.
    /// Exceptions from <see cref="PipeReader.ReadAsync"/> are not caught.
    /// </summary>
    /// <param name="reader">The message stream.</param>
    /// <param name="maxReceiveMessageSize">The largest message length accepted.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    public static async ValueTask<GrpcMessageRead> ReadFrameAsync(PipeReader reader, int maxReceiveMessageSize, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);

        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            switch (GrpcFrameReader.TryRead(buffer, maxReceiveMessageSize, out var frame, out var consumed, out var error))
            {
                case GrpcFrameReadResult.Frame:
                    return new GrpcMessageRead(GrpcMessageReadResult.Frame, frame, consumed, GrpcStatus.Ok);

                case GrpcFrameReadResult.Error:
                    reader.AdvanceTo(buffer.Start);
                    return new GrpcMessageRead(GrpcMessageReadResult.Error, default, buffer.Start, error);

                default:
                    if (result.IsCompleted)
                    {
                        var ended = buffer.IsEmpty ? GrpcMessageReadResult.End : GrpcMessageReadResult.Incomplete;
                        reader.AdvanceTo(buffer.End);
                        return new GrpcMessageRead(ended, default, buffer.End, GrpcStatus.Ok);
                    }

                    reader.AdvanceTo(buffer.Start, buffer.End);
                    break;
            }
        }
    }

    /// <summary>Returns whether anything follows in <paramref name="reader"/>, without consuming it.</summary>
    /// <param name="reader">The message stream.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    public static async ValueTask<bool> HasMoreDataAsync(PipeReader reader, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);

        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (!buffer.IsEmpty)
            {
                reader.AdvanceTo(buffer.Start);
                return true;
            }

            if (result.IsCompleted)
            {
                reader.AdvanceTo(buffer.End);
                return false;
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>Returns the message bytes of <paramref name="frame"/>: its payload as it is, or decompressed.</summary>
    /// <param name="frame">The frame.</param>
    /// <param name="coding">The call's message coding.</param>
    /// <param name="maxReceiveMessageSize">The largest decompressed message accepted.</param>
    /// <param name="compressedWithoutEncoding">The status when a compressed message arrives under <see cref="GrpcMessageCoding.Identity"/>.</param>
    /// <param name="unsupportedEncoding">The status when a compressed message arrives under <see cref="GrpcMessageCoding.Unsupported"/>.</param>
    /// <param name="message">The message bytes, when the result is <see langword="true"/>.</param>
    /// <param name="error">The status, when the result is <see langword="false"/>.</param>
    /// <returns>Whether the message could be decoded.</returns>
    public static bool TryDecode(
        in GrpcFrame frame,
        GrpcMessageCoding coding,
        int maxReceiveMessageSize,
        GrpcStatus compressedWithoutEncoding,
        GrpcStatus unsupportedEncoding,
        out ReadOnlySequence<byte> message,
        out GrpcStatus error)
    {
        message = default;
        if (!frame.IsCompressed)
        {
            message = frame.Payload;
            error = GrpcStatus.Ok;
            return true;
        }

        switch (coding)
        {
            case GrpcMessageCoding.Identity:
                error = compressedWithoutEncoding;
                return false;

            case GrpcMessageCoding.Unsupported:
                error = unsupportedEncoding;
                return false;

            default:
                // The limit applies to the decompressed size, so a small "gzip bomb" cannot exhaust memory.
                if (!GzipMessageCompression.TryDecompress(frame.Payload, maxReceiveMessageSize, out var decompressed, out error))
                {
                    return false;
                }

                message = new ReadOnlySequence<byte>(decompressed);
                return true;
        }
    }
}
