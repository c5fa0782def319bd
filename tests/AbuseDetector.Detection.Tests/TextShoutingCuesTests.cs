namespace AbuseDetector.Detection.Tests;

public sealed class TextShoutingCuesTests
{
    [Fact]
    public void Measure_AllCapitals_CountsLettersAndLooksShouted()
    {
        // Act: 15 letters, all capitals.
        var cues = TextShoutingCues.Measure("STOP YELLING AT ME");

        // Assert
        Assert.Equal(new TextShoutingCues(1f, 15, 0), cues);
        Assert.True(cues.LooksShouted);
    }

    [Fact]
    public void Measure_ShortCapitalWord_IsNotShouting()
    {
        // Act
        var cues = TextShoutingCues.Measure("NO");

        // Assert
        Assert.Equal(2, cues.Letters);
        Assert.False(cues.LooksShouted);
    }

    [Fact]
    public void Measure_ThreeExclamationMarks_LooksShouted()
    {
        // Act
        var cues = TextShoutingCues.Measure("no!!!");

        // Assert
        Assert.Equal(3, cues.Exclamations);
        Assert.True(cues.LooksShouted);
    }

    [Theory]
    [InlineData("ABCDEFGhij", true)] // 7 of 10 capitals: exactly 0.7
    [InlineData("ABCDEFghij", false)] // 6 of 10
    [InlineData("Hello There", false)]
    [InlineData("\u00C9COUTEZ-MOI MAINTENANT", true)] // capitals beyond ASCII count
    public void Measure_CapitalsRatio_ShoutedFromSeventyPercent(string text, bool shouted)
    {
        // Act
        var cues = TextShoutingCues.Measure(text);

        // Assert
        Assert.Equal(shouted, cues.LooksShouted);
    }

    [Fact]
    public void Measure_NoLetters_RatioIsZero()
    {
        // Act
        var cues = TextShoutingCues.Measure("1234 ?? ...");

        // Assert
        Assert.Equal(new TextShoutingCues(0f, 0, 0), cues);
        Assert.False(cues.LooksShouted);
    }
}
