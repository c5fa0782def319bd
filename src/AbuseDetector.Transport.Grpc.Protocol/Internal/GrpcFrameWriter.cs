using System.Buffers;
using System.Buffers.Binary;

namespace AbuseDetector.Transport.Grpc.Internal;

/// <summary>Writes length-prefixed messages.</summary>
internal static class GrpcFrameWriter
{
    /// <summary>Writes the five-byte prefix and then <paramref name="payload"/> to <paramref name="writer"/>.</summary>
    /// <param name="writer">The destination.</param>
    /// <param name="payload">The (already compressed, if <paramref name="isCompressed"/>) message bytes.</param>
    /// <param name="isCompressed">Whether to set the compressed flag.</param>
    public static void Write(IBufferWriter<byte> writer, ReadOnlySpan<byte> payload, bool isCompressed)
    {
        ArgumentNullException.ThrowIfNull(writer);

        var total = GrpcProtocolConstants.MessagePrefixLength + payload.Length;
        var destination = writer.GetSpan(total);
        destination[0] = isCompressed ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt32BigEndian(destination[1..], (uint)payload.Length);
        payload.CopyTo(destination[GrpcProtocolConstants.MessagePrefixLength..]);
        writer.Advance(total);
    }

    /// <summary>Writes a frame whose payload is a possibly multi-segment sequence.</summary>
    /// <param name="writer">The destination.</param>
    /// <param name="payload">The message bytes; at most <see cref="uint.MaxValue"/> bytes.</param>
    /// <param name="isCompressed">Whether to set the compressed flag.</param>
    public static void Write(IBufferWriter<byte> writer, in ReadOnlySequence<byte> payload, bool isCompressed)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(payload.Length, (long)uint.MaxValue);

        var prefix = writer.GetSpan(GrpcProtocolConstants.MessagePrefixLength);
        prefix[0] = isCompressed ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt32BigEndian(prefix[1..], (uint)payload.Length);
        writer.Advance(GrpcProtocolConstants.MessagePrefixLength);

        foreach (var segment in payload)
        {
            writer.Write(segment.Span);
        }
    }
}
