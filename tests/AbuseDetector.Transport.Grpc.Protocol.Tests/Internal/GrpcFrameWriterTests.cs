using System.Buffers;
using AbuseDetector.Transport.Grpc.Internal;

namespace AbuseDetector.Transport.Grpc.Protocol.Tests.Internal;

public class GrpcFrameWriterTests
{
    [Fact]
    public void Write_Payload_WritesFlagBigEndianLengthAndBytes()
    {
        // Arrange
        var writer = new ArrayBufferWriter<byte>();
        var payload = new byte[300];
        payload[^1] = 0xAB;

        // Act
        GrpcFrameWriter.Write(writer, payload, isCompressed: true);

        // Assert
        var written = writer.WrittenSpan.ToArray();
        Assert.Equal(305, written.Length);
        Assert.Equal(new byte[] { 1, 0, 0, 1, 44 }, written[..5]);
        Assert.Equal(0xAB, written[^1]);
    }

    [Fact]
    public void Write_EmptyPayload_WritesPrefixOnly()
    {
        // Arrange
        var writer = new ArrayBufferWriter<byte>();

        // Act
        GrpcFrameWriter.Write(writer, ReadOnlySpan<byte>.Empty, isCompressed: false);

        // Assert
        Assert.Equal(new byte[] { 0, 0, 0, 0, 0 }, writer.WrittenSpan.ToArray());
    }

    [Theory]
    [InlineData(false, 0)]
    [InlineData(false, 1)]
    [InlineData(true, 70_000)]
    public void WriteThenTryRead_Payload_RoundTrips(bool compressed, int length)
    {
        // Arrange
        var payload = Enumerable.Range(0, length).Select(i => (byte)(i * 7)).ToArray();
        var writer = new ArrayBufferWriter<byte>();

        // Act
        GrpcFrameWriter.Write(writer, payload, compressed);
        var buffer = Segments.Split(writer.WrittenSpan.ToArray(), 4096);
        var result = GrpcFrameReader.TryRead(buffer, 100_000, out var frame, out var consumed, out _);

        // Assert
        Assert.Equal(GrpcFrameReadResult.Frame, result);
        Assert.Equal(compressed, frame.IsCompressed);
        Assert.Equal(payload, frame.Payload.ToArray());
        Assert.Equal(buffer.End, consumed);
    }

    [Fact]
    public void Write_MultiSegmentPayload_RoundTrips()
    {
        // Arrange
        var payload = Enumerable.Range(0, 50).Select(i => (byte)i).ToArray();
        var writer = new ArrayBufferWriter<byte>();

        // Act
        GrpcFrameWriter.Write(writer, Segments.Split(payload, 7), isCompressed: false);
        var result = GrpcFrameReader.TryRead(new ReadOnlySequence<byte>(writer.WrittenMemory), 1024, out var frame, out _, out _);

        // Assert
        Assert.Equal(GrpcFrameReadResult.Frame, result);
        Assert.Equal(payload, frame.Payload.ToArray());
    }
}
