using AbuseDetector.Detection.Training.Data;

namespace AbuseDetector.Detection.Training.Tests.Data;

public sealed class ExampleTests
{
    [Fact]
    public void WithAndWithAll_SetLabelsAndLaterCallsWin()
    {
        // Arrange
        var example = new Example("text", "olid", Split.Train);

        // Act
        example.WithAll(0f, Heads.Insult, Heads.Threat).With(Heads.Insult, true).With(Heads.Swearing, false);

        // Assert
        Assert.Equal(
            new Dictionary<string, float> { [Heads.Insult] = 1f, [Heads.Threat] = 0f, [Heads.Swearing] = 0f },
            example.Labels);
    }
}
