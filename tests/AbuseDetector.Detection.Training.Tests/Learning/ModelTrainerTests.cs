using AbuseDetector.Detection.Internal;
using AbuseDetector.Detection.Training.Learning;

namespace AbuseDetector.Detection.Training.Tests.Learning;

public sealed class ModelTrainerTests
{
    [Fact]
    public void Quantize_HandMadeWeights_MapsEachHeadsLargestToPlusOrMinus32767AndInterleaves()
    {
        // Arrange: four buckets. Head "a" has largest |w| 32767, so its scale is 1: 32767, -63.5 → -64 (to even),
        // 3.4 → 3, 0. Head "b" has largest 1, scale 1/32767: 0.5 → 16383.5 → 16384, -1 → -32767, 0.25 → 8191.75 → 8192, 0.
        HeadWeights[] trained = [new([32767f, -63.5f, 3.4f, 0f], 0.5f), new([0.5f, -1f, 0.25f, 0f], -2f)];

        // Act
        var group = ModelTrainer.Quantize("g", FeatureScope.Token, 2, ["a", "b"], trained);

        // Assert
        Assert.Equal(("g", FeatureScope.Token, 2, 8), (group.Name, group.Scope, group.HashBits, group.Stride));
        Assert.Equal(32, group.Weights.Length);
        Assert.Equal([32767, 16384], group.Weights[0..2]);
        Assert.Equal([-64, -32767], group.Weights[8..10]);
        Assert.Equal([3, 8192], group.Weights[16..18]);
        Assert.Equal([0, 0], group.Weights[24..26]);
        Assert.All(Enumerable.Range(0, 4).SelectMany(b => group.Weights[((b * 8) + 2)..((b * 8) + 8)]), w => Assert.Equal(0, w));
        Assert.Equal(1f, group.Scales[0]);
        Assert.Equal(1f / 32767f, group.Scales[1], 9);
        Assert.Equal([0.5f, -2f], group.Biases);
        Assert.Equal([1f, 1f], group.CalibrationSlopes);
        Assert.Equal([0f, 0f], group.CalibrationIntercepts);
        Assert.Equal([0.5f, 0.5f], group.Thresholds);
    }

    [Fact]
    public void Quantize_AllZeroHead_HasScaleOneAndZeroWeights()
    {
        // Act
        var group = ModelTrainer.Quantize("g", FeatureScope.Document, 2, ["zero"], [new(new float[4], 0f)]);

        // Assert
        Assert.Equal(1f, group.Scales[0]);
        Assert.All(group.Weights, w => Assert.Equal(0, w));
    }

    [Fact]
    public void Quantize_RandomWeights_DequantizeWithinHalfAStep()
    {
        // Arrange
        var random = new Random(4);
        var weights = Enumerable.Range(0, 256).Select(_ => (random.NextSingle() - 0.5f) * 6f).ToArray();

        // Act
        var group = ModelTrainer.Quantize("g", FeatureScope.Document, 8, ["h"], [new(weights, 0f)]);

        // Assert
        var step = group.Scales[0];
        Assert.Equal(weights.Max(MathF.Abs) / 32767f, step, 9);
        for (var b = 0; b < weights.Length; b++)
        {
            Assert.InRange(group.Weights[b * group.Stride] * step, weights[b] - (step / 2) - 1e-6f, weights[b] + (step / 2) + 1e-6f);
        }
    }

    [Theory]
    [InlineData(new[] { 0.2f, 0.5f, 0.3f }, new[] { 0f, 0f, 0f }, 1)]
    [InlineData(new[] { 0.2f, 0.5f, 0.3f }, new[] { 0f, -0.4f, 0f }, 2)] // 0.2, 0.1, 0.3
    [InlineData(new[] { 0.2f, 0.5f, 0.3f }, new[] { 0.35f, 0f, 0f }, 0)] // 0.55 beats 0.5
    [InlineData(new[] { 0.4f, 0.4f, 0.2f }, new[] { 0f, 0f, 0f }, 0)] // a tie goes to the first
    public void ArgMax_ProbabilitiesPlusOffsets_PicksTheLargest(float[] probabilities, float[] offsets, int expected)
    {
        // Act
        var best = ModelTrainer.ArgMax(probabilities, offsets);

        // Assert
        Assert.Equal(expected, best);
    }
}
