namespace AbuseDetector.Detection.Internal;

/// <summary>
/// Grades the speaker's own swearing from the lexicon's words. Swear words in reported speech are someone else's:
/// from a cue ("called me", "calling me", "told me to", "said i was", "said he was", ...) to the end of the sentence.
/// Lexical on purpose, so an agent can predict it.
/// </summary>
internal static class ProfanityGrader
{
    /// <param name="flaggedSwearing">Whether the model flagged swearing: the lexicon alone never decides that there is any.</param>
    /// <param name="text">The original text, for the punctuation between tokens.</param>
    /// <param name="normalized">The normalizer's output.</param>
    /// <param name="tokens">The normalizer's tokens.</param>
    public static ProfanityStrength Grade(bool flaggedSwearing, ReadOnlySpan<char> text, ReadOnlySpan<char> normalized, ReadOnlySpan<TokenInfo> tokens)
    {
        if (!flaggedSwearing)
        {
            return ProfanityStrength.None;
        }

        var own = ProfanityStrength.None;
        var reportedSwearing = false;
        var reportedUntilSentenceEnd = false;
        for (var i = 0; i < tokens.Length; i++)
        {
            if (i > 0 && EndsSentence(text, tokens[i - 1], tokens[i]))
            {
                reportedUntilSentenceEnd = false;
            }

            var flags = tokens[i].Flags;
            if ((flags & TokenFlags.Swear) != 0)
            {
                if (reportedUntilSentenceEnd)
                {
                    reportedSwearing = true;
                }
                else if ((flags & TokenFlags.StrongSwear) != 0)
                {
                    return ProfanityStrength.Strong;
                }
                else
                {
                    own = ProfanityStrength.Mild;
                }
            }

            var cue = CueLength(normalized, tokens, i);
            if (cue > 0)
            {
                reportedUntilSentenceEnd = true;
                i += cue - 1;
            }
        }

        // Flagged with no swear word of the lexicon at all ("what the hell"): mild. Flagged for reported words only: none.
        return own != ProfanityStrength.None || !reportedSwearing ? ProfanityStrength.Mild : ProfanityStrength.None;
    }

    private static bool EndsSentence(ReadOnlySpan<char> text, TokenInfo previous, TokenInfo next)
    {
        var gapStart = Math.Min(previous.OrigStart + previous.OrigLength, text.Length);
        var gapEnd = Math.Clamp(next.OrigStart, gapStart, text.Length);
        return text[gapStart..gapEnd].IndexOfAny(".!?;\n") >= 0;
    }

    /// <summary>The number of tokens of a reported-speech cue starting at <paramref name="i"/>; 0 when none starts there.</summary>
    private static int CueLength(ReadOnlySpan<char> normalized, ReadOnlySpan<TokenInfo> tokens, int i)
    {
        var first = Word(normalized, tokens, i);
        var second = Word(normalized, tokens, i + 1);
        if (first is "called" or "calling" or "calls" && second is "me")
        {
            return 2;
        }

        if (first is "told" or "tells" or "telling" && second is "me" && Word(normalized, tokens, i + 2) is "to")
        {
            return 3;
        }

        if (first is not ("said" or "says" or "saying"))
        {
            return 0;
        }

        if (second is "i'm" or "he's" or "she's" or "they're" or "you're" or "we're" or "it's")
        {
            return 2;
        }

        return second is "i" or "he" or "she" or "they" or "you" or "we" or "it"
            && Word(normalized, tokens, i + 2) is "was" or "were" or "is" or "are" or "am" ? 3 : 0;
    }

    private static ReadOnlySpan<char> Word(ReadOnlySpan<char> normalized, ReadOnlySpan<TokenInfo> tokens, int i) =>
        i < tokens.Length ? normalized.Slice(tokens[i].NormStart, tokens[i].NormLength) : [];
}
