using System.Buffers;
using System.IO.Pipelines;
using AbuseDetector.Transport.Grpc.Internal;

namespace AbuseDetector.Transport.Grpc.Protocol.Tests.Internal;

public class GrpcMessageReaderTests
{
    private static readonly GrpcStatus NoEncoding = new(GrpcStatusCode.Internal, "no encoding");
    private static readonly GrpcStatus OtherEncoding = new(GrpcStatusCode.Internal, "other encoding");

    [Theory]
    [InlineData(null, nameof(GrpcMessageCoding.Identity))]
    [InlineData("", nameof(GrpcMessageCoding.Identity))]
    [InlineData("identity", nameof(GrpcMessageCoding.Identity))]
    [InlineData("GZIP", nameof(GrpcMessageCoding.Gzip))]
    [InlineData("deflate", nameof(GrpcMessageCoding.Unsupported))]
    public void ParseCoding_HeaderValue_ReturnsCoding(string? value, string expected)
    {
        // Act
        var coding = GrpcMessageReader.ParseCoding(value);

        // Assert
        Assert.Equal(expected, coding.ToString());
    }

    [Fact]
    public async Task ReadFrameAsync_TwoFramesThenEnd_ReturnsEachThenEnd()
    {
        // Arrange
        var reader = await CompletedPipe([.. Framed([1, 2, 3]), .. Framed([4])]);

        // Act
        var first = await ReadPayload(reader);
        var second = await ReadPayload(reader);
        var end = await GrpcMessageReader.ReadFrameAsync(reader, 100, CancellationToken.None);

        // Assert
        Assert.Equal([1, 2, 3], first);
        Assert.Equal([4], second);
        Assert.Equal(GrpcMessageReadResult.End, end.Result);
    }

    [Fact]
    public async Task ReadFrameAsync_EndsInsideFrame_ReturnsIncomplete()
    {
        // Arrange
        var reader = await CompletedPipe(Framed([1, 2, 3])[..6]);

        // Act
        var read = await GrpcMessageReader.ReadFrameAsync(reader, 100, CancellationToken.None);

        // Assert
        Assert.Equal(GrpcMessageReadResult.Incomplete, read.Result);
    }

    [Fact]
    public async Task ReadFrameAsync_FrameOverLimit_ReturnsResourceExhausted()
    {
        // Arrange
        var reader = await CompletedPipe(Framed(new byte[10]));

        // Act
        var read = await GrpcMessageReader.ReadFrameAsync(reader, 9, CancellationToken.None);

        // Assert
        Assert.Equal(GrpcMessageReadResult.Error, read.Result);
        Assert.Equal(GrpcStatusCode.ResourceExhausted, read.Error.Code);
    }

    [Fact]
    public async Task HasMoreDataAsync_DataThenNothing_ReportsWithoutConsuming()
    {
        // Arrange
        var reader = await CompletedPipe(Framed([7]));

        // Act
        var before = await GrpcMessageReader.HasMoreDataAsync(reader, CancellationToken.None);
        var payload = await ReadPayload(reader);
        var after = await GrpcMessageReader.HasMoreDataAsync(reader, CancellationToken.None);

        // Assert
        Assert.True(before);
        Assert.Equal([7], payload);
        Assert.False(after);
    }

    [Fact]
    public void TryDecode_Uncompressed_ReturnsPayloadAsItIs()
    {
        // Arrange
        var payload = new ReadOnlySequence<byte>(new byte[] { 1, 2 });

        // Act
        var decoded = GrpcMessageReader.TryDecode(new GrpcFrame(false, payload), GrpcMessageCoding.Identity, 100, NoEncoding, OtherEncoding, out var message, out _);

        // Assert
        Assert.True(decoded);
        Assert.Equal(payload, message);
    }

    [Theory]
    [InlineData(nameof(GrpcMessageCoding.Identity), "no encoding")]
    [InlineData(nameof(GrpcMessageCoding.Unsupported), "other encoding")]
    public void TryDecode_CompressedWithoutGzip_ReturnsCallersStatus(string codingName, string expected)
    {
        // Arrange
        var coding = Enum.Parse<GrpcMessageCoding>(codingName);
        var frame = new GrpcFrame(true, new ReadOnlySequence<byte>(GzipMessageCompression.Compress([1, 2])));

        // Act
        var decoded = GrpcMessageReader.TryDecode(frame, coding, 100, NoEncoding, OtherEncoding, out _, out var error);

        // Assert
        Assert.False(decoded);
        Assert.Equal(expected, error.Message);
    }

    [Fact]
    public void TryDecode_CompressedWithGzip_ReturnsDecompressedBytes()
    {
        // Arrange
        var frame = new GrpcFrame(true, new ReadOnlySequence<byte>(GzipMessageCompression.Compress([1, 2, 3])));

        // Act
        var decoded = GrpcMessageReader.TryDecode(frame, GrpcMessageCoding.Gzip, 100, NoEncoding, OtherEncoding, out var message, out _);

        // Assert
        Assert.True(decoded);
        Assert.Equal([1, 2, 3], message.ToArray());
    }

    private static byte[] Framed(byte[] payload)
    {
        var writer = new ArrayBufferWriter<byte>();
        GrpcFrameWriter.Write(writer, payload, isCompressed: false);
        return writer.WrittenSpan.ToArray();
    }

    private static async Task<PipeReader> CompletedPipe(byte[] bytes)
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(bytes);
        await pipe.Writer.CompleteAsync();
        return pipe.Reader;
    }

    private static async Task<byte[]> ReadPayload(PipeReader reader)
    {
        var read = await GrpcMessageReader.ReadFrameAsync(reader, 100, CancellationToken.None);
        Assert.Equal(GrpcMessageReadResult.Frame, read.Result);
        var payload = read.Frame.Payload.ToArray();
        reader.AdvanceTo(read.Consumed);
        return payload;
    }
}
