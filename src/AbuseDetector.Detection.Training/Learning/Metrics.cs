namespace AbuseDetector.Detection.Training.Learning;

/// <summary>Precision, recall and F1 of one class.</summary>
internal readonly record struct ClassScore(double Precision, double Recall, double F1, int Support)
{
    public static ClassScore From(int truePositives, int falsePositives, int falseNegatives)
    {
        var precision = truePositives + falsePositives == 0 ? 0 : (double)truePositives / (truePositives + falsePositives);
        var recall = truePositives + falseNegatives == 0 ? 0 : (double)truePositives / (truePositives + falseNegatives);
        var f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        return new ClassScore(precision, recall, f1, truePositives + falseNegatives);
    }
}

/// <summary>Classification metrics as the shared tasks define them.</summary>
internal static class Metrics
{
    /// <summary>Per-class scores of a multi-class prediction; macro-F1 is their plain mean.</summary>
    public static Dictionary<string, ClassScore> PerClass(IReadOnlyList<int> gold, IReadOnlyList<int> predicted, IReadOnlyList<string> labels)
    {
        var result = new Dictionary<string, ClassScore>(StringComparer.Ordinal);
        for (var c = 0; c < labels.Count; c++)
        {
            int tp = 0, fp = 0, fn = 0;
            for (var i = 0; i < gold.Count; i++)
            {
                if (predicted[i] == c && gold[i] == c)
                {
                    tp++;
                }
                else if (predicted[i] == c)
                {
                    fp++;
                }
                else if (gold[i] == c)
                {
                    fn++;
                }
            }

            result[labels[c]] = ClassScore.From(tp, fp, fn);
        }

        return result;
    }

    public static double MacroF1(IReadOnlyDictionary<string, ClassScore> perClass) => perClass.Values.Average(s => s.F1);

    /// <summary>Binary F1 of the positive class at a threshold.</summary>
    public static ClassScore Binary(IReadOnlyList<float> scores, IReadOnlyList<bool> gold, float threshold)
    {
        int tp = 0, fp = 0, fn = 0;
        for (var i = 0; i < scores.Count; i++)
        {
            var predicted = scores[i] >= threshold;
            if (predicted && gold[i])
            {
                tp++;
            }
            else if (predicted)
            {
                fp++;
            }
            else if (gold[i])
            {
                fn++;
            }
        }

        return ClassScore.From(tp, fp, fn);
    }

    /// <summary>
    /// The threshold that maximizes positive-class F-beta (or macro-F1 over both classes) on the given scores.
    /// Beta below 1 weighs precision more: fewer false alarms for some recall. Candidates are midpoints
    /// between consecutive distinct scores.
    /// </summary>
    public static float BestThreshold(IReadOnlyList<float> scores, IReadOnlyList<bool> gold, bool macro, double beta = 1)
        => ThresholdsByScore(scores, gold, macro, beta).MaxBy(c => c.Value).Threshold;

    /// <summary>
    /// The middle of the thresholds whose F-beta is within <paramref name="tolerance"/> (relative) of the best.
    /// Near its peak the curve is flat, so the arg-max alone swings with small changes of the model; the middle
    /// of the plateau does not.
    /// </summary>
    public static float StableThreshold(IReadOnlyList<float> scores, IReadOnlyList<bool> gold, double beta, double tolerance = 0.01)
    {
        var candidates = ThresholdsByScore(scores, gold, macro: false, beta);
        if (candidates.Count == 0)
        {
            return 0.5f;
        }

        var best = candidates.Max(c => c.Value);
        var plateau = candidates.Where(c => c.Value >= best * (1 - tolerance)).Select(c => c.Threshold).Order().ToList();
        return plateau[plateau.Count / 2];
    }

    private static List<(float Threshold, double Value)> ThresholdsByScore(IReadOnlyList<float> scores, IReadOnlyList<bool> gold, bool macro, double beta)
    {
        var candidates = new List<(float Threshold, double Value)>();
        var order = Enumerable.Range(0, scores.Count).OrderByDescending(i => scores[i]).ToArray();
        var totalPositives = gold.Count(g => g);
        var totalNegatives = gold.Count - totalPositives;
        int tp = 0, fp = 0;
        for (var k = 0; k < order.Length; k++)
        {
            if (gold[order[k]])
            {
                tp++;
            }
            else
            {
                fp++;
            }

            if (k + 1 < order.Length && scores[order[k + 1]] == scores[order[k]])
            {
                continue;
            }

            var fn = totalPositives - tp;
            var positive = ClassScore.From(tp, fp, fn).F1;
            var value = beta == 1 ? positive : FBeta(tp, fp, fn, beta);
            if (macro)
            {
                var tn = totalNegatives - fp;
                value = (positive + ClassScore.From(tn, fn, fp).F1) / 2;
            }

            candidates.Add((k + 1 < order.Length ? (scores[order[k]] + scores[order[k + 1]]) / 2 : scores[order[k]], value));
        }

        if (candidates.Count == 0)
        {
            candidates.Add((0.5f, 0));
        }

        return candidates;
    }

    /// <summary>F-beta of the positive class: (1 + β²)·tp / ((1 + β²)·tp + β²·fn + fp).</summary>
    public static double FBeta(int truePositives, int falsePositives, int falseNegatives, double beta)
    {
        var b2 = beta * beta;
        var denominator = ((1 + b2) * truePositives) + (b2 * falseNegatives) + falsePositives;
        return denominator == 0 ? 0 : (1 + b2) * truePositives / denominator;
    }

    /// <summary>SemEval-2021 Task 5 F1 of one post: 2|P∩G|/(|P|+|G|); 1 when both are empty, 0 when only one is.</summary>
    public static double SpanF1(IReadOnlySet<int> predicted, IReadOnlySet<int> gold)
    {
        if (gold.Count == 0)
        {
            return predicted.Count == 0 ? 1 : 0;
        }

        if (predicted.Count == 0)
        {
            return 0;
        }

        var overlap = predicted.Count(gold.Contains);
        return 2.0 * overlap / (predicted.Count + gold.Count);
    }
}
