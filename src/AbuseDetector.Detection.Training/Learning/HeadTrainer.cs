using Microsoft.ML;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;

namespace AbuseDetector.Detection.Training.Learning;

/// <summary>Settings of one head's logistic regression (ML.NET's L-BFGS trainer).</summary>
internal sealed record TrainerOptions
{
    /// <summary>L2 penalty in units of one example's loss: ML.NET divides the whole objective by the sum of example weights.</summary>
    public float L2 { get; init; } = 2f;

    /// <summary>The penalties a head is trained with when validation rows choose among them; empty: <see cref="L2"/> only.</summary>
    public IReadOnlyList<float> L2Candidates { get; init; } = [0.25f, 1f, 4f, 16f];

    /// <summary>Relative improvement below which L-BFGS stops.</summary>
    public float OptimizationTolerance { get; init; } = 1e-5f;

    public int MaxIterations { get; init; } = 300;

    /// <summary>Weight positives by (negatives/positives)^power: 0 leaves classes as they are, 1 balances them.</summary>
    public float BalancePower { get; init; } = 1f;

    /// <summary>Scale each feature by the magnitude of its naive-Bayes log-count ratio for the head (NB-LR).</summary>
    public bool NaiveBayesScaling { get; init; } = true;
}

/// <summary>A trained head: one float weight per hash bucket and a bias.</summary>
internal sealed record HeadWeights(float[] Weights, float Bias);

/// <summary>
/// A head as ML.NET trained it: the weights the runtime quantizes (naive-Bayes scales folded in), and ML.NET's own
/// predictor over unscaled features, kept for the <c>.zip</c> model when no scaling was used.
/// </summary>
internal sealed record TrainedHead(HeadWeights Weights, BinaryPredictionTransformer<CalibratedModelParametersBase<LinearBinaryModelParameters, PlattCalibrator>>? Predictor);

/// <summary>One labeled row for a head: its index in the feature matrix, its label (0..1) and its weight.</summary>
internal readonly record struct TrainingRow(int Row, float Label, float Weight);

/// <summary>
/// Trains heads with ML.NET's L-BFGS logistic regression over our hashed features, fed as a sparse
/// <see cref="VBuffer{T}"/> column. Deterministic: one thread per head, no sampling.
/// </summary>
internal static class HeadTrainer
{
    /// <summary>Trains a head. With naive-Bayes scaling the feature scales are folded into the returned weights, so scoring needs no extra table.</summary>
    public static TrainedHead TrainHead(FeatureMatrix matrix, IReadOnlyList<TrainingRow> rows, int buckets, TrainerOptions options)
    {
        if (!options.NaiveBayesScaling)
        {
            return Train(matrix, rows, buckets, options);
        }

        var scale = matrix.LogCountRatios(rows, buckets);
        for (var b = 0; b < scale.Length; b++)
        {
            scale[b] = Math.Abs(scale[b]);
        }

        var trained = Train(matrix.WithScale(scale), rows, buckets, options).Weights;
        for (var b = 0; b < scale.Length; b++)
        {
            trained.Weights[b] *= scale[b];
        }

        return new TrainedHead(trained, Predictor: null);
    }

    /// <summary>Trains the head once per <see cref="TrainerOptions.L2Candidates"/> and keeps the one whose scores rank the validation rows best.</summary>
    /// <returns>The head, its L2, and each candidate's area under the precision-recall curve on the validation rows (empty when there were none of both classes).</returns>
    public static (TrainedHead Head, float L2, IReadOnlyList<(float L2, double Auprc)> Tried) TrainHeadChoosingL2(FeatureMatrix matrix, IReadOnlyList<TrainingRow> rows, IReadOnlyList<TrainingRow> validation, int buckets, TrainerOptions options)
    {
        if (validation.Count == 0 || validation.All(r => r.Label >= 0.5f) || validation.All(r => r.Label < 0.5f))
        {
            return (TrainHead(matrix, rows, buckets, options), options.L2, []);
        }

        var context = new MLContext(seed: 0);
        TrainedHead? bestHead = null;
        var (bestL2, bestAuprc) = (options.L2, double.MinValue);
        var tried = new List<(float L2, double Auprc)>();
        foreach (var l2 in options.L2Candidates)
        {
            var head = TrainHead(matrix, rows, buckets, options with { L2 = l2 });
            var scored = validation.Select(r => new ScoredRow
            {
                Label = r.Label >= 0.5f,
                Score = matrix.Score(r.Row, head.Weights.Weights, head.Weights.Bias),
            }).ToList();
            foreach (var row in scored)
            {
                row.PredictedLabel = row.Score > 0;
            }

            var metrics = context.BinaryClassification.EvaluateNonCalibrated(context.Data.LoadFromEnumerable(scored), nameof(ScoredRow.Label), nameof(ScoredRow.Score), nameof(ScoredRow.PredictedLabel));
            tried.Add((l2, metrics.AreaUnderPrecisionRecallCurve));
            if (bestHead is null || metrics.AreaUnderPrecisionRecallCurve > bestAuprc)
            {
                (bestHead, bestL2, bestAuprc) = (head, l2, metrics.AreaUnderPrecisionRecallCurve);
            }
        }

        return (bestHead!, bestL2, tried);
    }

    public static TrainedHead Train(FeatureMatrix matrix, IReadOnlyList<TrainingRow> rows, int buckets, TrainerOptions options)
    {
        if (rows.Count == 0 || rows.All(r => r.Label >= 0.5f) || rows.All(r => r.Label < 0.5f))
        {
            // Nothing to separate: a constant head that says the one class seen (or no) with little confidence.
            return new TrainedHead(new HeadWeights(new float[buckets], rows.Count > 0 && rows[0].Label >= 0.5f ? 1f : -1f), Predictor: null);
        }

        double positives = 0, negatives = 0;
        foreach (var row in rows)
        {
            positives += row.Label * row.Weight;
            negatives += (1 - row.Label) * row.Weight;
        }

        var positiveWeight = (float)Math.Pow(negatives / positives, options.BalancePower);
        var context = new MLContext(seed: 0);
        var data = FeatureRows.Load(context, matrix, rows, buckets, positiveWeight);
        var trainer = context.BinaryClassification.Trainers.LbfgsLogisticRegression(new LbfgsLogisticRegressionBinaryTrainer.Options
        {
            FeatureColumnName = FeatureRows.Features,
            LabelColumnName = FeatureRows.Label,
            ExampleWeightColumnName = FeatureRows.Weight,
            L1Regularization = 0,
            L2Regularization = options.L2,
            OptimizationTolerance = options.OptimizationTolerance,
            MaximumNumberOfIterations = options.MaxIterations,
            NumberOfThreads = 1,
            ShowTrainingStatistics = false,
        });
        var predictor = trainer.Fit(data);
        var linear = predictor.Model.SubModel;
        var weights = new float[buckets];
        var i = 0;
        foreach (var weight in linear.Weights)
        {
            weights[i++] = weight;
        }

        return new TrainedHead(new HeadWeights(weights, linear.Bias), predictor);
    }
}

/// <summary>A scored row as ML.NET's evaluator and calibrator read it; public members because ML.NET binds them by reflection.</summary>
internal sealed class ScoredRow
{
    public bool Label { get; set; }

    public float Score { get; set; }

    public bool PredictedLabel { get; set; }
}

/// <summary>Rows of a <see cref="FeatureMatrix"/> as an ML.NET data view: a sparse feature vector, a label and a weight.</summary>
internal static class FeatureRows
{
    public const string Features = nameof(Row.Features);
    public const string Label = nameof(Row.Label);
    public const string Weight = nameof(Row.Weight);

    public static IDataView Load(MLContext context, FeatureMatrix matrix, IReadOnlyList<TrainingRow> rows, int buckets, float positiveWeight)
    {
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[Features].ColumnType = new VectorDataViewType(NumberDataViewType.Single, buckets);
        var converted = new Row[rows.Count];
        Parallel.For(0, rows.Count, r =>
        {
            var row = rows[r];
            var positive = row.Label >= 0.5f;
            converted[r] = new Row
            {
                Features = ToVector(matrix, row.Row, buckets),
                Label = positive,
                Weight = row.Weight * (positive ? positiveWeight : 1f),
            };
        });
        return context.Data.LoadFromEnumerable(converted, schema);
    }

    /// <summary>A row's features with repeated buckets summed, indices ascending, as ML.NET's sparse vectors need.</summary>
    public static VBuffer<float> ToVector(FeatureMatrix matrix, int row, int buckets)
    {
        var start = matrix.Offsets[row];
        var count = (int)(matrix.Offsets[row + 1] - start);
        var indices = new int[count];
        var values = new float[count];
        for (var i = 0; i < count; i++)
        {
            indices[i] = matrix.Buckets[start + i] & matrix.Mask & (buckets - 1);
            values[i] = matrix.ValueOf(row, start + i);
        }

        Array.Sort(indices, values);
        var unique = 0;
        for (var i = 0; i < count; i++)
        {
            if (unique > 0 && indices[unique - 1] == indices[i])
            {
                values[unique - 1] += values[i];
            }
            else
            {
                indices[unique] = indices[i];
                values[unique] = values[i];
                unique++;
            }
        }

        return new VBuffer<float>(buckets, unique, values, indices);
    }

    /// <summary>The shape ML.NET reads; public members because ML.NET binds them by reflection.</summary>
    public sealed class Row
    {
        public VBuffer<float> Features { get; set; }

        public bool Label { get; set; }

        public float Weight { get; set; }
    }
}
