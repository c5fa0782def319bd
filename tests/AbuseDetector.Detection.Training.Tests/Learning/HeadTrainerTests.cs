using AbuseDetector.Detection.Training.Learning;
using AbuseDetector.Tests;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace AbuseDetector.Detection.Training.Tests.Learning;

public sealed class HeadTrainerTests
{
    private const int HashBits = 14;
    private const int Buckets = 1 << HashBits;
    private const int InsultHead = 1;

    [Fact]
    public void TrainHead_TwiceOnTheSameRows_GivesIdenticalWeights()
    {
        // Arrange
        var (matrix, rows) = Insults();

        // Act
        var first = HeadTrainer.TrainHead(matrix, rows, Buckets, new TrainerOptions()).Weights;
        var second = HeadTrainer.TrainHead(FeatureMatrix.ForDocuments(TinyCorpus.Texts, HashBits), rows, Buckets, new TrainerOptions()).Weights;

        // Assert
        Assert.Equal(first.Bias, second.Bias);
        Assert.Equal(first.Weights, second.Weights);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void TrainHead_SeparableData_ScoresEveryPositiveAboveEveryNegative(bool naiveBayes)
    {
        // Arrange
        var (matrix, rows) = Insults();

        // Act
        var head = HeadTrainer.TrainHead(matrix, rows, Buckets, new TrainerOptions { NaiveBayesScaling = naiveBayes }).Weights;

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
        var head = HeadTrainer.TrainHead(matrix, rows, Buckets, new TrainerOptions()).Weights;
        var unseen = FeatureMatrix.ForDocuments(["you stupid idiot", "please check my router"], HashBits);

        // Act
        var insult = unseen.Score(0, head.Weights, head.Bias);
        var clean = unseen.Score(1, head.Weights, head.Bias);

        // Assert
        Assert.True(insult > clean, $"insult {insult}, clean {clean}");
    }

    [Fact]
    public void Train_PlainFeatures_WeightsAreMlNetsOwnAndScoreAsItsPredictorDoes()
    {
        // Arrange
        var (matrix, rows) = Insults();

        // Act
        var head = HeadTrainer.Train(matrix, rows, Buckets, new TrainerOptions { NaiveBayesScaling = false });

        // Assert: ML.NET's score of each row is our weights times our feature values.
        Assert.NotNull(head.Predictor);
        var context = new MLContext(seed: 0);
        var scored = head.Predictor.Transform(FeatureRows.Load(context, matrix, rows, Buckets, positiveWeight: 1f));
        var mlNetScores = scored.GetColumn<float>("Score").ToList();
        for (var i = 0; i < rows.Count; i++)
        {
            Assert.Equal(mlNetScores[i], matrix.Score(rows[i].Row, head.Weights.Weights, head.Weights.Bias), 4);
        }
    }

    [Fact]
    public void TrainHead_NaiveBayesScaling_KeepsNoPredictorForTheZip()
    {
        // Arrange: scaled features are ours, not a column ML.NET can rebuild from text.
        var (matrix, rows) = Insults();

        // Act
        var head = HeadTrainer.TrainHead(matrix, rows, Buckets, new TrainerOptions { NaiveBayesScaling = true });

        // Assert
        Assert.Null(head.Predictor);
    }

    [Fact]
    public void TrainHeadChoosingL2_ValidationRows_KeepTheL2ThatRanksThemBest()
    {
        // Arrange
        var (matrix, rows) = Insults();
        var training = rows.Where((_, i) => i % 4 != 0).ToList();
        var validation = rows.Where((_, i) => i % 4 == 0).ToList();
        var options = new TrainerOptions { NaiveBayesScaling = false, L2Candidates = [0.01f, 1f, 100f] };

        // Act
        var (head, l2, tried) = HeadTrainer.TrainHeadChoosingL2(matrix, training, validation, Buckets, options);

        // Assert
        Assert.Equal([0.01f, 1f, 100f], tried.Select(t => t.L2));
        Assert.Equal(tried.MaxBy(t => t.Auprc).L2, l2);
        Assert.Equal(HeadTrainer.TrainHead(matrix, training, Buckets, options with { L2 = l2 }).Weights.Weights, head.Weights.Weights);
    }

    [Fact]
    public void TrainHeadChoosingL2_NoValidationRows_TrainsWithTheDefaultL2()
    {
        // Arrange
        var (matrix, rows) = Insults();

        // Act
        var (_, l2, tried) = HeadTrainer.TrainHeadChoosingL2(matrix, rows, [], Buckets, new TrainerOptions { L2 = 3f });

        // Assert
        Assert.Equal(3f, l2);
        Assert.Empty(tried);
    }

    [Fact]
    public void Train_NoRows_ANegativeConstantHead()
    {
        // Arrange
        var (matrix, _) = Insults();

        // Act
        var head = HeadTrainer.Train(matrix, [], Buckets, new TrainerOptions()).Weights;

        // Assert
        Assert.True(head.Bias < 0);
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
        var head = HeadTrainer.Train(matrix, rows, Buckets, new TrainerOptions()).Weights;

        // Assert
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
        var plain = HeadTrainer.Train(matrix, rows, Buckets, options).Weights;
        var padded = HeadTrainer.Train(matrix, flippedAtZero, Buckets, options).Weights;

        // Assert
        Assert.All(rows, r => Assert.Equal(
            matrix.Score(r.Row, plain.Weights, plain.Bias) > 0,
            matrix.Score(r.Row, padded.Weights, padded.Bias) > 0));
    }

    [Fact]
    public void ToVector_RepeatedBuckets_SummedWithIndicesAscending()
    {
        // Arrange: "idiot idiot" repeats every feature of the word.
        var matrix = FeatureMatrix.ForDocuments(["idiot idiot you idiot"], HashBits);

        // Act
        var vector = FeatureRows.ToVector(matrix, 0, Buckets);

        // Assert
        var indices = vector.GetIndices().ToArray();
        Assert.Equal(indices.Order().Distinct(), indices);
        var total = vector.GetValues().ToArray().Sum();
        var expected = Enumerable.Range(0, (int)(matrix.Offsets[1] - matrix.Offsets[0])).Sum(i => matrix.ValueOf(0, matrix.Offsets[0] + i));
        Assert.Equal(expected, total, 3);
        Assert.True(indices.Length < matrix.Offsets[1] - matrix.Offsets[0]);
    }

    private static (FeatureMatrix Matrix, List<TrainingRow> Rows) Insults()
    {
        var matrix = FeatureMatrix.ForDocuments(TinyCorpus.Texts, HashBits);
        var rows = TinyCorpus.Lines.Select((line, i) => new TrainingRow(i, line.Labels[InsultHead], 1f)).ToList();
        return (matrix, rows);
    }
}
