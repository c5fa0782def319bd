namespace AbuseDetector.Detection.Training.Learning;

/// <summary>Settings of one head's logistic regression.</summary>
internal sealed record TrainerOptions
{
    public int Epochs { get; init; } = 8;

    public float LearningRate { get; init; } = 0.06f;

    /// <summary>L2 penalty per update on the weights a row touches (lazy, sparse regularization).</summary>
    public float L2 { get; init; } = 1e-3f;

    /// <summary>Weight positives by (negatives/positives)^power: 0 leaves classes as they are, 1 balances them.</summary>
    public float BalancePower { get; init; } = 1f;

    /// <summary>Scale each feature by the magnitude of its naive-Bayes log-count ratio for the head (NB-LR).</summary>
    public bool NaiveBayesScaling { get; init; } = true;
}

/// <summary>A trained head: one float weight per hash bucket and a bias.</summary>
internal sealed record HeadWeights(float[] Weights, float Bias);

/// <summary>One labeled row for a head: its index in the feature matrix, its label (0..1) and its weight.</summary>
internal readonly record struct TrainingRow(int Row, float Label, float Weight);

/// <summary>
/// Logistic regression by stochastic gradient descent with AdaGrad step sizes over hashed sparse
/// features. Deterministic for a seed: one thread per head, rows shuffled by a seeded generator.
/// </summary>
internal static class LogisticTrainer
{
    /// <summary>
    /// Trains a head. With naive-Bayes scaling the feature scales are folded into the returned weights,
    /// so scoring needs no extra table.
    /// </summary>
    public static HeadWeights TrainHead(FeatureMatrix matrix, IReadOnlyList<TrainingRow> rows, int buckets, TrainerOptions options, int seed)
    {
        if (!options.NaiveBayesScaling)
        {
            return Train(matrix, rows, buckets, options, seed);
        }

        var scale = matrix.LogCountRatios(rows, buckets);
        for (var b = 0; b < scale.Length; b++)
        {
            scale[b] = Math.Abs(scale[b]);
        }

        var trained = Train(matrix.WithScale(scale), rows, buckets, options, seed);
        for (var b = 0; b < scale.Length; b++)
        {
            trained.Weights[b] *= scale[b];
        }

        return trained;
    }

    public static HeadWeights Train(FeatureMatrix matrix, IReadOnlyList<TrainingRow> rows, int buckets, TrainerOptions options, int seed)
    {
        var weights = new float[buckets];
        var squaredGradients = new float[buckets];
        float bias = 0, biasSquaredGradient = 0;
        double positives = 0, negatives = 0;
        foreach (var row in rows)
        {
            positives += row.Label * row.Weight;
            negatives += (1 - row.Label) * row.Weight;
        }

        var positiveWeight = positives > 0 && negatives > 0 ? (float)Math.Pow(negatives / positives, options.BalancePower) : 1f;
        var order = Enumerable.Range(0, rows.Count).ToArray();
        var random = new Random(seed);
        const float Epsilon = 1e-6f;
        for (var epoch = 0; epoch < options.Epochs; epoch++)
        {
            random.Shuffle(order);
            foreach (var index in order)
            {
                var row = rows[index];
                var z = matrix.Score(row.Row, weights, bias);
                var p = 1f / (1f + MathF.Exp(-z));
                var classWeight = (row.Label * positiveWeight) + (1 - row.Label);
                var gradient = (p - row.Label) * row.Weight * classWeight;
                if (gradient == 0)
                {
                    continue;
                }

                biasSquaredGradient += gradient * gradient;
                bias -= options.LearningRate * gradient / (MathF.Sqrt(biasSquaredGradient) + Epsilon);

                var start = matrix.Offsets[row.Row];
                var end = matrix.Offsets[row.Row + 1];
                for (var i = start; i < end; i++)
                {
                    var bucket = matrix.Buckets[i] & matrix.Mask;
                    var value = matrix.ValueOf(row.Row, i);
                    var g = (gradient * value) + (options.L2 * weights[bucket]);
                    squaredGradients[bucket] += g * g;
                    weights[bucket] -= options.LearningRate * g / (MathF.Sqrt(squaredGradients[bucket]) + Epsilon);
                }
            }
        }

        return new HeadWeights(weights, bias);
    }
}

/// <summary>Platt scaling: fits p = σ(a·z + b) to validation scores by Newton's method on the log loss.</summary>
internal static class PlattCalibration
{
    public static (float Slope, float Intercept) Fit(IReadOnlyList<float> scores, IReadOnlyList<float> labels)
    {
        if (scores.Count == 0)
        {
            return (1f, 0f);
        }

        // Platt's smoothed targets keep the fit finite on separable data.
        double positives = labels.Count(l => l >= 0.5f);
        double negatives = labels.Count - positives;
        var high = (positives + 1) / (positives + 2);
        var low = 1 / (negatives + 2);
        double a = 1, b = 0;
        for (var iteration = 0; iteration < 50; iteration++)
        {
            double gA = 0, gB = 0, hAA = 1e-9, hAB = 0, hBB = 1e-9;
            for (var i = 0; i < scores.Count; i++)
            {
                var target = labels[i] >= 0.5f ? high : low;
                var p = 1 / (1 + Math.Exp(-((a * scores[i]) + b)));
                var d = p - target;
                var w = p * (1 - p);
                gA += d * scores[i];
                gB += d;
                hAA += w * scores[i] * scores[i];
                hAB += w * scores[i];
                hBB += w;
            }

            var determinant = (hAA * hBB) - (hAB * hAB);
            if (Math.Abs(determinant) < 1e-12)
            {
                break;
            }

            var stepA = ((hBB * gA) - (hAB * gB)) / determinant;
            var stepB = ((hAA * gB) - (hAB * gA)) / determinant;
            a -= stepA;
            b -= stepB;
            if (Math.Abs(stepA) + Math.Abs(stepB) < 1e-7)
            {
                break;
            }
        }

        return ((float)a, (float)b);
    }
}
