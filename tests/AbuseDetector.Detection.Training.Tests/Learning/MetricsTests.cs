using AbuseDetector.Detection.Training.Learning;

namespace AbuseDetector.Detection.Training.Tests.Learning;

public sealed class MetricsTests
{
    private const double Tolerance = 1e-9;

    [Fact]
    public void PerClass_ThreeClasses_MatchesHandCount()
    {
        // Arrange
        //   gold      a a b b c
        //   predicted a b b b a
        // a: tp 1 (item 0), fp 1 (item 4), fn 1 (item 1)  → P 1/2, R 1/2, F1 1/2, support 2
        // b: tp 2 (items 2, 3), fp 1 (item 1), fn 0      → P 2/3, R 1,   F1 4/5, support 2
        // c: tp 0, fp 0, fn 1 (item 4)                    → P 0,   R 0,   F1 0,   support 1
        int[] gold = [0, 0, 1, 1, 2];
        int[] predicted = [0, 1, 1, 1, 0];

        // Act
        var scores = Metrics.PerClass(gold, predicted, ["a", "b", "c"]);

        // Assert
        AssertScore(scores["a"], 0.5, 0.5, 0.5, 2);
        AssertScore(scores["b"], 2.0 / 3, 1, 0.8, 2);
        AssertScore(scores["c"], 0, 0, 0, 1);
    }

    [Fact]
    public void MacroF1_PerClassScores_IsTheirPlainMean()
    {
        // Arrange: F1 of 1/2, 4/5 and 0, as above.
        var scores = Metrics.PerClass([0, 0, 1, 1, 2], [0, 1, 1, 1, 0], ["a", "b", "c"]);

        // Act
        var macro = Metrics.MacroF1(scores);

        // Assert
        Assert.Equal((0.5 + 0.8 + 0) / 3, macro, Tolerance);
    }

    [Fact]
    public void PerClass_PerfectPrediction_IsOneEverywhere()
    {
        // Act
        var scores = Metrics.PerClass([0, 1, 2, 1], [0, 1, 2, 1], ["x", "y", "z"]);

        // Assert
        Assert.All(scores.Values, s => Assert.Equal(1, s.F1));
        Assert.Equal(1, Metrics.MacroF1(scores));
    }

    [Fact]
    public void Binary_ScoresAndThreshold_MatchesHandCount()
    {
        // Arrange: predicted positive 0.9 (gold yes), 0.8 (no), 0.6 (no); missed 0.4 (yes).
        // tp 1, fp 2, fn 1 → P 1/3, R 1/2, F1 = 2·(1/6)/(5/6) = 0.4, support 2.
        float[] scores = [0.9f, 0.8f, 0.4f, 0.3f, 0.6f];
        bool[] gold = [true, false, true, false, false];

        // Act
        var score = Metrics.Binary(scores, gold, 0.5f);

        // Assert
        AssertScore(score, 1.0 / 3, 0.5, 0.4, 2);
    }

    [Fact]
    public void Binary_ScoreEqualToThreshold_CountsAsPositive()
    {
        // Act
        var score = Metrics.Binary([0.5f], [true], 0.5f);

        // Assert
        AssertScore(score, 1, 1, 1, 1);
    }

    [Fact]
    public void BestThreshold_SeparableScores_CutsBetweenTheClasses()
    {
        // Arrange: positives 0.9 and 0.8, negatives 0.7 and below; the cut is the midpoint 0.75.
        float[] scores = [0.9f, 0.8f, 0.7f, 0.2f, 0.1f];
        bool[] gold = [true, true, false, false, false];

        // Act
        var threshold = Metrics.BestThreshold(scores, gold, macro: false);

        // Assert
        Assert.Equal(0.75f, threshold, 6);
        Assert.Equal(1, Metrics.Binary(scores, gold, threshold).F1);
    }

    [Fact]
    public void BestThreshold_TiedScores_NeverSplitsTheTie()
    {
        // Arrange: the tie at 0.5 is one positive and one negative; taking both (F1 2/3) beats nothing,
        // and also taking 0.1 drops F1 to 1/2. So the cut is (0.5 + 0.1) / 2.
        float[] scores = [0.5f, 0.5f, 0.1f];
        bool[] gold = [true, false, false];

        // Act
        var threshold = Metrics.BestThreshold(scores, gold, macro: false);

        // Assert
        Assert.Equal(0.3f, threshold, 6);
    }

    [Fact]
    public void BestThreshold_BestWhenEverythingIsPositive_IsTheLowestScore()
    {
        // Act
        var threshold = Metrics.BestThreshold([0.2f, 0.9f], [true, true], macro: false);

        // Assert
        Assert.Equal(0.2f, threshold);
    }

    [Fact]
    public void BestThreshold_MacroAndPositiveF1_PickDifferentCuts()
    {
        // Arrange (descending): gold yes, no, no, yes, yes.
        // Positive F1 by cut after k items: 1/2, 2/5, 1/3, 4/7, 3/4 → best takes all five (threshold 0.1).
        // Macro F1 (positive and negative F1 averaged): 7/12, 2/5, 1/6, 2/7, 3/8 → best after the first (0.8).
        float[] scores = [0.9f, 0.7f, 0.5f, 0.3f, 0.1f];
        bool[] gold = [true, false, false, true, true];

        // Act
        var positive = Metrics.BestThreshold(scores, gold, macro: false);
        var macro = Metrics.BestThreshold(scores, gold, macro: true);

        // Assert
        Assert.Equal(0.1f, positive);
        Assert.Equal(0.8f, macro, 6);
    }

    [Fact]
    public void SpanF1_BothEmpty_IsOne()
    {
        // Act and assert
        Assert.Equal(1, Metrics.SpanF1(new HashSet<int>(), new HashSet<int>()));
    }

    [Fact]
    public void SpanF1_OnlyOneEmpty_IsZero()
    {
        // Act and assert
        Assert.Equal(0, Metrics.SpanF1(new HashSet<int> { 1 }, new HashSet<int>()));
        Assert.Equal(0, Metrics.SpanF1(new HashSet<int>(), new HashSet<int> { 1 }));
    }

    [Fact]
    public void SpanF1_PartialOverlap_IsTwiceTheOverlapOverTheSizes()
    {
        // Arrange: overlap {2, 3}; 2·2 / (3 + 4) = 4/7.
        var predicted = new HashSet<int> { 1, 2, 3 };
        var gold = new HashSet<int> { 2, 3, 4, 5 };

        // Act
        var f1 = Metrics.SpanF1(predicted, gold);

        // Assert
        Assert.Equal(4.0 / 7, f1, Tolerance);
    }

    [Fact]
    public void SpanF1_Disjoint_IsZero()
    {
        // Act and assert
        Assert.Equal(0, Metrics.SpanF1(new HashSet<int> { 1, 2 }, new HashSet<int> { 3 }));
    }

    private static void AssertScore(ClassScore score, double precision, double recall, double f1, int support)
    {
        Assert.Equal(precision, score.Precision, Tolerance);
        Assert.Equal(recall, score.Recall, Tolerance);
        Assert.Equal(f1, score.F1, Tolerance);
        Assert.Equal(support, score.Support);
    }

    [Theory]
    [InlineData(0.01, 0.55f)]
    [InlineData(0.1, 0.75f)]
    public void StableThreshold_FlatPeak_TakesMiddleOfThePlateau(double tolerance, float expected)
    {
        // Arrange: cutting below each score in turn gives F1 0.5, 0.8, 0.667, 0.857, 0.75, 0.667 (by hand),
        // at thresholds 0.85, 0.75, 0.65, 0.55, 0.45, 0.4. Within 1% of 0.857 only 0.55 remains; within 10%,
        // 0.55 and 0.75 (F1 0.8), whose middle element is 0.75.
        float[] scores = [0.9f, 0.8f, 0.7f, 0.6f, 0.5f, 0.4f];
        bool[] gold = [true, true, false, true, false, false];

        // Act
        var threshold = Metrics.StableThreshold(scores, gold, beta: 1, tolerance);

        // Assert
        Assert.Equal(expected, threshold, 3);
    }
}
