namespace AbuseDetector.Monitoring.Tests;

public sealed class HistoryIdTests
{
    [Theory]
    [InlineData("0", 0UL, 0UL)]
    [InlineData("5", 5UL, 0UL)]
    [InlineData("1700000000000-0", 1_700_000_000_000UL, 0UL)]
    [InlineData("1700000000000-42", 1_700_000_000_000UL, 42UL)]
    [InlineData("18446744073709551615-18446744073709551615", ulong.MaxValue, ulong.MaxValue)]
    public void TryParse_HistoryId_ReadsMillisecondsAndSequence(string text, ulong milliseconds, ulong sequence)
    {
        // Act
        var parsed = HistoryId.TryParse(text, out var id);

        // Assert
        Assert.True(parsed);
        Assert.Equal(new HistoryId(milliseconds, sequence), id);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("99999999999999999999-0")]
    [InlineData("18446744073709551616-0")]
    [InlineData("0-18446744073709551616")]
    [InlineData("-1")]
    [InlineData("1-")]
    [InlineData("-")]
    [InlineData("1-2-3")]
    [InlineData(" 1-0")]
    [InlineData("1-0 ")]
    [InlineData("+1-0")]
    [InlineData("1.5-0")]
    [InlineData("abc")]
    [InlineData("1-x")]
    public void TryParse_NotAHistoryId_False(string? text)
    {
        // Act
        var parsed = HistoryId.TryParse(text, out var id);

        // Assert
        Assert.False(parsed);
        Assert.Equal(HistoryId.Start, id);
    }

    [Theory]
    [InlineData("0", "0-0")]
    [InlineData("5", "5-0")]
    [InlineData("1700000000000-7", "1700000000000-7")]
    [InlineData("18446744073709551615-18446744073709551615", "18446744073709551615-18446744073709551615")]
    public void ToString_ParsedId_WritesMsDashSeqThatParsesBackToTheSameId(string text, string written)
    {
        // Arrange
        HistoryId.TryParse(text, out var id);

        // Act
        var roundTrip = id.ToString();

        // Assert
        Assert.Equal(written, roundTrip);
        Assert.True(HistoryId.TryParse(roundTrip, out var again));
        Assert.Equal(id, again);
    }

    [Fact]
    public void Start_ComparedWithParsedZero_Equal()
    {
        // Act
        HistoryId.TryParse("0", out var zero);

        // Assert
        Assert.Equal(HistoryId.Start, zero);
    }
}
