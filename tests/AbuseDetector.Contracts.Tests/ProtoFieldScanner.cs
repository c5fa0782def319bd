using System.Text.RegularExpressions;

namespace AbuseDetector.Contracts.Tests;

/// <summary>
/// Reads the field and enum numbers out of .proto source text, one declaration per line, so tests can check
/// the numbering rules on the file people edit. Fields inside a <c>oneof</c> count for the enclosing message.
/// </summary>
internal static partial class ProtoFieldScanner
{
    /// <summary>Every numbered declaration, keyed by message or enum name, in file order.</summary>
    public static Dictionary<string, List<(string Name, int Number)>> Scan(string protoText)
    {
        var blocks = new Dictionary<string, List<(string Name, int Number)>>(StringComparer.Ordinal);

        // Each open brace pushes a scope: the name of a message or enum, or null for a oneof (which belongs
        // to the message around it), a service or an option block.
        var scopes = new Stack<(string? Name, bool IsEnum)>();
        foreach (var rawLine in protoText.Split('\n'))
        {
            var commentAt = rawLine.IndexOf("//", StringComparison.Ordinal);
            var line = (commentAt >= 0 ? rawLine[..commentAt] : rawLine).Trim();
            if (line.Length == 0)
            {
                continue;
            }

            var open = BlockOpen().Match(line);
            if (open.Success)
            {
                var kind = open.Groups["kind"].Value;
                if (kind is "message" or "enum")
                {
                    var name = open.Groups["name"].Value;
                    scopes.Push((name, kind == "enum"));
                    blocks.TryAdd(name, []);
                }
                else
                {
                    scopes.Push((Enclosing(scopes), false));
                }

                continue;
            }

            if (line.StartsWith('}'))
            {
                scopes.Pop();
                continue;
            }

            var owner = Enclosing(scopes);
            if (owner is null)
            {
                continue;
            }

            var match = scopes.Peek().IsEnum ? EnumValue().Match(line) : Field().Match(line);
            if (match.Success)
            {
                blocks[owner].Add((match.Groups["name"].Value, int.Parse(match.Groups["number"].Value, System.Globalization.CultureInfo.InvariantCulture)));
            }
        }

        Assert.Empty(scopes);
        return blocks;
    }

    /// <summary>One line per number declared more than once in the same message or enum, such as "Example: 1 used by seq, audio".</summary>
    public static List<string> FindReusedNumbers(string protoText) =>
        Scan(protoText)
            .SelectMany(block => block.Value
                .GroupBy(declaration => declaration.Number)
                .Where(group => group.Count() > 1)
                .Select(group => $"{block.Key}: {group.Key} used by {string.Join(", ", group.Select(d => d.Name))}"))
            .ToList();

    private static string? Enclosing(Stack<(string? Name, bool IsEnum)> scopes) => scopes.Count == 0 ? null : scopes.Peek().Name;

    [GeneratedRegex(@"^(?<kind>message|enum|oneof|service)\s+(?<name>\w+)\s*\{$")]
    private static partial Regex BlockOpen();

    [GeneratedRegex(@"^(?:(?:optional|repeated)\s+)?(?:map\s*<[^>]+>|[\w.]+)\s+(?<name>\w+)\s*=\s*(?<number>\d+)\s*[;\[]")]
    private static partial Regex Field();

    [GeneratedRegex(@"^(?<name>\w+)\s*=\s*(?<number>-?\d+)\s*[;\[]")]
    private static partial Regex EnumValue();
}
