using System.Diagnostics;
using AbuseDetector.Detection.Training.Data;

namespace AbuseDetector.Detection.Training.Learning;

/// <summary>The outcome of one evaluation, shaped like the CLI's JSON output.</summary>
internal sealed class EvaluationResult
{
    public required string Set { get; init; }

    public required int Items { get; init; }

    public double? MacroF1 { get; init; }

    public Dictionary<string, ClassScore>? PerClass { get; init; }

    public Dictionary<string, ClassScore>? PerCategory { get; init; }

    public double? FalseAlarmRate { get; init; }

    public int? CleanItems { get; init; }

    public double? SpanF1 { get; init; }

    public required double ItemsPerSecond { get; init; }
}

/// <summary>Scores a model on the official test splits of the public sets and on JSONL files of our own.</summary>
internal static class Evaluator
{
    public static readonly string[] Sets = ["olid-a", "olid-b", "olid-c", "convabuse", "davidson", "toxic-spans", "jigsaw", "ethos", "gab-hate"];

    public static EvaluationResult EvaluateSet(AbuseClassifier classifier, string set, string dataFolder)
    {
        if (!Directory.Exists(dataFolder))
        {
            throw new DirectoryNotFoundException($"The data folder '{dataFolder}' does not exist.");
        }

        return set switch
        {
            "olid-a" or "olid-b" or "olid-c" => EvaluateTask(classifier, set, Test(PublicDataSets.Olid(dataFolder), set)),
            "convabuse" => EvaluateTask(classifier, set, Test(PublicDataSets.ConvAbuse(dataFolder), "convabuse")),
            "davidson" => EvaluateTask(classifier, set, Test(PublicDataSets.Davidson(dataFolder), "davidson")),
            "toxic-spans" => EvaluateSpans(classifier, Test(PublicDataSets.ToxicSpans(dataFolder), "toxic-spans")),
            "jigsaw" => EvaluateCategories(classifier, set, Test(PublicDataSets.Jigsaw(dataFolder), "jigsaw")),
            "ethos" => EvaluateCategories(classifier, set, Test(PublicDataSets.Ethos(dataFolder), null)),
            "gab-hate" => EvaluateCategories(classifier, set, Test(PublicDataSets.GabHate(dataFolder), "gab-hate")),
            _ => throw new ArgumentException($"Unknown evaluation set '{set}'. Known sets: {string.Join(", ", Sets)}."),
        };
    }

    public static EvaluationResult EvaluateJsonl(AbuseClassifier classifier, string path)
    {
        var examples = CallDomainData.Read(path, Path.GetFileNameWithoutExtension(path), Split.Test);
        return EvaluateCategories(classifier, Path.GetFileName(path), examples);
    }

    private static List<Example> Test(List<Example> examples, string? source) =>
        [.. examples.Where(e => e.Split == Split.Test && (source is null || e.Source == source))];

    private static EvaluationResult EvaluateTask(AbuseClassifier classifier, string taskName, List<Example> examples)
    {
        var task = Array.Find(classifier.Parameters.Tasks, t => t.Name == taskName)
            ?? throw new ArgumentException($"The model has no decision task '{taskName}'; it was trained without that benchmark head.");
        var group = classifier.Parameters.Group(task.Group);
        var indices = task.Heads.Select(group.IndexOf).ToArray();
        var gold = new int[examples.Count];
        for (var i = 0; i < examples.Count; i++)
        {
            gold[i] = task.Heads.Length == 1
                ? (examples[i].Labels[task.Heads[0]] >= 0.5f ? 1 : 0)
                : Array.FindIndex(task.Heads, h => examples[i].Labels[h] >= 0.5f);
        }

        var predicted = new int[examples.Count];
        void Predict(int i)
        {
            Span<float> raw = stackalloc float[group.Stride];
            Span<float> probabilities = stackalloc float[indices.Length];
            classifier.ScoreGroup(group, examples[i].Text, raw);
            for (var k = 0; k < indices.Length; k++)
            {
                probabilities[k] = group.Probability(indices[k], raw[indices[k]]);
            }

            predicted[i] = indices.Length == 1
                ? (probabilities[0] >= group.Thresholds[indices[0]] ? 1 : 0)
                : ModelTrainer.ArgMax(probabilities, task.Offsets);
        }

        var seconds = TimeOnAllCores(examples.Count, Predict);
        var perClass = Metrics.PerClass(gold, predicted, task.Labels);
        return new EvaluationResult
        {
            Set = taskName,
            Items = examples.Count,
            MacroF1 = Metrics.MacroF1(perClass),
            PerClass = perClass,
            ItemsPerSecond = examples.Count / Math.Max(seconds, 1e-9),
        };
    }

    /// <summary>
    /// Scores every item on all cores and returns the seconds one pass takes. Items per second is a
    /// steady-state figure: an untimed pass pays for JIT compilation, and passes repeat for at least a
    /// second so thread start-up does not dominate a small test set.
    /// </summary>
    private static double TimeOnAllCores(int count, Action<int> score)
    {
        void Pass() => Parallel.ForEach(System.Collections.Concurrent.Partitioner.Create(0, count, 64), range =>
        {
            for (var i = range.Item1; i < range.Item2; i++)
            {
                score(i);
            }
        });

        Pass();
        var passes = 0;
        var clock = Stopwatch.StartNew();
        do
        {
            Pass();
            passes++;
        }
        while (clock.Elapsed.TotalSeconds < 1 && passes < 1000);

        return clock.Elapsed.TotalSeconds / passes;
    }

    private static EvaluationResult EvaluateSpans(AbuseClassifier classifier, List<Example> posts)
    {
        var clock = Stopwatch.StartNew();
        var total = 0.0;
        int tp = 0, fp = 0, fn = 0, tn = 0;
        foreach (var post in posts)
        {
            var predicted = new HashSet<int>();
            foreach (var (start, length) in classifier.PredictToxicSpans(post.Text))
            {
                for (var c = start; c < start + length; c++)
                {
                    predicted.Add(c);
                }
            }

            total += Metrics.SpanF1(predicted, post.SpanOffsets!);
            for (var c = 0; c < post.Text.Length; c++)
            {
                if (char.IsWhiteSpace(post.Text[c]))
                {
                    continue;
                }

                var (p, g) = (predicted.Contains(c), post.SpanOffsets!.Contains(c));
                (tp, fp, fn, tn) = (p && g, p && !g, !p && g) switch
                {
                    (true, _, _) => (tp + 1, fp, fn, tn),
                    (_, true, _) => (tp, fp + 1, fn, tn),
                    (_, _, true) => (tp, fp, fn + 1, tn),
                    _ => (tp, fp, fn, tn + 1),
                };
            }
        }

        var seconds = clock.Elapsed.TotalSeconds;
        var perClass = new Dictionary<string, ClassScore>(StringComparer.Ordinal)
        {
            ["not_toxic_char"] = ClassScore.From(tn, fn, fp),
            ["toxic_char"] = ClassScore.From(tp, fp, fn),
        };
        return new EvaluationResult
        {
            Set = "toxic-spans",
            Items = posts.Count,
            MacroF1 = Metrics.MacroF1(perClass),
            PerClass = perClass,
            SpanF1 = posts.Count > 0 ? total / posts.Count : 0,
            ItemsPerSecond = posts.Count / Math.Max(seconds, 1e-9),
        };
    }

    /// <summary>Per-category precision/recall/F1 of the product flags, and the false-alarm rate on clean lines.</summary>
    private static EvaluationResult EvaluateCategories(AbuseClassifier classifier, string set, List<Example> examples)
    {
        var flags = new AbuseFlags[examples.Count];
        var seconds = TimeOnAllCores(examples.Count, i => flags[i] = classifier.Score(examples[i].Text).Flags);
        var perCategory = new Dictionary<string, ClassScore>(StringComparer.Ordinal);
        foreach (var category in AbuseCategories.All)
        {
            var name = category.ToName();
            int tp = 0, fp = 0, fn = 0, labeled = 0;
            for (var i = 0; i < examples.Count; i++)
            {
                if (!examples[i].Labels.TryGetValue(name, out var label))
                {
                    continue;
                }

                labeled++;
                var predicted = (flags[i] & category.ToFlag()) != 0;
                var gold = label >= 0.5f;
                tp += predicted && gold ? 1 : 0;
                fp += predicted && !gold ? 1 : 0;
                fn += !predicted && gold ? 1 : 0;
            }

            if (labeled > 0)
            {
                perCategory[name] = ClassScore.From(tp, fp, fn);
            }
        }

        // A clean line has every label 0; a false alarm is any content flag raised on it.
        var clean = 0;
        var alarms = 0;
        for (var i = 0; i < examples.Count; i++)
        {
            var labels = examples[i].Labels;
            if (labels.Count == 0 || labels.Values.Any(v => v >= 0.5f))
            {
                continue;
            }

            clean++;
            var raised = labels.Keys.Any(k => AbuseCategories.TryParse(k, out var c) && (flags[i] & c.ToFlag()) != 0);
            alarms += raised ? 1 : 0;
        }

        return new EvaluationResult
        {
            Set = set,
            Items = examples.Count,
            PerCategory = perCategory,
            MacroF1 = perCategory.Count > 0 ? perCategory.Values.Average(s => s.F1) : null,
            FalseAlarmRate = clean > 0 ? (double)alarms / clean : null,
            CleanItems = clean,
            ItemsPerSecond = examples.Count / Math.Max(seconds, 1e-9),
        };
    }
}
