using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;

namespace AbuseDetector.Transport.Grpc.Internal;

/// <summary>
/// Parses length-prefixed messages: <c>Compressed-Flag (1 byte) Message-Length (4 bytes, big-endian) Message</c>.
/// </summary>
internal static class GrpcFrameReader
{
    /// <summary>
    /// Tries to parse one frame from the start of <paramref name="buffer"/>.
    /// </summary>
    /// <param name="buffer">The bytes received so far, possibly in many segments.</param>
    /// <param name="maxReceiveMessageSize">The largest message length accepted; a larger declared length fails before its bytes are buffered.</param>
    /// <param name="frame">The frame, when the result is <see cref="GrpcFrameReadResult.Frame"/>.</param>
    /// <param name="consumed">The position just after the frame, when the result is <see cref="GrpcFrameReadResult.Frame"/>; otherwise the start of the buffer.</param>
    /// <param name="error">The status to end the call with, when the result is <see cref="GrpcFrameReadResult.Error"/>.</param>
    /// <returns>Whether a frame was read, more data is needed, or the input is in error.</returns>
    public static GrpcFrameReadResult TryRead(
        in ReadOnlySequence<byte> buffer,
        int maxReceiveMessageSize,
        out GrpcFrame frame,
        out SequencePosition consumed,
        out GrpcStatus error)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxReceiveMessageSize);

        frame = default;
        consumed = buffer.Start;
        error = GrpcStatus.Ok;

        if (buffer.IsEmpty)
        {
            return GrpcFrameReadResult.NeedMoreData;
        }

        // Check the flag as soon as it arrives, so garbage fails without waiting for a length.
        var flag = buffer.FirstSpan[0];
        if (flag > 1)
        {
            error = GrpcStatus.InvalidCompressedFlag;
            return GrpcFrameReadResult.Error;
        }

        if (buffer.Length < GrpcProtocolConstants.MessagePrefixLength)
        {
            return GrpcFrameReadResult.NeedMoreData;
        }

        Span<byte> prefix = stackalloc byte[GrpcProtocolConstants.MessagePrefixLength];
        buffer.Slice(0, GrpcProtocolConstants.MessagePrefixLength).CopyTo(prefix);
        var length = BinaryPrimitives.ReadUInt32BigEndian(prefix[1..]);

        // Refuse an oversized message before buffering it.
        if (length > (uint)maxReceiveMessageSize)
        {
            error = MessageTooLarge(length, maxReceiveMessageSize);
            return GrpcFrameReadResult.Error;
        }

        var frameLength = GrpcProtocolConstants.MessagePrefixLength + (long)length;
        if (buffer.Length < frameLength)
        {
            return GrpcFrameReadResult.NeedMoreData;
        }

        frame = new GrpcFrame(flag == 1, buffer.Slice(GrpcProtocolConstants.MessagePrefixLength, length));
        consumed = buffer.GetPosition(frameLength);
        return GrpcFrameReadResult.Frame;
    }

    internal static GrpcStatus MessageTooLarge(long length, int maxReceiveMessageSize) =>
        new(
            GrpcStatusCode.ResourceExhausted,
            string.Create(
                CultureInfo.InvariantCulture,
                $"Received message of {length} bytes exceeds the maximum receive message size of {maxReceiveMessageSize} bytes."));
}
