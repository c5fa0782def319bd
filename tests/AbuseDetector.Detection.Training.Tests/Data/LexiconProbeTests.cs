using AbuseDetector.Detection.Training.Data;

namespace AbuseDetector.Detection.Training.Tests.Data;

public sealed class LexiconProbeTests
{
    [Theory]
    [InlineData("you idiot")]
    [InlineData("f***")] // short texts too: four characters
    [InlineData("what a load of sh1t that was")]
    public void HasSwearOrInsult_TextWithOne_IsTrue(string text)
    {
        // Act
        var found = LexiconProbe.HasSwearOrInsult(text);

        // Assert
        Assert.True(found);
    }

    [Theory]
    [InlineData("")]
    [InlineData("I'll assess the class in Scunthorpe")]
    [InlineData("kill the process")] // a threat word is neither swearing nor an insult
    public void HasSwearOrInsult_CleanText_IsFalse(string text)
    {
        // Act
        var found = LexiconProbe.HasSwearOrInsult(text);

        // Assert
        Assert.False(found);
    }
}
