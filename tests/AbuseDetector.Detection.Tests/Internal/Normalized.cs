using AbuseDetector.Detection.Internal;

namespace AbuseDetector.Detection.Tests.Internal;

/// <summary>A token as the normalizer emitted it, with its text copied out of the output buffer.</summary>
internal readonly record struct NormalizedToken(string Text, int OrigStart, int OrigLength, TokenFlags Flags)
{
    public bool Has(TokenFlags flag) => (Flags & flag) == flag;

    /// <summary>The characters of the original text the token points at.</summary>
    public string Original(string text) => text.Substring(OrigStart, OrigLength);
}

/// <summary>Runs <see cref="TextNormalizer.Normalize"/> with the buffer sizes the classifier and the feature matrix use.</summary>
internal static class Normalized
{
    public static List<NormalizedToken> Tokens(string text) => Tokens(text, out _);

    public static List<NormalizedToken> Tokens(string text, out NormalizationStats stats)
    {
        var output = new char[TextNormalizer.OutputCapacityFor(text.Length)];
        var tokens = new TokenInfo[TextNormalizer.TokenCapacityFor(text.Length)];
        stats = TextNormalizer.Normalize(text, output, tokens);
        var result = new List<NormalizedToken>(stats.TokenCount);
        for (var i = 0; i < stats.TokenCount; i++)
        {
            var token = tokens[i];
            result.Add(new NormalizedToken(new string(output, token.NormStart, token.NormLength), token.OrigStart, token.OrigLength, token.Flags));
        }

        return result;
    }

    public static List<string> Words(string text) => [.. Tokens(text).Select(t => t.Text)];
}
