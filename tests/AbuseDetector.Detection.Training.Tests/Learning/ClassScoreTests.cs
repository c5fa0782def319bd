using AbuseDetector.Detection.Training.Learning;

namespace AbuseDetector.Detection.Training.Tests.Learning;

public sealed class ClassScoreTests
{
    [Fact]
    public void From_Counts_GivesPrecisionRecallF1AndSupport()
    {
        // Arrange: tp 3, fp 1, fn 2 → P 3/4, R 3/5, F1 = 2·0.45/1.35 = 2/3, support 5.

        // Act
        var score = ClassScore.From(3, 1, 2);

        // Assert
        Assert.Equal(0.75, score.Precision, 12);
        Assert.Equal(0.6, score.Recall, 12);
        Assert.Equal(2.0 / 3, score.F1, 12);
        Assert.Equal(5, score.Support);
    }

    [Fact]
    public void From_NothingAtAll_IsZeroNotNaN()
    {
        // Act
        var score = ClassScore.From(0, 0, 0);

        // Assert
        Assert.Equal(new ClassScore(0, 0, 0, 0), score);
    }

    [Fact]
    public void From_OnlyFalsePositives_IsZeroWithNoSupport()
    {
        // Act
        var score = ClassScore.From(0, 4, 0);

        // Assert
        Assert.Equal(new ClassScore(0, 0, 0, 0), score);
    }

    [Fact]
    public void From_Perfect_IsOne()
    {
        // Act
        var score = ClassScore.From(7, 0, 0);

        // Assert
        Assert.Equal(new ClassScore(1, 1, 1, 7), score);
    }
}
