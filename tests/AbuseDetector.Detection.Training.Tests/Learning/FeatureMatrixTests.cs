using AbuseDetector.Detection.Internal;
using AbuseDetector.Detection.Training.Learning;
using AbuseDetector.Tests;

namespace AbuseDetector.Detection.Training.Tests.Learning;

public sealed class FeatureMatrixTests
{
    private const int HashBits = 12;

    [Fact]
    public void ForDocuments_Texts_OneRowEachInsideTheHashSpace()
    {
        // Arrange
        var texts = TinyCorpus.Texts;

        // Act
        var matrix = FeatureMatrix.ForDocuments(texts, HashBits);

        // Assert
        Assert.Equal(texts.Count, matrix.Rows);
        Assert.Equal(0, matrix.Offsets[0]);
        Assert.Equal(matrix.Buckets.Length, matrix.Offsets[^1]);
        for (var row = 0; row < matrix.Rows; row++)
        {
            Assert.True(matrix.Offsets[row + 1] > matrix.Offsets[row]);
            Assert.InRange(matrix.WordCounts[row], 1, matrix.Offsets[row + 1] - matrix.Offsets[row] - 1);
        }

        Assert.All(matrix.Buckets, b => Assert.InRange(b, 0, (1 << HashBits) - 1));
    }

    [Theory]
    [InlineData("f*** off")]
    [InlineData("idiot")]
    [InlineData("u")]
    public void ForDocuments_ShortText_HasFeatures(string text)
    {
        // Act
        var matrix = FeatureMatrix.ForDocuments([text], HashBits);

        // Assert
        Assert.True(matrix.WordCounts[0] > 0);
    }

    [Fact]
    public void ForDocuments_SameTextInTwoRows_GivesTheSameFeatures()
    {
        // Act
        var matrix = FeatureMatrix.ForDocuments(["you absolute muppet", "hello", "you absolute muppet"], HashBits);

        // Assert
        var first = matrix.Buckets.AsSpan((int)matrix.Offsets[0], (int)(matrix.Offsets[1] - matrix.Offsets[0])).ToArray();
        var third = matrix.Buckets.AsSpan((int)matrix.Offsets[2], (int)(matrix.Offsets[3] - matrix.Offsets[2])).ToArray();
        Assert.Equal(first, third);
    }

    [Fact]
    public void ValueOf_WithoutIdf_IsOneOverTheRootOfItsGroupsCount()
    {
        // Arrange
        var matrix = FeatureMatrix.ForDocuments(["you absolute muppet"], HashBits);
        var words = matrix.WordCounts[0];
        var chars = (int)(matrix.Offsets[1] - words);

        // Act
        var wordValue = matrix.ValueOf(0, 0);
        var charValue = matrix.ValueOf(0, words);

        // Assert
        Assert.Equal(1 / Math.Sqrt(words), wordValue, 6);
        Assert.Equal(1 / Math.Sqrt(chars), charValue, 6);
    }

    [Fact]
    public void ComputeIdf_TwoIdenticalRows_IsOneWhereSeenAndLnThreePlusOneElsewhere()
    {
        // Arrange: smoothed IDF is ln((1 + n) / (1 + df)) + 1 with n = 2.
        var matrix = FeatureMatrix.ForDocuments(["hello there", "hello there"], HashBits);
        var seen = matrix.Buckets.ToHashSet();

        // Act
        var idf = matrix.ComputeIdf(1 << HashBits);

        // Assert
        for (var b = 0; b < idf.Length; b++)
        {
            Assert.Equal(seen.Contains(b) ? 1f : MathF.Log(3f) + 1f, idf[b], 5);
        }
    }

    [Fact]
    public void LogCountRatios_Buckets_FollowTheSmoothedNaiveBayesFormula()
    {
        // Arrange: one positive row, one negative row, alpha 1.
        var matrix = FeatureMatrix.ForDocuments(["you idiot", "thanks a lot"], HashBits);
        TrainingRow[] rows = [new(0, 1f, 1f), new(1, 0f, 1f)];
        var buckets = 1 << HashBits;
        var positive = Count(matrix, 0, buckets);
        var negative = Count(matrix, 1, buckets);
        double positiveTotal = buckets + positive.Sum(), negativeTotal = buckets + negative.Sum();

        // Act
        var ratios = matrix.LogCountRatios(rows, buckets);

        // Assert
        for (var b = 0; b < buckets; b++)
        {
            var expected = Math.Log((positive[b] + 1) / positiveTotal / ((negative[b] + 1) / negativeTotal));
            Assert.Equal(expected, ratios[b], 4);
        }
    }

    [Fact]
    public void ForTokens_Texts_OneRowPerTokenWithItsOriginalRange()
    {
        // Arrange
        var ranges = new List<(int Text, int Start, int Length)>();

        // Act
        var matrix = FeatureMatrix.ForTokens(["you idiot", "hello there friend"], HashBits, ranges);

        // Assert
        Assert.Equal(5, matrix.Rows);
        Assert.Equal([(0, 0, 3), (0, 4, 5), (1, 0, 5), (1, 6, 5), (1, 12, 6)], ranges);
    }

    [Theory]
    [InlineData("you are a useless idiot")]
    [InlineData("f*** off")]
    [InlineData("WHAT THE HELL!!! f u c k")]
    [InlineData("thank you so much for your help today, the engineer was great")]
    public void Score_QuantizedHead_MatchesTheClassifiersRawScore(string text)
    {
        // Arrange: train a head on the matrix, put it in a model, and score the text both ways.
        var matrix = FeatureMatrix.ForDocuments([.. TinyCorpus.Texts, text], HashBits);
        var rows = TinyCorpus.Lines.Select((l, i) => new TrainingRow(i, l.Labels[1], 1f)).ToList();
        var head = HeadTrainer.TrainHead(matrix, rows, 1 << HashBits, new TrainerOptions()).Weights;
        var heads = TestModels.ProductHeads;
        var group = ModelTrainer.Quantize(AbuseClassifier.ProductGroup, FeatureScope.Document, HashBits, heads, [.. heads.Select(_ => head)]);
        var classifier = new AbuseClassifier(TestModels.Model(group));
        var dequantized = Enumerable.Range(0, 1 << HashBits).Select(b => group.Weights[b * group.Stride] * group.Scales[0]).ToArray();
        var raw = new float[group.Stride];

        // Act
        classifier.ScoreGroup(group, text, raw);
        var fromMatrix = matrix.Score(matrix.Rows - 1, dequantized, head.Bias);

        // Assert: training and scoring see the same features with the same values.
        Assert.Equal(fromMatrix, raw[0], 3);
    }

    private static double[] Count(FeatureMatrix matrix, int row, int buckets)
    {
        var counts = new double[buckets];
        for (var i = matrix.Offsets[row]; i < matrix.Offsets[row + 1]; i++)
        {
            counts[matrix.Buckets[i]]++;
        }

        return counts;
    }
}
