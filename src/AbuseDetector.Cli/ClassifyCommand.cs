using System.Globalization;
using System.Text.Json;
using AbuseDetector.Detection;

namespace AbuseDetector.Cli;

internal static class ClassifyCommand
{
    public static int Run(CommandLine line, TextReader input, TextWriter output)
    {
        var modelPath = line.Get("model");
        var json = line.Has("json");
        line.RejectUnknown();
        if (line.Positional.Count > 1)
        {
            throw new UsageException("classify takes one text; quote it, or send one text per line on standard input.");
        }

        var classifier = AbuseClassifier.Load(ModelLocator.Resolve(modelPath));
        if (line.Positional.Count == 1)
        {
            Write(line.Positional[0], classifier.Classify(line.Positional[0]), json, output);
            return 0;
        }

        while (input.ReadLine() is { } text)
        {
            Write(text, classifier.Classify(text), json, output);
        }

        return 0;
    }

    private static void Write(string text, Classification result, bool json, TextWriter output)
    {
        if (json)
        {
            output.WriteLine(ToJson(text, result));
            return;
        }

        var culture = CultureInfo.InvariantCulture;
        var flagged = result.Flags == AbuseFlags.None ? "clean" : result.Flags.ToString().ToLowerInvariant();
        output.WriteLine($"{flagged}: {text}");
        output.WriteLine("  " + string.Join("  ", AbuseCategories.All.Select(c => string.Create(culture, $"{c.ToName()} {result.Scores[c]:F3}"))));
        foreach (var evidence in result.Evidence)
        {
            output.WriteLine($"  {evidence.Category.ToName()}: \"{text.Substring(evidence.Start, evidence.Length)}\"");
        }
    }

    internal static string ToJson(string text, Classification result)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("text", text);
            writer.WriteStartObject("scores");
            foreach (var category in AbuseCategories.All)
            {
                writer.WriteNumber(category.ToName(), Math.Round(result.Scores[category], 4));
            }

            writer.WriteEndObject();
            writer.WriteStartArray("flags");
            foreach (var category in AbuseCategories.All.Where(result.Scores.IsFlagged))
            {
                writer.WriteStringValue(category.ToName());
            }

            writer.WriteEndArray();
            writer.WriteStartArray("evidence");
            foreach (var evidence in result.Evidence)
            {
                writer.WriteStartObject();
                writer.WriteString("category", evidence.Category.ToName());
                writer.WriteNumber("start", evidence.Start);
                writer.WriteNumber("length", evidence.Length);
                writer.WriteString("text", text.AsSpan(evidence.Start, evidence.Length));
                writer.WriteNumber("weight", Math.Round(evidence.Weight, 3));
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
