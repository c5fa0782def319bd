using System.Globalization;
using System.Text.Json;
using AbuseDetector.Detection;
using AbuseDetector.Detection.Training.Learning;

namespace AbuseDetector.Cli;

internal static class EvalCommand
{
    public static int Run(CommandLine line, TextWriter output)
    {
        var set = line.Get("set");
        var jsonl = line.Get("jsonl");
        var data = line.Get("data");
        var modelPath = line.Get("model");
        var json = line.Has("json");
        line.RejectUnknown();
        line.RejectPositional("eval");
        if ((set is null) == (jsonl is null))
        {
            throw new UsageException("Pass either --set <name> --data <folder> or --jsonl <file>.");
        }

        if (set is not null && Array.IndexOf(Evaluator.Sets, set) < 0)
        {
            throw new UsageException($"Unknown set '{set}'; known sets: {string.Join(", ", Evaluator.Sets)}.");
        }

        if (set is not null && data is null)
        {
            throw new UsageException("--set needs --data <shared data folder>.");
        }

        if (data is not null && !Directory.Exists(data))
        {
            throw new UsageException($"The data folder '{data}' does not exist.");
        }

        if (jsonl is not null && !File.Exists(jsonl))
        {
            throw new UsageException($"The file '{jsonl}' does not exist.");
        }

        var classifier = AbuseClassifier.Load(ModelLocator.Resolve(modelPath));
        var result = set is not null ? Evaluator.EvaluateSet(classifier, set, data!) : Evaluator.EvaluateJsonl(classifier, jsonl!);
        if (json)
        {
            output.WriteLine(ToJson(result));
        }
        else
        {
            WriteText(result, output);
        }

        return 0;
    }

    internal static string ToJson(EvaluationResult result)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("set", result.Set);
            writer.WriteNumber("items", result.Items);
            if (result.MacroF1 is { } macro)
            {
                writer.WriteNumber("macro_f1", Math.Round(macro, 4));
            }

            WriteScores(writer, "per_class", result.PerClass);
            WriteScores(writer, "per_category", result.PerCategory);
            if (result.FalseAlarmRate is { } falseAlarms)
            {
                writer.WriteNumber("false_alarm_rate", Math.Round(falseAlarms, 4));
                writer.WriteNumber("clean_items", result.CleanItems ?? 0);
            }

            if (result.SpanF1 is { } spanF1)
            {
                writer.WriteNumber("span_f1", Math.Round(spanF1, 4));
            }

            writer.WriteNumber("items_per_second", Math.Round(result.ItemsPerSecond));
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteScores(Utf8JsonWriter writer, string name, Dictionary<string, ClassScore>? scores)
    {
        if (scores is null)
        {
            return;
        }

        writer.WriteStartObject(name);
        foreach (var (label, score) in scores)
        {
            writer.WriteStartObject(label);
            writer.WriteNumber("precision", Math.Round(score.Precision, 4));
            writer.WriteNumber("recall", Math.Round(score.Recall, 4));
            writer.WriteNumber("f1", Math.Round(score.F1, 4));
            writer.WriteNumber("support", score.Support);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    private static void WriteText(EvaluationResult result, TextWriter output)
    {
        var culture = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(culture, $"{result.Set}: {result.Items:N0} items, {result.ItemsPerSecond:N0} items/s"));
        if (result.MacroF1 is { } macro)
        {
            output.WriteLine(string.Create(culture, $"  macro-F1 {macro:F4}"));
        }

        if (result.SpanF1 is { } span)
        {
            output.WriteLine(string.Create(culture, $"  span F1 {span:F4}"));
        }

        if (result.FalseAlarmRate is { } alarms)
        {
            output.WriteLine(string.Create(culture, $"  false-alarm rate {alarms:P2} of {result.CleanItems:N0} clean lines"));
        }

        foreach (var (label, score) in (result.PerClass ?? []).Concat(result.PerCategory ?? []))
        {
            output.WriteLine(string.Create(culture, $"  {label,-16} P {score.Precision:F3}  R {score.Recall:F3}  F1 {score.F1:F3}  (n={score.Support})"));
        }
    }
}
