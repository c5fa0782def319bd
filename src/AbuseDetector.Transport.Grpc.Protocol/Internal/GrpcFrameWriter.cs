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
        WritePrefix(destination, (uint)payload.Length, isCompressed);
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

        WritePrefix(writer.GetSpan(GrpcProtocolConstants.MessagePrefixLength), (uint)payload.Length, isCompressed);
        writer.Advance(GrpcProtocolConstants.MessagePrefixLength);

        foreach (var segment in payload)
        {
            writer.Write(segment.Span);
        }
    }

    /// <summary>Writes the five-byte prefix of a frame whose payload of <paramref name="payloadLength"/> bytes the caller writes after it.</summary>
    /// <param name="destination">At least <see cref="GrpcProtocolConstants.MessagePrefixLength"/> bytes.</param>
    /// <param name="payloadLength">The payload's length in bytes.</param>
    /// <param name="isCompressed">Whether to set the compressed flag.</param>
    public static void WritePrefix(Span<byte> destination, uint payloadLength, bool isCompressed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, GrpcProtocolConstants.MessagePrefixLength);

        destination[0] = isCompressed ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt32BigEndian(destination[1..], payloadLength);
    }
}
