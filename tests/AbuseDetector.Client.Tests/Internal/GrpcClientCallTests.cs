using System.Buffers.Binary;
using System.IO.Compression;
using AbuseDetector.Client.Internal;
using AbuseDetector.Contracts.V1;

namespace AbuseDetector.Client.Tests.Internal;

public class GrpcClientCallTests
{
    [Fact]
    public void Frame_Uncompressed_WritesPrefixAndMessage()
    {
        // Arrange
        var message = new ClassifyRequest { Text = "you will regret this" };

        // Act
        var frame = GrpcClientCall<ClassifyResponse>.Frame(message, compress: false);

        // Assert
        Assert.Equal(0, frame[0]);
        Assert.Equal((uint)(frame.Length - 5), BinaryPrimitives.ReadUInt32BigEndian(frame.AsSpan(1)));
        Assert.Equal(message, ClassifyRequest.Parser.ParseFrom(frame.AsSpan(5)));
    }

    [Fact]
    public void Frame_Compressed_WritesPrefixAndGzippedMessage()
    {
        // Arrange
        var message = new ClassifyRequest { Text = "you will regret this" };

        // Act
        var frame = GrpcClientCall<ClassifyResponse>.Frame(message, compress: true);

        // Assert
        Assert.Equal(1, frame[0]);
        Assert.Equal((uint)(frame.Length - 5), BinaryPrimitives.ReadUInt32BigEndian(frame.AsSpan(1)));
        using var gzip = new GZipStream(new MemoryStream(frame, 5, frame.Length - 5), CompressionMode.Decompress);
        Assert.Equal(message, ClassifyRequest.Parser.ParseFrom(gzip));
    }
}
