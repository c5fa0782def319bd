using AbuseDetector.Transport.Grpc.Internal;

namespace AbuseDetector.Transport.Grpc.Protocol.Tests.Internal;

public class GrpcMessageEncodingTests
{
    [Fact]
    public void Encode_NonAsciiAndPercent_EncodesUtf8Bytes()
    {
        // Act
        var encoded = GrpcMessageEncoding.Encode("café 100%");

        // Assert
        Assert.Equal("caf%C3%A9 100%25", encoded);
    }

    [Fact]
    public void Encode_ControlCharacters_EncodesThem()
    {
        // Act
        var encoded = GrpcMessageEncoding.Encode("a\tb\r\nc\0\u007F");

        // Assert
        Assert.Equal("a%09b%0D%0Ac%00%7F", encoded);
    }

    [Fact]
    public void Encode_PrintableAscii_ReturnsSameInstance()
    {
        // Arrange
        var message = "The deadline passed before the call completed. ~!\"#$&'()*+,-./:;<=>?@[\\]^_`{|}";

        // Act
        var encoded = GrpcMessageEncoding.Encode(message);

        // Assert
        Assert.Same(message, encoded);
    }

    [Theory]
    [InlineData("café 100%")]
    [InlineData("a\tb\r\nc\0")]
    [InlineData("emoji 🎧 and 日本語")]
    [InlineData("%%%")]
    [InlineData("")]
    public void EncodeThenDecode_Message_RoundTrips(string message)
    {
        // Act
        var decoded = GrpcMessageEncoding.Decode(GrpcMessageEncoding.Encode(message));

        // Assert
        Assert.Equal(message, decoded);
    }

    [Fact]
    public void Decode_LowerCaseHex_Decodes()
    {
        // Act
        var decoded = GrpcMessageEncoding.Decode("caf%c3%a9");

        // Assert
        Assert.Equal("café", decoded);
    }

    [Theory]
    [InlineData("100%")]
    [InlineData("100%2")]
    [InlineData("%zz ok")]
    [InlineData("a%G1b")]
    public void Decode_MalformedEscape_KeepsItAsIs(string value)
    {
        // Act
        var decoded = GrpcMessageEncoding.Decode(value);

        // Assert
        Assert.Equal(value, decoded);
    }

    [Fact]
    public void Decode_MalformedNextToValidEscape_DecodesOnlyTheValidOne()
    {
        // Act
        var decoded = GrpcMessageEncoding.Decode("50%25 of %zz");

        // Assert
        Assert.Equal("50% of %zz", decoded);
    }

    [Fact]
    public void Decode_InvalidUtf8_ReturnsRawValue()
    {
        // Act
        var decoded = GrpcMessageEncoding.Decode("bad %FF byte");

        // Assert
        Assert.Equal("bad %FF byte", decoded);
    }

    [Fact]
    public void Decode_RawNonAscii_KeepsIt()
    {
        // Act
        var decoded = GrpcMessageEncoding.Decode("café %21");

        // Assert
        Assert.Equal("café !", decoded);
    }
}
