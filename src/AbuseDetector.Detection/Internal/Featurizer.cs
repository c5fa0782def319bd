using System.Runtime.CompilerServices;

namespace AbuseDetector.Detection.Internal;

/// <summary>Features are normalized per group, like the separate TF-IDF blocks of a feature union.</summary>
internal enum FeatureGroup : byte
{
    Word = 0,
    Char = 1,
}

/// <summary>Receives hashed features, each with the first and last token that caused it (-1: the whole text).</summary>
internal interface IFeatureSink
{
    void Add(int bucket, FeatureGroup group, int firstToken, int lastToken);
}

/// <summary>Hashes normalized tokens into word n-gram, character n-gram and lexicon-cue features.</summary>
internal static class Featurizer
{
    private const uint SeedWord = 0x9E3779B1;
    private const uint SeedBigram = 0x85EBCA77;
    private const uint SeedChar = 0xC2B2AE3D;
    private const uint SeedCue = 0x27D4EB2F;
    private const uint SeedTokenContext = 0x165667B1;
    private const int MaxCharGramTokenLength = 24;

    /// <summary>Character n-grams from <see cref="MinCharGram"/> to <see cref="MaxCharGram"/>, padded with token boundaries.</summary>
    public const int MinCharGram = 2;

    /// <inheritdoc cref="MinCharGram"/>
    public const int MaxCharGram = 5;

    private enum Cue : uint
    {
        Swear = 1,
        SwearAtSecondPerson,
        Insult,
        InsultAtSecondPerson,
        ThreatWord,
        ThreatAtSecondPerson,
        IntentThenThreat,
        Masked,
        ObfuscatedSwear,
        MostlyCapitals,
        Exclamations,
        SecondPerson,
        TokenSwear,
        TokenInsult,
        TokenThreat,
        TokenNearSecondPerson,
        TokenFirst,
        TokenLast,
        ThreatNearBodyPart,
        SecondPersonThenThreat,
        ThreatWordWithoutPerson,
        NegatedThreatWord,
        HarmWord,
        HarmAfterIntentOrSecondPerson,
    }

    /// <summary>Features of a whole text, for the document heads.</summary>
    public static void ExtractDocument<TSink>(ReadOnlySpan<char> normText, ReadOnlySpan<TokenInfo> tokens, NormalizationStats stats, int hashBits, ref TSink sink)
        where TSink : IFeatureSink, allows ref struct
    {
        var mask = (1 << hashBits) - 1;
        uint previous = 0;
        for (var i = 0; i < tokens.Length; i++)
        {
            var token = tokens[i];
            var text = normText.Slice(token.NormStart, token.NormLength);
            var word = HashChars(text, SeedWord);
            sink.Add((int)(Mix(word) & mask), FeatureGroup.Word, i, i);
            if (i > 0)
            {
                sink.Add((int)(Mix(previous * 31 + word + SeedBigram) & mask), FeatureGroup.Word, i - 1, i);
            }

            previous = word;
            AddCharGrams(text, SeedChar, mask, i, ref sink);
            AddTokenCues(tokens, i, mask, ref sink);
        }

        // Violent words with nobody to aim at are usually about things: "i'll murder that pizza".
        var all = TokenFlags.None;
        var firstThreat = -1;
        for (var i = 0; i < tokens.Length; i++)
        {
            all |= tokens[i].Flags;
            if (firstThreat < 0 && (tokens[i].Flags & TokenFlags.ThreatWord) != 0)
            {
                firstThreat = i;
            }
        }

        if (firstThreat >= 0 && (all & TokenFlags.Person) == 0)
        {
            sink.Add(CueBucket(Cue.ThreatWordWithoutPerson, mask), FeatureGroup.Word, firstThreat, firstThreat);
        }

        if (stats.Letters >= 6 && stats.UpperLetters * 10 >= stats.Letters * 7)
        {
            sink.Add(CueBucket(Cue.MostlyCapitals, mask), FeatureGroup.Word, -1, -1);
        }

        if (stats.Exclamations >= 3)
        {
            sink.Add(CueBucket(Cue.Exclamations, mask), FeatureGroup.Word, -1, -1);
        }
    }

    /// <summary>Features of one token in its context, for the token (toxic span) head.</summary>
    public static void ExtractToken<TSink>(ReadOnlySpan<char> normText, ReadOnlySpan<TokenInfo> tokens, int index, int hashBits, ref TSink sink)
        where TSink : IFeatureSink, allows ref struct
    {
        var mask = (1 << hashBits) - 1;
        var token = tokens[index];
        var text = normText.Slice(token.NormStart, token.NormLength);
        sink.Add((int)(Mix(HashChars(text, SeedTokenContext)) & mask), FeatureGroup.Word, index, index);
        var own = HashChars(text, SeedTokenContext);
        if (index > 0)
        {
            var previous = tokens[index - 1];
            var before = HashChars(normText.Slice(previous.NormStart, previous.NormLength), SeedTokenContext + 1);
            sink.Add((int)(Mix(before) & mask), FeatureGroup.Word, index, index);
            sink.Add((int)(Mix((before * 31) + own + SeedBigram) & mask), FeatureGroup.Word, index, index);
        }
        else
        {
            sink.Add(CueBucket(Cue.TokenFirst, mask), FeatureGroup.Word, index, index);
        }

        if (index + 1 < tokens.Length)
        {
            var next = tokens[index + 1];
            var after = HashChars(normText.Slice(next.NormStart, next.NormLength), SeedTokenContext + 2);
            sink.Add((int)(Mix(after) & mask), FeatureGroup.Word, index, index);
            sink.Add((int)(Mix((own * 31) + after + SeedBigram + 1) & mask), FeatureGroup.Word, index, index);
        }
        else
        {
            sink.Add(CueBucket(Cue.TokenLast, mask), FeatureGroup.Word, index, index);
        }

        if ((token.Flags & TokenFlags.Swear) != 0)
        {
            sink.Add(CueBucket(Cue.TokenSwear, mask), FeatureGroup.Word, index, index);
        }

        if ((token.Flags & TokenFlags.Insult) != 0)
        {
            sink.Add(CueBucket(Cue.TokenInsult, mask), FeatureGroup.Word, index, index);
        }

        if ((token.Flags & TokenFlags.ThreatWord) != 0)
        {
            sink.Add(CueBucket(Cue.TokenThreat, mask), FeatureGroup.Word, index, index);
        }

        if (HasNear(tokens, index, TokenFlags.SecondPerson, before: 2, after: 2))
        {
            sink.Add(CueBucket(Cue.TokenNearSecondPerson, mask), FeatureGroup.Word, index, index);
        }

        AddCharGrams(text, SeedTokenContext + 3, mask, index, ref sink);
    }

    private static void AddTokenCues<TSink>(ReadOnlySpan<TokenInfo> tokens, int i, int mask, ref TSink sink)
        where TSink : IFeatureSink, allows ref struct
    {
        var flags = tokens[i].Flags;
        if (flags == TokenFlags.None)
        {
            return;
        }

        if ((flags & TokenFlags.SecondPerson) != 0)
        {
            sink.Add(CueBucket(Cue.SecondPerson, mask), FeatureGroup.Word, i, i);
        }

        if ((flags & TokenFlags.Swear) != 0)
        {
            sink.Add(CueBucket(Cue.Swear, mask), FeatureGroup.Word, i, i);
            if (HasNear(tokens, i, TokenFlags.SecondPerson, before: 2, after: 2))
            {
                sink.Add(CueBucket(Cue.SwearAtSecondPerson, mask), FeatureGroup.Word, i, i);
            }

            if ((flags & TokenFlags.Obfuscated) != 0)
            {
                sink.Add(CueBucket(Cue.ObfuscatedSwear, mask), FeatureGroup.Word, i, i);
            }
        }

        if ((flags & TokenFlags.Masked) != 0)
        {
            sink.Add(CueBucket(Cue.Masked, mask), FeatureGroup.Word, i, i);
        }

        if ((flags & TokenFlags.Insult) != 0)
        {
            sink.Add(CueBucket(Cue.Insult, mask), FeatureGroup.Word, i, i);
            if (HasNear(tokens, i, TokenFlags.SecondPerson, before: 3, after: 0))
            {
                sink.Add(CueBucket(Cue.InsultAtSecondPerson, mask), FeatureGroup.Word, i, i);
            }
        }

        if ((flags & TokenFlags.ThreatWord) != 0)
        {
            sink.Add(CueBucket(Cue.ThreatWord, mask), FeatureGroup.Word, i, i);
            if (HasNear(tokens, i, TokenFlags.SecondPerson, before: 0, after: 3))
            {
                sink.Add(CueBucket(Cue.ThreatAtSecondPerson, mask), FeatureGroup.Word, i, i);
            }

            if (HasNear(tokens, i, TokenFlags.Intent, before: 3, after: 0))
            {
                sink.Add(CueBucket(Cue.IntentThenThreat, mask), FeatureGroup.Word, i, i);
            }

            // "i don't want to kill her by accident", "nobody's going to hurt you".
            if (HasNear(tokens, i, TokenFlags.Negation, before: 3, after: 0))
            {
                sink.Add(CueBucket(Cue.NegatedThreatWord, mask), FeatureGroup.Word, i, i);
            }

            // "you're dead", "you'll regret this", "your family won't be safe".
            if (HasNear(tokens, i, TokenFlags.SecondPerson, before: 3, after: 0))
            {
                sink.Add(CueBucket(Cue.SecondPersonThenThreat, mask), FeatureGroup.Word, i, i);
            }
        }

        // "you'll end up in traction", "your family will be reading your obituary".
        if ((flags & TokenFlags.Harm) != 0)
        {
            sink.Add(CueBucket(Cue.HarmWord, mask), FeatureGroup.Word, i, i);
            if (HasNear(tokens, i, TokenFlags.Intent | TokenFlags.SecondPerson, before: 8, after: 0))
            {
                sink.Add(CueBucket(Cue.HarmAfterIntentOrSecondPerson, mask), FeatureGroup.Word, i, i);
            }
        }

        // "break your jaw", "knock your block off", "smash his face in".
        if ((flags & TokenFlags.BodyPart) != 0 && HasNear(tokens, i, TokenFlags.ThreatWord, before: 3, after: 0))
        {
            sink.Add(CueBucket(Cue.ThreatNearBodyPart, mask), FeatureGroup.Word, i, i);
        }
    }

    private static bool HasNear(ReadOnlySpan<TokenInfo> tokens, int index, TokenFlags flag, int before, int after)
    {
        var from = Math.Max(0, index - before);
        var to = Math.Min(tokens.Length - 1, index + after);
        for (var j = from; j <= to; j++)
        {
            if (j != index && (tokens[j].Flags & flag) != 0)
            {
                return true;
            }
        }

        return false;
    }

    private static void AddCharGrams<TSink>(ReadOnlySpan<char> text, uint seed, int mask, int tokenIndex, ref TSink sink)
        where TSink : IFeatureSink, allows ref struct
    {
        // Padded with '<' and '>' so prefixes and suffixes differ from inner n-grams ("<ass>" vs "class").
        var length = Math.Min(text.Length, MaxCharGramTokenLength) + 2;
        for (var start = 0; start < length - 1; start++)
        {
            var hash = seed;
            var limit = Math.Min(MaxCharGram, length - start);
            for (var n = 1; n <= limit; n++)
            {
                var position = start + n - 1;
                var c = position == 0 ? '<' : position == length - 1 ? '>' : text[position - 1];
                hash = (hash ^ c) * 16777619u;
                if (n >= MinCharGram)
                {
                    sink.Add((int)(Mix(hash + (uint)n) & mask), FeatureGroup.Char, tokenIndex, tokenIndex);
                }
            }
        }
    }

    private static int CueBucket(Cue cue, int mask) => (int)(Mix(SeedCue + (uint)cue) & mask);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint HashChars(ReadOnlySpan<char> text, uint seed)
    {
        var hash = 2166136261u ^ seed;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return hash;
    }

    /// <summary>The 32-bit finalizer of MurmurHash3: spreads FNV's weak low bits over the whole word.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Mix(uint h)
    {
        h ^= h >> 16;
        h *= 0x85EBCA6B;
        h ^= h >> 13;
        h *= 0xC2B2AE35;
        h ^= h >> 16;
        return h;
    }
}
