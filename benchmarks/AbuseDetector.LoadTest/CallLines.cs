using System.Text.Json;

namespace AbuseDetector.LoadTest;

/// <summary>One line of the call corpus: its text and whether its labels mark it abusive or threatening.</summary>
internal readonly record struct CallLine(string Text, bool IsAbusive);

/// <summary>The lines of a JSON-lines call corpus such as models/data/call-domain-train.jsonl, in file order.</summary>
internal static class CallLines
{
    public static IReadOnlyList<CallLine> Load(string path)
    {
        var lines = new List<CallLine>();
        foreach (var line in File.ReadLines(path))
        {
            if (line.Length == 0)
            {
                continue;
            }

            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            if (root.TryGetProperty("text", out var text) && text.GetString() is { Length: > 0 } value)
            {
                lines.Add(new CallLine(value, IsLabelled(root, "abusive") || IsLabelled(root, "threat")));
            }
        }

        return lines.Count > 0 ? lines : throw new InvalidDataException($"The file '{path}' holds no lines with a \"text\" field.");
    }

    private static bool IsLabelled(JsonElement root, string label) =>
        root.TryGetProperty("labels", out var labels) && labels.ValueKind == JsonValueKind.Object
        && labels.TryGetProperty(label, out var value) && value.ValueKind == JsonValueKind.Number && value.GetInt32() == 1;
}

/// <summary>
/// The lines one stream replays: the corpus in file order from a per-stream offset, or, with an abusive share, an
/// abusive line with that probability and a clean one otherwise (seeded per stream, so runs repeat).
/// </summary>
internal sealed class LinePicker
{
    private readonly IReadOnlyList<CallLine> _all;
    private readonly IReadOnlyList<CallLine> _abusive;
    private readonly IReadOnlyList<CallLine> _clean;
    private readonly double? _abusiveShare;
    private readonly Random? _random;
    private int _next;
    private int _nextAbusive;
    private int _nextClean;

    public LinePicker(LineSet lines, int stream, double? abusiveShare)
    {
        _all = lines.All;
        _abusive = lines.Abusive;
        _clean = lines.Clean;
        _abusiveShare = abusiveShare;
        _next = (int)((stream * 7919L) % _all.Count);
        _nextAbusive = (int)((stream * 7919L) % Math.Max(1, _abusive.Count));
        _nextClean = (int)((stream * 7919L) % Math.Max(1, _clean.Count));
        _random = abusiveShare is null ? null : new Random(stream);
    }

    public CallLine Next()
    {
        if (_abusiveShare is not { } share || _random is null)
        {
            return Take(_all, ref _next);
        }

        var abusive = _random.NextDouble() < share;
        return abusive && _abusive.Count > 0 ? Take(_abusive, ref _nextAbusive)
            : _clean.Count > 0 ? Take(_clean, ref _nextClean)
            : Take(_abusive, ref _nextAbusive);
    }

    private static CallLine Take(IReadOnlyList<CallLine> lines, ref int cursor)
    {
        var line = lines[cursor];
        cursor = (cursor + 1) % lines.Count;
        return line;
    }
}

/// <summary>The corpus split once into abusive and clean lines, shared by every stream.</summary>
internal sealed class LineSet(IReadOnlyList<CallLine> all)
{
    public IReadOnlyList<CallLine> All { get; } = all;

    public IReadOnlyList<CallLine> Abusive { get; } = [.. all.Where(l => l.IsAbusive)];

    public IReadOnlyList<CallLine> Clean { get; } = [.. all.Where(l => !l.IsAbusive)];
}
