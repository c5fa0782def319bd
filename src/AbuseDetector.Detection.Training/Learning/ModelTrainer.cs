using System.Diagnostics;
using System.Globalization;
using AbuseDetector.Detection.Internal;
using AbuseDetector.Detection.Training.Data;

namespace AbuseDetector.Detection.Training.Learning;

/// <summary>Settings of a full training run.</summary>
internal sealed record TrainingOptions
{
    public required string DataFolder { get; init; }

    public string? CallDomainPath { get; init; }

    public string? CallValidationPath { get; init; }

    public string ModelName { get; init; } = "default";

    /// <summary>Draws which call-domain lines are joined in pairs; the default is the committed model's.</summary>
    public int Seed { get; init; } = 20261122;

    public int BenchmarkHashBits { get; init; } = 19;

    public int SpanHashBits { get; init; } = 18;

    /// <summary>
    /// Product heads see plain features, so their ML.NET predictors run unchanged in the <c>.zip</c> model. Their L2 is fixed,
    /// since each choice costs a training of 2^20 weights per candidate: on the call validation lines 0.125 beat 0.5
    /// (higher F1 for swearing, insult and hate, threat within 0.002), and 0.5 had beaten 2, 8 and 32.
    /// </summary>
    public TrainerOptions ProductTrainer { get; init; } = new() { NaiveBayesScaling = false, L2 = 0.125f, L2Candidates = [] };

    public TrainerOptions BenchmarkTrainer { get; init; } = new();

    public TrainerOptions SpanTrainer { get; init; } = new() { BalancePower = 0.5f, NaiveBayesScaling = false };

    /// <summary>
    /// The F-beta that product thresholds maximize on validation data. Below 1 it favours precision: an agent
    /// prompted on a calm caller stops trusting the prompts. Threats too: their F1 is flat over a wide band of thresholds
    /// (validation F1 within 0.005 from 0.35 to 0.55), so F1 alone picked anywhere in it from one retrain to the next,
    /// and the low end doubled the calm lines flagged as threats for a few more threats caught.
    /// </summary>
    public double ProductThresholdBeta { get; init; } = 0.75;

    /// <summary>After calibrating on validation data, train the benchmark heads again on training plus validation data.</summary>
    public bool RefitBenchmarkOnValidation { get; init; } = true;
}

/// <summary>A trained model: the runtime parameters, and the product heads as ML.NET predictors for the <c>.zip</c> model.</summary>
internal sealed record TrainedModel(ModelParameters Parameters, IReadOnlyList<TrainedHead> ProductHeads)
{
    /// <summary>Writes the product heads as an ML.NET model (see <see cref="MlNetModel"/>).</summary>
    public void SaveMlNet(string path) => MlNetModel.Save(Parameters.Group(AbuseClassifier.ProductGroup), ProductHeads, path);
}

/// <summary>
/// Trains the whole model with ML.NET: product heads, benchmark heads and the toxic-span token head; quantizes the
/// weights to int16; then, with the quantized model, fits calibration and picks thresholds on validation data.
/// </summary>
internal static class ModelTrainer
{
    private static readonly (string Task, string[] Heads, string[] Labels)[] MultiClassTasks =
    [
        ("olid-c", [Heads.OlidIndividual, Heads.OlidGroup, Heads.OlidOther], ["IND", "GRP", "OTH"]),
        ("davidson", [Heads.DavidsonHate, Heads.DavidsonOffensive, Heads.DavidsonNeither], ["hate", "offensive", "neither"]),
    ];

    private static readonly (string Task, string Head, string[] Labels)[] BinaryTasks =
    [
        ("olid-a", Heads.OlidOffensive, ["NOT", "OFF"]),
        ("olid-b", Heads.OlidTargeted, ["UNT", "TIN"]),
        ("convabuse", Heads.ConvAbuse, ["not_abusive", "abusive"]),
    ];

    public static TrainedModel Train(TrainingOptions options, TimeProvider time, TextWriter log)
    {
        var clock = Stopwatch.StartNew();
        log.WriteLine("Reading data sets:");
        var examples = Corpus.LoadTraining(options.DataFolder, options.CallDomainPath, options.CallValidationPath, options.Seed, log);
        var train = examples.Where(e => e.Split == Split.Train).ToList();
        var validation = examples.Where(e => e.Split == Split.Validation).ToList();
        log.WriteLine($"{train.Count:N0} training and {validation.Count:N0} validation examples ({clock.Elapsed.TotalSeconds:F1} s).");

        List<Example> learnable = [.. train, .. validation];
        var documents = FeatureMatrix.ForDocuments([.. learnable.Select(e => e.Text)], Math.Max(MlNetModel.HashBits, options.BenchmarkHashBits));
        log.WriteLine($"Featurized {documents.Rows:N0} texts, {documents.Buckets.Length:N0} features ({clock.Elapsed.TotalSeconds:F1} s).");

        var (product, productHeads, _) = TrainGroup(AbuseClassifier.ProductGroup, Heads.Product, MlNetModel.HashBits, documents, learnable, train.Count, options.ProductTrainer, log);
        var (benchmark, _, benchmarkL2) = TrainGroup("benchmark", Heads.Benchmark, options.BenchmarkHashBits, documents, learnable, train.Count, options.BenchmarkTrainer, log);
        var span = TrainSpanGroup(train, options, log);
        log.WriteLine($"Trained every head ({clock.Elapsed.TotalSeconds:F1} s).");

        var model = new ModelParameters
        {
            Name = options.ModelName,
            TrainedAt = time.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            Seed = options.Seed,
            Groups = [product, benchmark, span],
            Tasks = [],
        };

        var classifier = new AbuseClassifier(model);
        var tasks = Calibrate(classifier, validation, options.ProductThresholdBeta, log);
        CalibrateSpans(classifier, span, validation, log);
        if (options.RefitBenchmarkOnValidation)
        {
            var (refit, _, _) = TrainGroup("benchmark", Heads.Benchmark, options.BenchmarkHashBits, documents, learnable, learnable.Count, options.BenchmarkTrainer, TextWriter.Null, benchmarkL2);
            benchmark = CopyCalibration(from: benchmark, to: refit);
            log.WriteLine($"Refitted the benchmark heads on training plus validation data ({clock.Elapsed.TotalSeconds:F1} s).");
        }

        var finished = new ModelParameters
        {
            Name = model.Name,
            TrainedAt = model.TrainedAt,
            Seed = model.Seed,
            Groups = [product, benchmark, span],
            Tasks = tasks,
            Notes = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["training_examples"] = train.Count.ToString(CultureInfo.InvariantCulture),
                ["validation_examples"] = validation.Count.ToString(CultureInfo.InvariantCulture),
                ["training_seconds"] = clock.Elapsed.TotalSeconds.ToString("F0", CultureInfo.InvariantCulture),
                ["sources"] = string.Join(",", train.Select(e => e.Source).Distinct().Order(StringComparer.Ordinal)),
            },
        };
        log.WriteLine($"Calibrated ({clock.Elapsed.TotalSeconds:F1} s).");
        return new TrainedModel(finished, productHeads);
    }

    private static HeadGroup CopyCalibration(HeadGroup from, HeadGroup to)
    {
        from.CalibrationSlopes.CopyTo(to.CalibrationSlopes, 0);
        from.CalibrationIntercepts.CopyTo(to.CalibrationIntercepts, 0);
        from.Thresholds.CopyTo(to.Thresholds, 0);
        return to;
    }

    /// <summary>
    /// Trains every head of a group on the first <paramref name="rowsToUse"/> examples (training data first, then validation).
    /// Without <paramref name="l2PerHead"/>, each head keeps the L2 of <see cref="TrainerOptions.L2Candidates"/> whose model
    /// ranks the validation rows after <paramref name="rowsToUse"/> best (area under the precision-recall curve).
    /// </summary>
    internal static (HeadGroup Group, TrainedHead[] Heads, float[] L2PerHead) TrainGroup(string name, string[] heads, int hashBits, FeatureMatrix documents, List<Example> examples, int rowsToUse, TrainerOptions trainer, TextWriter log, float[]? l2PerHead = null)
    {
        var results = new TrainedHead[heads.Length];
        var chosen = new float[heads.Length];
        var mask = (1 << hashBits) - 1;
        var matrix = documents.WithMask(mask);
        Parallel.For(0, heads.Length, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, h =>
        {
            var rows = RowsOf(examples, heads[h], 0, rowsToUse);
            var options = trainer with { NaiveBayesScaling = trainer.NaiveBayesScaling && Recipe.UsesNaiveBayesScaling(heads[h]) };
            string choice;
            if (l2PerHead is not null || options.L2Candidates.Count == 0)
            {
                chosen[h] = l2PerHead?[h] ?? options.L2;
                results[h] = HeadTrainer.TrainHead(matrix, rows, 1 << hashBits, options with { L2 = chosen[h] });
                choice = $"L2 {chosen[h]}";
            }
            else
            {
                var validation = RowsOf(examples, heads[h], rowsToUse, examples.Count);
                (results[h], chosen[h], var tried) = HeadTrainer.TrainHeadChoosingL2(matrix, rows, validation, 1 << hashBits, options);
                choice = FormattableString.Invariant($"L2 {chosen[h]} (validation AUPRC by L2: {string.Join(", ", tried.Select(t => FormattableString.Invariant($"{t.L2} {t.Auprc:F4}")))})");
            }

            lock (log)
            {
                log.WriteLine($"  {name}/{heads[h]}: {rows.Count:N0} rows, {rows.Count(r => r.Label >= 0.5f):N0} positive; {choice}");
            }
        });

        return (Quantize(name, FeatureScope.Document, hashBits, heads, [.. results.Select(r => r.Weights)]), results, chosen);
    }

    private static List<TrainingRow> RowsOf(List<Example> examples, string head, int from, int to)
    {
        var rows = new List<TrainingRow>();
        for (var i = from; i < to; i++)
        {
            if (Recipe.TryGetLabel(examples[i], head, out var label, out var weight))
            {
                rows.Add(new TrainingRow(i, label, weight));
            }
        }

        return rows;
    }

    private static HeadGroup TrainSpanGroup(List<Example> train, TrainingOptions options, TextWriter log)
    {
        var posts = train.Where(e => e.SpanOffsets is not null).ToList();
        var ranges = new List<(int Text, int Start, int Length)>();
        var matrix = FeatureMatrix.ForTokens([.. posts.Select(p => p.Text)], options.SpanHashBits, ranges);
        var rows = new List<TrainingRow>(ranges.Count);
        matrix = matrix.WithMask((1 << options.SpanHashBits) - 1);
        for (var r = 0; r < ranges.Count; r++)
        {
            var (text, start, length) = ranges[r];
            var gold = posts[text].SpanOffsets!;
            var inside = 0;
            for (var c = start; c < start + length; c++)
            {
                inside += gold.Contains(c) ? 1 : 0;
            }

            rows.Add(new TrainingRow(r, inside * 2 >= length ? 1f : 0f, 1f));
        }

        var weights = HeadTrainer.TrainHead(matrix, rows, 1 << options.SpanHashBits, options.SpanTrainer).Weights;
        log.WriteLine($"  span/{Heads.ToxicToken}: {rows.Count:N0} tokens, {rows.Count(r => r.Label > 0):N0} toxic");
        return Quantize(AbuseClassifier.SpanGroup, FeatureScope.Token, options.SpanHashBits, [Heads.ToxicToken], [weights]);
    }

    /// <summary>Symmetric int16 quantization per head; the scale maps the largest weight to ±32767 (int8 zeroed most of L-BFGS's small weights).</summary>
    internal static HeadGroup Quantize(string name, FeatureScope scope, int hashBits, string[] heads, HeadWeights[] trained)
    {
        var stride = HeadGroup.StrideFor(heads.Length);
        var buckets = 1 << hashBits;
        var quantized = new short[(long)stride * buckets];
        var scales = new float[heads.Length];
        for (var h = 0; h < heads.Length; h++)
        {
            var largest = 0f;
            foreach (var w in trained[h].Weights)
            {
                largest = Math.Max(largest, Math.Abs(w));
            }

            scales[h] = largest > 0 ? largest / short.MaxValue : 1f;
            for (var b = 0; b < buckets; b++)
            {
                quantized[((long)b * stride) + h] = (short)Math.Clamp(MathF.Round(trained[h].Weights[b] / scales[h]), -short.MaxValue, short.MaxValue);
            }
        }

        return new HeadGroup
        {
            Name = name,
            Scope = scope,
            HashBits = hashBits,
            Heads = heads,
            Weights = quantized,
            Scales = scales,
            Biases = [.. trained.Select(t => t.Bias)],
            CalibrationSlopes = [.. heads.Select(_ => 1f)],
            CalibrationIntercepts = [.. heads.Select(_ => 0f)],
            Thresholds = [.. heads.Select(_ => 0.5f)],
        };
    }

    internal static DecisionTask[] Calibrate(AbuseClassifier classifier, List<Example> validation, double productBeta, TextWriter log)
    {
        var tasks = new List<DecisionTask>();
        foreach (var group in classifier.Parameters.Groups.Where(g => g.Scope == FeatureScope.Document))
        {
            var raw = new float[validation.Count][];
            Parallel.For(0, validation.Count, i =>
            {
                raw[i] = new float[group.Stride];
                classifier.ScoreGroup(group, validation[i].Text, raw[i]);
            });

            for (var h = 0; h < group.Heads.Length; h++)
            {
                var head = group.Heads[h];
                // Benchmark heads are calibrated on their own data set only (auxiliary sets have weight below 1).
                var macro = Array.IndexOf(Heads.Benchmark, head) >= 0;
                var scores = new List<float>();
                var labels = new List<float>();
                for (var i = 0; i < validation.Count; i++)
                {
                    if (Recipe.TryGetLabel(validation[i], head, out var label, out var weight) && (weight >= 1f || macro is false))
                    {
                        // Validation counts like training: a row of weight 4 stands four times.
                        for (var copy = 0; copy < Math.Max(1, (int)MathF.Round(weight)); copy++)
                        {
                            scores.Add(raw[i][h]);
                            labels.Add(label);
                        }
                    }
                }

                var (slope, intercept) = PlattCalibration.Fit(scores, labels);
                group.CalibrationSlopes[h] = slope;
                group.CalibrationIntercepts[h] = intercept;
                var probabilities = scores.Select(s => group.Probability(h, s)).ToList();
                var gold = labels.Select(l => l >= 0.5f).ToList();
                group.Thresholds[h] = gold.Any(g => g) ? (macro ? Metrics.BestThreshold(probabilities, gold, macro: true) : Metrics.StableThreshold(probabilities, gold, productBeta)) : 0.5f;
                var score = Metrics.Binary(probabilities, gold, group.Thresholds[h]);
                log.WriteLine($"  {group.Name}/{head}: validation {scores.Count:N0}, threshold {group.Thresholds[h]:F3}, P {score.Precision:F3} R {score.Recall:F3} F1 {score.F1:F3}");
            }

            foreach (var (task, head, labels) in BinaryTasks)
            {
                if (group.IndexOf(head) >= 0)
                {
                    tasks.Add(new DecisionTask { Name = task, Group = group.Name, Heads = [head], Labels = labels, Offsets = [0f] });
                }
            }

            foreach (var (task, heads, labels) in MultiClassTasks)
            {
                if (heads.All(h => group.IndexOf(h) >= 0))
                {
                    tasks.Add(FitOffsets(task, group, heads, labels, validation, raw, log));
                }
            }
        }

        return [.. tasks];
    }

    /// <summary>Per-class offsets added to probabilities before the arg-max, tuned by coordinate ascent on validation macro-F1.</summary>
    private static DecisionTask FitOffsets(string task, HeadGroup group, string[] heads, string[] labels, List<Example> validation, float[][] raw, TextWriter log)
    {
        var indices = heads.Select(group.IndexOf).ToArray();
        var probabilities = new List<float[]>();
        var gold = new List<int>();
        for (var i = 0; i < validation.Count; i++)
        {
            var known = heads.Select(h => validation[i].Labels.TryGetValue(h, out var v) ? v : -1f).ToArray();
            if (known.Any(v => v < 0) || !Recipe.TryGetLabel(validation[i], heads[0], out _, out var weight) || weight < 1f)
            {
                continue;
            }

            probabilities.Add([.. indices.Select(h => group.Probability(h, raw[i][h]))]);
            gold.Add(Array.IndexOf(known, known.Max()));
        }

        var offsets = new float[heads.Length];
        double Score()
        {
            var predicted = probabilities.Select(p => ArgMax(p, offsets)).ToList();
            return Metrics.MacroF1(Metrics.PerClass(gold, predicted, labels));
        }

        var best = Score();
        var start = best;
        for (var round = 0; round < 3; round++)
        {
            for (var c = 1; c < heads.Length; c++)
            {
                var keep = offsets[c];
                for (var step = -0.5f; step <= 0.5f; step += 0.02f)
                {
                    offsets[c] = step;
                    var value = Score();
                    if (value > best + 1e-9)
                    {
                        best = value;
                        keep = step;
                    }
                }

                offsets[c] = keep;
            }
        }

        log.WriteLine($"  task {task}: validation {gold.Count:N0}, macro-F1 {start:F3} → {best:F3} with offsets [{string.Join(", ", offsets.Select(o => o.ToString("F2", CultureInfo.InvariantCulture)))}]");
        return new DecisionTask { Name = task, Group = group.Name, Heads = heads, Labels = labels, Offsets = offsets };
    }

    internal static int ArgMax(ReadOnlySpan<float> probabilities, ReadOnlySpan<float> offsets)
    {
        var best = 0;
        for (var c = 1; c < probabilities.Length; c++)
        {
            if (probabilities[c] + offsets[c] > probabilities[best] + offsets[best])
            {
                best = c;
            }
        }

        return best;
    }

    private static void CalibrateSpans(AbuseClassifier classifier, HeadGroup span, List<Example> validation, TextWriter log)
    {
        var posts = validation.Where(e => e.SpanOffsets is not null).ToList();
        var best = (Threshold: 0.5f, F1: -1.0);
        for (var threshold = 0.1f; threshold < 0.95f; threshold += 0.025f)
        {
            var total = 0.0;
            foreach (var post in posts)
            {
                var predicted = new HashSet<int>();
                foreach (var (start, length) in classifier.PredictToxicSpans(post.Text, threshold))
                {
                    for (var c = start; c < start + length; c++)
                    {
                        predicted.Add(c);
                    }
                }

                total += Metrics.SpanF1(predicted, post.SpanOffsets!);
            }

            var f1 = posts.Count > 0 ? total / posts.Count : 0;
            if (f1 > best.F1)
            {
                best = (threshold, f1);
            }
        }

        span.Thresholds[0] = best.Threshold;
        log.WriteLine($"  span/{Heads.ToxicToken}: validation {posts.Count:N0} posts, threshold {best.Threshold:F3}, span F1 {best.F1:F3}");
    }
}
