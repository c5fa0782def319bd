using System.Buffers;
using System.Text;
using AbuseDetector.Transport.Grpc.Internal;

namespace AbuseDetector.Transport.Grpc.Protocol.Tests.Internal;

public class GzipMessageCompressionTests
{
    [Fact]
    public void TryDecompress_CompressedPayload_RoundTrips()
    {
        // Arrange
        var payload = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("you are being recorded. ", 200)));
        var compressed = GzipMessageCompression.Compress(payload);

        // Act
        var ok = GzipMessageCompression.TryDecompress(new ReadOnlySequence<byte>(compressed), payload.Length, out var decompressed, out var error);

        // Assert
        Assert.True(ok);
        Assert.True(error.IsOk);
        Assert.Equal(payload, decompressed);
        Assert.True(compressed.Length < payload.Length);
    }

    [Fact]
    public void TryDecompress_MultiSegmentInput_RoundTrips()
    {
        // Arrange
        var payload = Enumerable.Range(0, 5000).Select(i => (byte)(i % 251)).ToArray();
        var compressed = GzipMessageCompression.Compress(payload);

        // Act
        var ok = GzipMessageCompression.TryDecompress(Segments.Split(compressed, 13), 10_000, out var decompressed, out _);

        // Assert
        Assert.True(ok);
        Assert.Equal(payload, decompressed);
    }

    [Fact]
    public void TryDecompress_EmptyPayload_RoundTrips()
    {
        // Arrange
        var compressed = GzipMessageCompression.Compress([]);

        // Act
        var ok = GzipMessageCompression.TryDecompress(new ReadOnlySequence<byte>(compressed), 0, out var decompressed, out _);

        // Assert
        Assert.True(ok);
        Assert.Empty(decompressed);
    }

    [Fact]
    public void TryDecompress_GzipBomb_FailsWithResourceExhausted()
    {
        // Arrange: 64 MiB of zeros compress to about 64 KiB; the limit is 1 MiB.
        var bomb = GzipMessageCompression.Compress(new byte[64 * 1024 * 1024], System.IO.Compression.CompressionLevel.SmallestSize);
        const int limit = 1024 * 1024;

        // Act
        var ok = GzipMessageCompression.TryDecompress(new ReadOnlySequence<byte>(bomb), limit, out var decompressed, out var error);

        // Assert
        Assert.False(ok);
        Assert.Empty(decompressed);
        Assert.Equal(GrpcStatusCode.ResourceExhausted, error.Code);
        Assert.Contains("1048576", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryDecompress_OneByteOverLimit_FailsWithResourceExhausted()
    {
        // Arrange
        var compressed = GzipMessageCompression.Compress(new byte[101]);

        // Act
        var ok = GzipMessageCompression.TryDecompress(new ReadOnlySequence<byte>(compressed), 100, out _, out var error);

        // Assert
        Assert.False(ok);
        Assert.Equal(GrpcStatusCode.ResourceExhausted, error.Code);
    }

    [Fact]
    public void TryDecompress_ExactlyAtLimit_Succeeds()
    {
        // Arrange
        var compressed = GzipMessageCompression.Compress(new byte[100]);

        // Act
        var ok = GzipMessageCompression.TryDecompress(new ReadOnlySequence<byte>(compressed), 100, out var decompressed, out _);

        // Assert
        Assert.True(ok);
        Assert.Equal(100, decompressed.Length);
    }

    [Fact]
    public void TryDecompress_NotGzip_FailsWithInternal()
    {
        // Arrange
        var garbage = Encoding.ASCII.GetBytes("this is not a gzip stream at all");

        // Act
        var ok = GzipMessageCompression.TryDecompress(new ReadOnlySequence<byte>(garbage), 1000, out _, out var error);

        // Assert
        Assert.False(ok);
        Assert.Equal(GrpcStatus.InvalidCompressedData, error);
    }
}
