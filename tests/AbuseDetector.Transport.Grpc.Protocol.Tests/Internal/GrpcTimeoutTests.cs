using AbuseDetector.Transport.Grpc.Internal;

namespace AbuseDetector.Transport.Grpc.Protocol.Tests.Internal;

public class GrpcTimeoutTests
{
    public static TheoryData<string, TimeSpan> ValidValues => new()
    {
        { "1H", TimeSpan.FromHours(1) },
        { "5M", TimeSpan.FromMinutes(5) },
        { "30S", TimeSpan.FromSeconds(30) },
        { "100m", TimeSpan.FromMilliseconds(100) },
        { "250u", TimeSpan.FromMicroseconds(250) },
        { "1000n", TimeSpan.FromMicroseconds(1) },
        { "0S", TimeSpan.Zero },
        { "00000001S", TimeSpan.FromSeconds(1) },
        { "99999999H", TimeSpan.FromHours(99_999_999) },
        { "99999999n", TimeSpan.FromTicks(1_000_000) },
    };

    [Theory]
    [MemberData(nameof(ValidValues))]
    public void TryParse_ValidValue_ReturnsTimeout(string value, TimeSpan expected)
    {
        // Act
        var ok = GrpcTimeout.TryParse(value, out var timeout);

        // Assert
        Assert.True(ok);
        Assert.Equal(expected, timeout);
    }

    [Theory]
    [InlineData("1n")]
    [InlineData("150n")]
    public void TryParse_NanosecondsBelowTick_RoundsUp(string value)
    {
        // Act
        var ok = GrpcTimeout.TryParse(value, out var timeout);

        // Assert
        Assert.True(ok);
        Assert.Equal(TimeSpan.FromTicks(((long.Parse(value[..^1], System.Globalization.CultureInfo.InvariantCulture) - 1) / 100) + 1), timeout);
    }

    [Theory]
    [InlineData("")]
    [InlineData("1")]
    [InlineData("S")]
    [InlineData("123456789S")]
    [InlineData("1X")]
    [InlineData("1h")]
    [InlineData("1s")]
    [InlineData("-1S")]
    [InlineData("+1S")]
    [InlineData(" 1S")]
    [InlineData("1S ")]
    [InlineData("1.5S")]
    [InlineData("1SS")]
    [InlineData("١S")] // Arabic-Indic digit one: not ASCII.
    public void TryParse_InvalidValue_ReturnsFalse(string value)
    {
        // Act
        var ok = GrpcTimeout.TryParse(value, out _);

        // Assert
        Assert.False(ok);
    }

    public static TheoryData<TimeSpan, string> FormatCases => new()
    {
        { TimeSpan.Zero, "0S" },
        { TimeSpan.FromHours(1), "1H" },
        { TimeSpan.FromMinutes(5), "5M" },
        { TimeSpan.FromSeconds(30), "30S" },
        { TimeSpan.FromSeconds(90), "90S" },
        { TimeSpan.FromMinutes(120), "2H" },
        { TimeSpan.FromMilliseconds(100), "100m" },
        { TimeSpan.FromMilliseconds(1500), "1500m" },
        { TimeSpan.FromMicroseconds(250), "250u" },
        { TimeSpan.FromTicks(1), "100n" },
        { TimeSpan.FromTicks(12_345), "1234500n" },
        // 123,456,789 ms is not exact in eight digits of ms; 123456.789 s rounds up to 123457 S.
        { TimeSpan.FromMilliseconds(123_456_789), "123457S" },
        { TimeSpan.MaxValue, "99999999H" },
    };

    [Theory]
    [MemberData(nameof(FormatCases))]
    public void Format_Timeout_ReturnsShortestValue(TimeSpan timeout, string expected)
    {
        // Act
        var value = GrpcTimeout.Format(timeout);

        // Assert
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData(1L)]
    [InlineData(10L)]
    [InlineData(123_456_789L)]
    [InlineData(36_000_000_000L)]
    [InlineData(987_654_321_012L)]
    public void Format_ThenTryParse_NeverShortensTimeout(long ticks)
    {
        // Arrange
        var timeout = TimeSpan.FromTicks(ticks);

        // Act
        var value = GrpcTimeout.Format(timeout);
        var ok = GrpcTimeout.TryParse(value, out var parsed);

        // Assert
        Assert.True(ok);
        Assert.True(value.Length <= 9);
        Assert.True(parsed >= timeout);
    }

    [Fact]
    public void Format_Negative_Throws()
    {
        // Act / Assert
        Assert.Throws<ArgumentOutOfRangeException>(() => GrpcTimeout.Format(TimeSpan.FromSeconds(-1)));
    }
}
