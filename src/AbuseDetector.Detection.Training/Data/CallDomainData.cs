using System.Text.Json;
using AbuseDetector.Detection.Internal;

namespace AbuseDetector.Detection.Training.Data;

/// <summary>
/// Our own call-domain data and any JSONL file of the same shape:
/// <c>{"text": "...", "labels": {"swearing": 0|1, "insult": 0|1, ...}}</c>, unknown fields ignored.
/// </summary>
internal static class CallDomainData
{
    /// <summary>Reads a JSONL file; every line gets <paramref name="split"/>.</summary>
    public static List<Example> Read(string path, string source, Split split)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The JSONL file '{path}' does not exist.", path);
        }

        var examples = new List<Example>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            examples.Add(Parse(line, path, lineNumber, source, split));
        }

        return examples;
    }

    private static Example Parse(string line, string path, int lineNumber, string source, Split split)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                // TryGetProperty throws InvalidOperationException on anything but an object.
                throw new InvalidDataException($"{path}:{lineNumber}: the line is JSON but not an object.");
            }

            if (!root.TryGetProperty("text", out var textElement) || textElement.ValueKind != JsonValueKind.String)
            {
                throw new InvalidDataException($"{path}:{lineNumber}: the line has no string \"text\" field.");
            }

            var text = textElement.GetString()!;
            var example = new Example(text, source, split);
            if (root.TryGetProperty("labels", out var labels) && labels.ValueKind == JsonValueKind.Object)
            {
                foreach (var label in labels.EnumerateObject())
                {
                    if (label.Value.ValueKind == JsonValueKind.Number && AbuseCategories.TryParse(label.Name, out var category))
                    {
                        example.Labels[category.ToName()] = label.Value.GetSingle() >= 0.5f ? 1f : 0f;
                    }
                }
            }

            return example;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}:{lineNumber}: the line is not valid JSON ({e.Message}).", e);
        }
    }
}

/// <summary>Asks the detection core's lexicons about a text, for data set label rules.</summary>
internal static class LexiconProbe
{
    public static bool HasSwearOrInsult(string text)
    {
        var chars = new char[TextNormalizer.OutputCapacityFor(text.Length)];
        var tokens = new TokenInfo[TextNormalizer.TokenCapacityFor(text.Length)];
        var stats = TextNormalizer.Normalize(text, chars, tokens);
        for (var i = 0; i < stats.TokenCount; i++)
        {
            if ((tokens[i].Flags & (TokenFlags.Swear | TokenFlags.Insult)) != 0)
            {
                return true;
            }
        }

        return false;
    }
}
