using AbuseDetector.Detection.Training.Learning;

namespace AbuseDetector.Detection.Training.Tests.Learning;

public sealed class PlattCalibrationTests
{
    [Fact]
    public void Fit_NoScores_IsTheIdentity()
    {
        // Act
        var (slope, intercept) = PlattCalibration.Fit([], []);

        // Assert
        Assert.Equal((1f, 0f), (slope, intercept));
    }

    [Fact]
    public void Fit_SymmetricScores_HasTheClosedFormSolution()
    {
        // Arrange: two positives at +1, two negatives at -1. Platt's targets are (2+1)/(2+2) = 3/4 and
        // 1/(2+2) = 1/4, and the log loss is minimal where σ(a + b) = 3/4 and σ(-a + b) = 1/4: b = 0, a = ln 3.
        float[] scores = [-1f, -1f, 1f, 1f];
        float[] labels = [0f, 0f, 1f, 1f];

        // Act
        var (slope, intercept) = PlattCalibration.Fit(scores, labels);

        // Assert
        Assert.Equal(Math.Log(3), slope, 4);
        Assert.Equal(0, intercept, 4);
    }

    [Fact]
    public void Fit_ShiftedScores_MovesTheIntercept()
    {
        // Arrange: negatives at 0, positives at 2: σ(b) = 1/4 and σ(2a + b) = 3/4, so b = -ln 3 and a = ln 3.
        float[] scores = [0f, 0f, 2f, 2f];
        float[] labels = [0f, 0f, 1f, 1f];

        // Act
        var (slope, intercept) = PlattCalibration.Fit(scores, labels);

        // Assert
        Assert.Equal(Math.Log(3), slope, 4);
        Assert.Equal(-Math.Log(3), intercept, 4);
    }

    [Fact]
    public void Fit_ScoresThatRiseWithTheLabel_GiveAMonotoneIncreasingCalibration()
    {
        // Arrange: overlapping classes, positives mostly higher.
        float[] scores = [-3f, -2f, -1.5f, -1f, -0.5f, 0f, 0.5f, 1f, 1.5f, 2f, 3f, 0.2f];
        float[] labels = [0f, 0f, 0f, 0f, 1f, 0f, 1f, 1f, 0f, 1f, 1f, 1f];

        // Act
        var (slope, intercept) = PlattCalibration.Fit(scores, labels);

        // Assert
        Assert.True(slope > 0, $"slope {slope}");
        var probabilities = scores.Order().Select(z => 1 / (1 + Math.Exp(-((slope * z) + intercept)))).ToList();
        Assert.Equal(probabilities.Order(), probabilities);
        Assert.True(probabilities[0] < 0.5 && probabilities[^1] > 0.5);
    }

    [Fact]
    public void Fit_ScoresThatFallWithTheLabel_GiveANegativeSlope()
    {
        // Act
        var (slope, _) = PlattCalibration.Fit([-1f, -1f, 1f, 1f], [1f, 1f, 0f, 0f]);

        // Assert
        Assert.Equal(-Math.Log(3), slope, 4);
    }

    [Fact]
    public void Fit_SeparableScores_StaysFinite()
    {
        // Arrange: perfectly separated by a wide margin; Platt's smoothed targets keep the fit finite.
        float[] scores = [-50f, -40f, 40f, 50f];
        float[] labels = [0f, 0f, 1f, 1f];

        // Act
        var (slope, intercept) = PlattCalibration.Fit(scores, labels);

        // Assert
        Assert.True(float.IsFinite(slope) && float.IsFinite(intercept));
        Assert.True(slope > 0);
    }
}
