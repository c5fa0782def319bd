using System.Buffers;
using AbuseDetector.Transport.Grpc.Internal;

namespace AbuseDetector.Transport.Grpc.Protocol.Tests.Internal;

public class GrpcFrameReaderTests
{
    private const int Max = 1024;

    [Fact]
    public void TryRead_EmptyBuffer_NeedsMoreData()
    {
        // Arrange
        var buffer = ReadOnlySequence<byte>.Empty;

        // Act
        var result = GrpcFrameReader.TryRead(buffer, Max, out _, out var consumed, out _);

        // Assert
        Assert.Equal(GrpcFrameReadResult.NeedMoreData, result);
        Assert.Equal(buffer.Start, consumed);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void TryRead_PartialPrefix_NeedsMoreData(int available)
    {
        // Arrange
        var bytes = new byte[] { 0, 0, 0, 0, 3, 1, 2, 3 };
        var buffer = new ReadOnlySequence<byte>(bytes, 0, available);

        // Act
        var result = GrpcFrameReader.TryRead(buffer, Max, out _, out _, out _);

        // Assert
        Assert.Equal(GrpcFrameReadResult.NeedMoreData, result);
    }

    [Fact]
    public void TryRead_PrefixButPartialPayload_NeedsMoreData()
    {
        // Arrange
        var buffer = new ReadOnlySequence<byte>([0, 0, 0, 0, 3, 1, 2]);

        // Act
        var result = GrpcFrameReader.TryRead(buffer, Max, out _, out _, out _);

        // Assert
        Assert.Equal(GrpcFrameReadResult.NeedMoreData, result);
    }

    [Fact]
    public void TryRead_WholeFrame_ReturnsPayloadAndConsumesFrame()
    {
        // Arrange
        var buffer = new ReadOnlySequence<byte>([0, 0, 0, 0, 3, 7, 8, 9, 42]);

        // Act
        var result = GrpcFrameReader.TryRead(buffer, Max, out var frame, out var consumed, out _);

        // Assert
        Assert.Equal(GrpcFrameReadResult.Frame, result);
        Assert.False(frame.IsCompressed);
        Assert.Equal(new byte[] { 7, 8, 9 }, frame.Payload.ToArray());
        Assert.Equal(new byte[] { 42 }, buffer.Slice(consumed).ToArray());
    }

    [Fact]
    public void TryRead_FrameSplitAcrossManySegments_ReturnsPayload()
    {
        // Arrange: prefix split 2+3, payload split over several segments, one byte per segment at the start.
        var payload = Enumerable.Range(0, 100).Select(i => (byte)i).ToArray();
        var bytes = new byte[] { 1, 0, 0, 0, 100 }.Concat(payload).ToArray();
        var buffer = Segments.Create(bytes[..2], bytes[2..5], bytes[5..6], bytes[6..7], bytes[7..50], bytes[50..]);

        // Act
        var result = GrpcFrameReader.TryRead(buffer, Max, out var frame, out var consumed, out _);

        // Assert
        Assert.Equal(GrpcFrameReadResult.Frame, result);
        Assert.True(frame.IsCompressed);
        Assert.Equal(payload, frame.Payload.ToArray());
        Assert.Equal(buffer.End, consumed);
    }

    [Fact]
    public void TryRead_OneByteSegments_ReturnsPayload()
    {
        // Arrange
        var bytes = new byte[] { 0, 0, 0, 0, 4, 10, 20, 30, 40 };
        var buffer = Segments.Split(bytes, 1);

        // Act
        var result = GrpcFrameReader.TryRead(buffer, Max, out var frame, out _, out _);

        // Assert
        Assert.Equal(GrpcFrameReadResult.Frame, result);
        Assert.Equal(new byte[] { 10, 20, 30, 40 }, frame.Payload.ToArray());
    }

    [Fact]
    public void TryRead_TwoFramesInBuffer_ReadsThemInTurn()
    {
        // Arrange
        var buffer = Segments.Split([0, 0, 0, 0, 1, 5, 0, 0, 0, 0, 2, 6, 7], 3);

        // Act
        var first = GrpcFrameReader.TryRead(buffer, Max, out var frame1, out var consumed1, out _);
        var rest = buffer.Slice(consumed1);
        var second = GrpcFrameReader.TryRead(rest, Max, out var frame2, out var consumed2, out _);

        // Assert
        Assert.Equal(GrpcFrameReadResult.Frame, first);
        Assert.Equal(new byte[] { 5 }, frame1.Payload.ToArray());
        Assert.Equal(GrpcFrameReadResult.Frame, second);
        Assert.Equal(new byte[] { 6, 7 }, frame2.Payload.ToArray());
        Assert.Equal(buffer.End, consumed2);
    }

    [Fact]
    public void TryRead_ZeroLengthMessage_ReturnsEmptyPayload()
    {
        // Arrange
        var buffer = new ReadOnlySequence<byte>([0, 0, 0, 0, 0]);

        // Act
        var result = GrpcFrameReader.TryRead(buffer, Max, out var frame, out var consumed, out _);

        // Assert
        Assert.Equal(GrpcFrameReadResult.Frame, result);
        Assert.True(frame.Payload.IsEmpty);
        Assert.Equal(buffer.End, consumed);
    }

    [Fact]
    public void TryRead_LengthExactlyAtLimit_ReturnsFrame()
    {
        // Arrange
        var bytes = new byte[5 + Max];
        bytes[3] = Max >> 8;
        bytes[4] = Max & 0xFF;
        var buffer = Segments.Split(bytes, 300);

        // Act
        var result = GrpcFrameReader.TryRead(buffer, Max, out var frame, out _, out _);

        // Assert
        Assert.Equal(GrpcFrameReadResult.Frame, result);
        Assert.Equal(Max, frame.Payload.Length);
    }

    [Fact]
    public void TryRead_LengthOverLimit_FailsWithResourceExhaustedBeforePayloadArrives()
    {
        // Arrange: only the prefix of a 1025-byte message has arrived.
        var buffer = new ReadOnlySequence<byte>([0, 0, 0, (Max + 1) >> 8, (Max + 1) & 0xFF]);

        // Act
        var result = GrpcFrameReader.TryRead(buffer, Max, out _, out _, out var error);

        // Assert
        Assert.Equal(GrpcFrameReadResult.Error, result);
        Assert.Equal(GrpcStatusCode.ResourceExhausted, error.Code);
        Assert.Contains("1025", error.Message, StringComparison.Ordinal);
        Assert.Contains("1024", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryRead_LengthAboveIntMaxValue_FailsWithResourceExhausted()
    {
        // Arrange
        var buffer = new ReadOnlySequence<byte>([0, 0xFF, 0xFF, 0xFF, 0xFF]);

        // Act
        var result = GrpcFrameReader.TryRead(buffer, int.MaxValue, out _, out _, out var error);

        // Assert
        Assert.Equal(GrpcFrameReadResult.Error, result);
        Assert.Equal(GrpcStatusCode.ResourceExhausted, error.Code);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(0x80)]
    [InlineData(0xFF)]
    public void TryRead_BadFlag_FailsWithInternal(byte flag)
    {
        // Arrange
        var buffer = new ReadOnlySequence<byte>([flag, 0, 0, 0, 1, 9]);

        // Act
        var result = GrpcFrameReader.TryRead(buffer, Max, out _, out _, out var error);

        // Assert
        Assert.Equal(GrpcFrameReadResult.Error, result);
        Assert.Equal(GrpcStatus.InvalidCompressedFlag, error);
        Assert.Equal(GrpcStatusCode.Internal, error.Code);
    }

    [Fact]
    public void TryRead_BadFlagAlone_FailsWithoutWaitingForPrefix()
    {
        // Arrange
        var buffer = new ReadOnlySequence<byte>([7]);

        // Act
        var result = GrpcFrameReader.TryRead(buffer, Max, out _, out _, out var error);

        // Assert
        Assert.Equal(GrpcFrameReadResult.Error, result);
        Assert.Equal(GrpcStatusCode.Internal, error.Code);
    }
}
