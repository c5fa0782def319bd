using Microsoft.ML;
using Microsoft.ML.Calibrators;

namespace AbuseDetector.Detection.Training.Learning;

/// <summary>Platt scaling by ML.NET's calibrator: fits p = σ(a·z + b) to validation scores.</summary>
internal static class PlattCalibration
{
    /// <summary>Fits the calibration.</summary>
    /// <returns>Slope a and intercept b. ML.NET writes the sigmoid as 1 / (1 + exp(S·z + O)), so a = -S and b = -O.</returns>
    public static (float Slope, float Intercept) Fit(IReadOnlyList<float> scores, IReadOnlyList<float> labels)
    {
        if (scores.Count == 0)
        {
            return (1f, 0f);
        }

        var context = new MLContext(seed: 0);
        var rows = new ScoredRow[scores.Count];
        for (var i = 0; i < rows.Length; i++)
        {
            rows[i] = new ScoredRow { Score = scores[i], Label = labels[i] >= 0.5f };
        }

        var data = context.Data.LoadFromEnumerable(rows);
        var fitted = context.BinaryClassification.Calibrators.Platt(nameof(ScoredRow.Label), nameof(ScoredRow.Score)).Fit(data);
        var calibrator = ((IPredictionTransformer<PlattCalibrator>)fitted).Model;
        return ((float)-calibrator.Slope, (float)-calibrator.Offset);
    }
}
