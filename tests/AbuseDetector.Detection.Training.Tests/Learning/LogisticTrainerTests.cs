using AbuseDetector.Detection.Training.Learning;
using AbuseDetector.Tests;

namespace AbuseDetector.Detection.Training.Tests.Learning;

public sealed class LogisticTrainerTests
{
    private const int HashBits = 14;
    private const int Buckets = 1 << HashBits;
    private const int InsultHead = 1;

    [Fact]
    public void TrainHead_SameSeedTwice_GivesIdenticalWeights()
    {
        // Arrange
        var (matrix, rows) = Insults();

        // Act
        var first = LogisticTrainer.TrainHead(matrix, rows, Buckets, new TrainerOptions(), seed: 7);
        var second = LogisticTrainer.TrainHead(FeatureMatrix.ForDocuments(TinyCorpus.Texts, HashBits), rows, Buckets, new TrainerOptions(), seed: 7);

        // Assert
        Assert.Equal(first.Bias, second.Bias);
        Assert.Equal(first.Weights, second.Weights);
    }

    [Fact]
    public void Train_SameSeedTwice_GivesIdenticalWeights()
    {
        // Arrange
        var (matrix, rows) = Insults();
        var options = new TrainerOptions { NaiveBayesScaling = false };

        // Act
        var first = LogisticTrainer.Train(matrix, rows, Buckets, options, seed: 3);
        var second = LogisticTrainer.Train(matrix, rows, Buckets, options, seed: 3);

        // Assert
        Assert.Equal(first.Bias, second.Bias);
        Assert.Equal(first.Weights, second.Weights);
    }

    [Fact]
    public void Train_DifferentSeeds_VisitTheRowsInAnotherOrder()
    {
        // Arrange: AdaGrad's steps depend on the order rows come in, and the seed picks the order.
        var (matrix, rows) = Insults();
        var options = new TrainerOptions { Epochs = 1, NaiveBayesScaling = false };

        // Act
        var first = LogisticTrainer.Train(matrix, rows, Buckets, options, seed: 1);
        var second = LogisticTrainer.Train(matrix, rows, Buckets, options, seed: 2);

        // Assert
        Assert.NotEqual(first.Weights, second.Weights);
    }

    [Theory]
    [InlineData(true, 1)]
    [InlineData(true, 2)]
    [InlineData(false, 1)]
    public void TrainHead_SeparableData_ScoresEveryPositiveAboveEveryNegative(bool naiveBayes, int seed)
    {
        // Arrange
        var (matrix, rows) = Insults();

        // Act
        var head = LogisticTrainer.TrainHead(matrix, rows, Buckets, new TrainerOptions { NaiveBayesScaling = naiveBayes }, seed);

        // Assert
        var positives = rows.Where(r => r.Label == 1).Select(r => matrix.Score(r.Row, head.Weights, head.Bias)).ToList();
        var negatives = rows.Where(r => r.Label == 0).Select(r => matrix.Score(r.Row, head.Weights, head.Bias)).ToList();
        Assert.True(positives.Min() > negatives.Max(), $"lowest positive {positives.Min()}, highest negative {negatives.Max()}");
    }

    [Fact]
    public void TrainHead_UnseenTexts_RanksTheInsultAboveTheCleanLine()
    {
        // Arrange
        var (matrix, rows) = Insults();
        var head = LogisticTrainer.TrainHead(matrix, rows, Buckets, new TrainerOptions(), seed: 5);
        var unseen = FeatureMatrix.ForDocuments(["you stupid idiot", "please check my router"], HashBits);

        // Act
        var insult = unseen.Score(0, head.Weights, head.Bias);
        var clean = unseen.Score(1, head.Weights, head.Bias);

        // Assert
        Assert.True(insult > clean, $"insult {insult}, clean {clean}");
    }

    [Fact]
    public void Train_NoRows_LeavesWeightsAndBiasAtZero()
    {
        // Arrange
        var (matrix, _) = Insults();

        // Act
        var head = LogisticTrainer.Train(matrix, [], Buckets, new TrainerOptions(), seed: 1);

        // Assert
        Assert.Equal(0f, head.Bias);
        Assert.All(head.Weights, w => Assert.Equal(0f, w));
        Assert.Equal(Buckets, head.Weights.Length);
    }

    [Fact]
    public void Train_OnlyNegatives_LearnsANegativeScoreForEveryRow()
    {
        // Arrange
        var (matrix, _) = Insults();
        var rows = Enumerable.Range(0, matrix.Rows).Select(r => new TrainingRow(r, 0f, 1f)).ToList();

        // Act
        var head = LogisticTrainer.Train(matrix, rows, Buckets, new TrainerOptions(), seed: 1);

        // Assert
        Assert.True(head.Bias < 0);
        Assert.All(rows, r => Assert.True(matrix.Score(r.Row, head.Weights, head.Bias) < 0));
    }

    [Fact]
    public void Train_ZeroWeightRows_AreIgnored()
    {
        // Arrange: the same rows, but every label flipped at weight 0, must train the same head.
        var (matrix, rows) = Insults();
        var options = new TrainerOptions { NaiveBayesScaling = false, BalancePower = 0 };
        var flippedAtZero = rows.Concat(rows.Select(r => r with { Label = 1 - r.Label, Weight = 0f })).ToList();

        // Act
        var plain = LogisticTrainer.Train(matrix, rows, Buckets, options, seed: 9);
        var padded = LogisticTrainer.Train(matrix, flippedAtZero, Buckets, options, seed: 9);

        // Assert: the shuffle differs, so compare what the heads say rather than their exact floats.
        Assert.All(rows, r => Assert.Equal(
            matrix.Score(r.Row, plain.Weights, plain.Bias) > 0,
            matrix.Score(r.Row, padded.Weights, padded.Bias) > 0));
    }

    private static (FeatureMatrix Matrix, List<TrainingRow> Rows) Insults()
    {
        var matrix = FeatureMatrix.ForDocuments(TinyCorpus.Texts, HashBits);
        var rows = TinyCorpus.Lines.Select((line, i) => new TrainingRow(i, line.Labels[InsultHead], 1f)).ToList();
        return (matrix, rows);
    }
}
