using AbuseDetector.Transport.Grpc.Internal;

namespace AbuseDetector.Transport.Grpc.Protocol.Tests.Internal;

public class GrpcAcceptEncodingTests
{
    [Fact]
    public void Parse_ListWithSpaces_ReturnsTrimmedNames()
    {
        // Act
        var encodings = GrpcAcceptEncoding.Parse("identity,gzip, deflate");

        // Assert
        Assert.Equal(3, encodings.Count);
        Assert.Contains("identity", encodings);
        Assert.Contains("gzip", encodings);
        Assert.Contains("deflate", encodings);
    }

    [Fact]
    public void Parse_MixedCase_ComparesCaseInsensitively()
    {
        // Act
        var encodings = GrpcAcceptEncoding.Parse("GZip,Identity");

        // Assert
        Assert.Contains("gzip", encodings);
        Assert.Contains("IDENTITY", encodings);
    }

    [Fact]
    public void Parse_DuplicatesAndEmptyEntries_IgnoresThem()
    {
        // Act
        var encodings = GrpcAcceptEncoding.Parse(" gzip ,,\tGZIP\t, ,identity,");

        // Assert
        Assert.Equal(2, encodings.Count);
        Assert.Contains("gzip", encodings);
        Assert.Contains("identity", encodings);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" , ")]
    public void Parse_MissingOrBlank_ReturnsEmptySet(string? value)
    {
        // Act
        var encodings = GrpcAcceptEncoding.Parse(value);

        // Assert
        Assert.Empty(encodings);
    }

    [Fact]
    public void Parse_SingleEncoding_DoesNotAddIdentity()
    {
        // Act
        var encodings = GrpcAcceptEncoding.Parse("gzip");

        // Assert
        Assert.Single(encodings);
        Assert.DoesNotContain("identity", encodings);
    }
}
