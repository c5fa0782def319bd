using System.Text.Json;

namespace AbuseDetector.LoadTest;

/// <summary>The "text" of every line of a JSON-lines call corpus such as models/data/call-domain-train.jsonl.</summary>
internal static class CallLines
{
    public static IReadOnlyList<string> Load(string path)
    {
        var texts = new List<string>();
        foreach (var line in File.ReadLines(path))
        {
            if (line.Length == 0)
            {
                continue;
            }

            using var document = JsonDocument.Parse(line);
            if (document.RootElement.TryGetProperty("text", out var text) && text.GetString() is { Length: > 0 } value)
            {
                texts.Add(value);
            }
        }

        return texts.Count > 0 ? texts : throw new InvalidDataException($"The file '{path}' holds no lines with a \"text\" field.");
    }
}
