namespace AbuseDetector.Detection.Internal;

/// <summary>What the lexicons and the normalizer know about a token.</summary>
[Flags]
internal enum TokenFlags : ushort
{
    None = 0,
    Swear = 1,
    Insult = 2,
    SecondPerson = 4,
    ThreatWord = 8,
    Intent = 16,
    /// <summary>The token was rebuilt from an obfuscated spelling (leetspeak, spacing, dots, stretching).</summary>
    Obfuscated = 32,
    /// <summary>The token was rebuilt from a masked form such as "f***" or a minced one such as "effing".</summary>
    Masked = 64,
    /// <summary>A part of the body ("jaw", "neck", "face"): what threats of violence name.</summary>
    BodyPart = 128,
    /// <summary>Names or points at a person other than the speaker ("him", "somebody", "your family").</summary>
    Person = 256,
    /// <summary>A strong swear word ("fuck", "twat", "bitch"); a <see cref="Swear"/> without it is mild ("bloody", "damn").</summary>
    StrongSwear = 512,
    /// <summary>Denies what follows ("don't", "never", "nobody"): "i don't want to kill her by accident".</summary>
    Negation = 1024,
    /// <summary>Names what violence leaves or an arm ("hospital", "wheelchair", "funeral", "shotgun"): veiled threats name these, not the act.</summary>
    Harm = 2048,
}

/// <summary>A normalized token: its folded text in the output buffer and where it came from in the input.</summary>
internal struct TokenInfo
{
    public int NormStart;
    public int NormLength;
    public int OrigStart;
    public int OrigLength;
    public TokenFlags Flags;
}

/// <summary>Counts the normalizer gathers from the raw text on the way through.</summary>
internal readonly record struct NormalizationStats(int TokenCount, int Letters, int UpperLetters, int Exclamations);

/// <summary>
/// Turns raw speech-to-text or chat text into lower-case tokens, undoing the obfuscations people and speech
/// engines use (NFKC and look-alike letters, leetspeak, spaced, dotted and stretched letters, masked
/// profanity) while keeping each token's offsets in the original text for evidence spans.
/// Obfuscations are only undone when the result is a word the lexicons know, so ordinary words stay intact.
/// </summary>
internal static class TextNormalizer
{
    /// <summary>Raw tokens longer than this are cut: nothing abusive needs more, and buffers stay small.</summary>
    private const int MaxRawTokenLength = 64;

    private const int MaxSpacedLetterRun = 24;

    // Short words spelled out beside a swear: "u f u c k", "y o u c u n t", "s h u t t h e f u c k u p".
    private static readonly string[] SpelledShortWords =
    [
        "a", "i", "u", "r", "ur", "you", "ya", "ye", "your", "youre", "the", "up", "off", "me", "shut", "what",
    ];

    /// <summary>
    /// Output characters needed, at most, for an input of the given length. Includes the room for one raw token
    /// that <see cref="TokenWriter.IsFull"/> keeps free: without it a text of 8 characters or fewer ("fuck off")
    /// got no tokens at all from buffers of this size.
    /// </summary>
    public static int OutputCapacityFor(int textLength) => (textLength * 4) + 32 + MaxRawTokenLength;

    /// <summary>Tokens needed, at most, for an input of the given length.</summary>
    public static int TokenCapacityFor(int textLength) => textLength + 2;

    public static NormalizationStats Normalize(ReadOnlySpan<char> text, Span<char> output, Span<TokenInfo> tokens)
    {
        var writer = new TokenWriter(output, tokens);
        Span<char> folded = stackalloc char[MaxRawTokenLength * 4];
        Span<int> foldedOrigin = stackalloc int[MaxRawTokenLength * 4];
        int letters = 0, upper = 0, exclamations = 0;
        var position = 0;
        while (position < text.Length && !writer.IsFull)
        {
            // Fold one raw (whitespace-delimited) token, remembering each folded char's source index.
            // rawEnd is where the token's last character ends: before the separator that ends the token.
            var foldedLength = 0;
            var rawStart = -1;
            var rawEnd = position;
            while (position < text.Length)
            {
                var c = text[position];
                var width = 1;
                ReadOnlySpan<char> piece;
                if (c < 0x80)
                {
                    if (c <= ' ' || c == 0x7F)
                    {
                        piece = CharFolding.Separator;
                    }
                    else
                    {
                        if (c is >= 'A' and <= 'Z')
                        {
                            upper++;
                            letters++;
                        }
                        else if (c is >= 'a' and <= 'z')
                        {
                            letters++;
                        }
                        else if (c == '!')
                        {
                            exclamations++;
                        }

                        piece = default;
                    }
                }
                else if (char.IsHighSurrogate(c) && position + 1 < text.Length && char.IsLowSurrogate(text[position + 1]))
                {
                    piece = CharFolding.FoldAstral(c, text[position + 1]);
                    width = 2;
                }
                else if (char.IsSurrogate(c))
                {
                    piece = CharFolding.Separator;
                }
                else
                {
                    if (char.IsLetter(c))
                    {
                        letters++;
                        if (char.IsUpper(c))
                        {
                            upper++;
                        }
                    }

                    var bmp = CharFolding.FoldBmp(c);
                    if (bmp is { Length: 0 })
                    {
                        // A combining mark: NFKC and diacritic removal drop it ("fu\u0308ck" is "fück" is "fuck").
                        position++;
                        if (rawStart < 0)
                        {
                            continue;
                        }

                        rawEnd = position;
                        if (position - rawStart >= MaxRawTokenLength)
                        {
                            break;
                        }

                        continue;
                    }

                    piece = bmp;
                }

                if (piece.Length == 1 && piece[0] == ' ')
                {
                    position += width;
                    if (rawStart >= 0)
                    {
                        break;
                    }

                    continue;
                }

                if (rawStart < 0)
                {
                    rawStart = position;
                }

                if (piece.IsEmpty && width == 1)
                {
                    folded[foldedLength] = CharFolding.FoldAscii(c);
                    foldedOrigin[foldedLength++] = position;
                }
                else
                {
                    foreach (var p in piece)
                    {
                        if (foldedLength < folded.Length)
                        {
                            folded[foldedLength] = p;
                            foldedOrigin[foldedLength++] = position;
                        }
                    }
                }

                position += width;
                rawEnd = position;
                if (position - rawStart >= MaxRawTokenLength || foldedLength >= folded.Length - 8)
                {
                    break;
                }
            }

            if (foldedLength > 0)
            {
                EmitRawToken(ref writer, folded[..foldedLength], foldedOrigin[..foldedLength], rawEnd);
            }
        }

        var count = JoinSpacedLetters(ref writer);
        return new NormalizationStats(count, letters, upper, exclamations);
    }

    private static void EmitRawToken(ref TokenWriter writer, scoped ReadOnlySpan<char> raw, scoped ReadOnlySpan<int> origin, int rawEnd)
    {
        var start = 0;
        var end = raw.Length;
        while (start < end && !IsTokenStart(raw[start]))
        {
            start++;
        }

        while (end > start && !IsTokenEnd(raw[end - 1]))
        {
            end--;
        }

        if (start >= end)
        {
            // Captions mask profanity as "[ __ ]": a run of underscores, perhaps in brackets, is a masked word.
            if (IsCaptionMask(raw))
            {
                writer.Emit("xmaskedx", origin[0], LastOriginEnd(origin, raw.Length, rawEnd) - origin[0], TokenFlags.Masked);
            }

            return;
        }

        var word = raw[start..end];
        var origStart = origin[start];
        var origEnd = end < origin.Length ? LastOriginEnd(origin, end, rawEnd) : rawEnd;

        if (Lexicon.TryGetMinced(word, out var minced))
        {
            foreach (var range in minced.AsSpan().Split(' '))
            {
                writer.Emit(minced.AsSpan(range), origStart, origEnd - origStart, TokenFlags.Masked);
            }

            return;
        }

        if (word.Contains('*'))
        {
            var resolved = Lexicon.ResolveMask(word);
            if (resolved is null && word.Length >= 3 && !word.ContainsAnyExcept('*'))
            {
                resolved = "xmaskedx";
            }

            if (resolved is not null)
            {
                writer.Emit(resolved, origStart, origEnd - origStart, TokenFlags.Masked);
                return;
            }
        }

        if (word.Length <= MaxRawTokenLength && NeedsDeobfuscation(word))
        {
            Span<char> candidate = stackalloc char[word.Length];
            var length = 0;
            foreach (var c in word)
            {
                if (c is '.' or '-' or '_')
                {
                    continue;
                }

                candidate[length++] = Leet(c);
            }

            Span<char> destretched = stackalloc char[length];
            var joined = Destretch(candidate[..length], destretched);
            if (Lexicon.IsJoinable(joined) && !joined.SequenceEqual(word))
            {
                writer.Emit(joined, origStart, origEnd - origStart, TokenFlags.Obfuscated);
                return;
            }
        }

        // Ordinary path: split at anything that is not a letter, digit or inner apostrophe.
        var pieceStart = -1;
        for (var i = start; i <= end; i++)
        {
            var inWord = i < end && (char.IsLetterOrDigit(raw[i]) || (raw[i] == '\'' && pieceStart >= 0));
            if (inWord)
            {
                if (pieceStart < 0)
                {
                    pieceStart = i;
                }

                continue;
            }

            if (pieceStart >= 0)
            {
                var pieceEnd = i;
                while (pieceEnd > pieceStart && raw[pieceEnd - 1] == '\'')
                {
                    pieceEnd--;
                }

                if (pieceEnd > pieceStart)
                {
                    EmitPiece(ref writer, raw[pieceStart..pieceEnd], origin[pieceStart], LastOriginEnd(origin, pieceEnd, rawEnd));
                }

                pieceStart = -1;
            }
        }
    }

    private static void EmitPiece(ref TokenWriter writer, scoped ReadOnlySpan<char> piece, int origStart, int origEnd)
    {
        if (!piece.ContainsAnyExcept("0123456789"))
        {
            writer.Emit("#", origStart, origEnd - origStart, TokenFlags.None);
            return;
        }

        Span<char> destretched = stackalloc char[piece.Length];
        var normal = Destretch(piece, destretched);
        var flags = normal.Length != piece.Length ? TokenFlags.Obfuscated : TokenFlags.None;
        writer.Emit(normal, origStart, origEnd - origStart, flags);
    }

    /// <summary>
    /// Collapses runs of three or more equal letters to two ("soooo" → "soo"), or to one when only that
    /// spelling is a lexicon word ("fuuuuck" → "fuck"). Returns a slice of <paramref name="buffer"/> or the input.
    /// </summary>
    private static ReadOnlySpan<char> Destretch(ReadOnlySpan<char> word, Span<char> buffer)
    {
        var hasRun = false;
        for (var i = 2; i < word.Length; i++)
        {
            if (word[i] == word[i - 1] && word[i] == word[i - 2] && char.IsLetter(word[i]))
            {
                hasRun = true;
                break;
            }
        }

        if (!hasRun)
        {
            return word;
        }

        var two = CollapseRuns(word, buffer, keep: 2);
        if (Lexicon.IsJoinable(buffer[..two]))
        {
            return buffer[..two];
        }

        Span<char> single = stackalloc char[word.Length];
        var one = CollapseRuns(word, single, keep: 1);
        if (Lexicon.IsJoinable(single[..one]))
        {
            single[..one].CopyTo(buffer);
            return buffer[..one];
        }

        return buffer[..two];
    }

    /// <summary>
    /// Copies <paramref name="word"/> with every run of three or more equal letters cut to <paramref name="keep"/>.
    /// One pass: it runs for every candidate of every run of spaced letters, so "a a a a ..." must stay cheap.
    /// </summary>
    private static int CollapseRuns(ReadOnlySpan<char> word, Span<char> output, int keep)
    {
        var length = 0;
        var start = 0;
        while (start < word.Length)
        {
            var end = start + 1;
            while (end < word.Length && word[end] == word[start])
            {
                end++;
            }

            var run = end - start;
            var copies = run >= 3 && char.IsLetter(word[start]) ? keep : run;
            output.Slice(length, copies).Fill(word[start]);
            length += copies;
            start = end;
        }

        return length;
    }

    private static bool IsCaptionMask(ReadOnlySpan<char> raw)
    {
        var trimmed = raw.Trim("[]()");
        return trimmed.Length >= 2 && !trimmed.ContainsAnyExcept('_');
    }

    private static bool NeedsDeobfuscation(ReadOnlySpan<char> word)
    {
        foreach (var c in word)
        {
            if (!char.IsAsciiLetterLower(c) && c != '\'')
            {
                return true;
            }
        }

        return false;
    }

    private static char Leet(char c) => c switch
    {
        '0' => 'o',
        '1' or '!' or '|' => 'i',
        '3' => 'e',
        '4' or '@' => 'a',
        '5' or '$' => 's',
        '7' or '+' => 't',
        '8' => 'b',
        '9' => 'g',
        _ => c,
    };

    private static bool IsTokenStart(char c) => char.IsLetterOrDigit(c) || c is '@' or '$' or '*';

    private static bool IsTokenEnd(char c) => char.IsLetterOrDigit(c) || c is '*' or '$';

    private static int LastOriginEnd(ReadOnlySpan<int> origin, int end, int rawEnd)
    {
        // The folded char at end-1 came from origin[end-1]; a surrogate pair or an expansion spans further.
        var last = origin[end - 1];
        var next = end < origin.Length ? origin[end] : rawEnd;
        return next > last ? next : last + 1;
    }

    /// <summary>
    /// Joins runs of spelled-out letters when the whole run reads as words, at least one of them a swear or insult from
    /// the lexicon and the rest short words people spell with them: "f u c k" is "fuck", "y o u c u n t" is "you cunt",
    /// "s h u t t h e f u c k u p" is "shut the fuck up". A run that does not read that way is a word spelled out
    /// ("a s s e s s m e n t", "h a n c o c k", a postcode) and its letters stay as they are.
    /// </summary>
    private static int JoinSpacedLetters(ref TokenWriter writer)
    {
        var tokens = writer.Tokens;
        var count = writer.Count;
        var read = 0;
        var write = 0;
        Span<char> joined = stackalloc char[MaxSpacedLetterRun];
        Span<char> collapsed = stackalloc char[MaxSpacedLetterRun];

        // For each end position and state (1: a lexicon word among the segments so far, 0: none), where its last
        // segment starts (-1: unreachable) and the state before that segment.
        Span<int> from = stackalloc int[2 * (MaxSpacedLetterRun + 1)];
        Span<int> states = stackalloc int[2 * (MaxSpacedLetterRun + 1)];
        Span<int> ends = stackalloc int[MaxSpacedLetterRun];
        while (read < count)
        {
            var run = 0;
            while (read + run < count && run < MaxSpacedLetterRun && IsSingleLetter(ref writer, tokens[read + run])
                && (run == 0 || tokens[read + run].OrigStart - (tokens[read + run - 1].OrigStart + tokens[read + run - 1].OrigLength) <= 3))
            {
                joined[run] = writer.TextOf(tokens[read + run])[0];
                run++;
            }

            if (run < 3 || !Segment(joined[..run], collapsed, from, states))
            {
                // Not spelled words: every letter stays a token of its own.
                var keep = Math.Max(run, 1);
                for (var k = 0; k < keep; k++)
                {
                    tokens[write++] = tokens[read++];
                }

                continue;
            }

            // Walk the segmentation back from the end (with a lexicon word), then write its segments in order.
            var segments = 0;
            var (position, state) = (run, 1);
            while (position > 0)
            {
                ends[segments++] = position;
                var slot = (state * (MaxSpacedLetterRun + 1)) + position;
                (position, state) = (from[slot], states[slot]);
            }

            var segmentStart = 0;
            for (var k = segments - 1; k >= 0; k--)
            {
                var end = ends[k];
                var letters = joined[segmentStart..end];
                var word = IsJoinableSpelling(letters, collapsed, out var length) ? collapsed[..length] : letters;
                var first = tokens[read + segmentStart];
                var last = tokens[read + end - 1];
                if (!writer.TryAppendText(word, out var normStart))
                {
                    // The output is full: the letters not joined yet stay as they were.
                    for (var rest = segmentStart; rest < run; rest++)
                    {
                        tokens[write++] = tokens[read + rest];
                    }

                    break;
                }

                tokens[write++] = new TokenInfo
                {
                    NormStart = normStart,
                    NormLength = word.Length,
                    OrigStart = first.OrigStart,
                    OrigLength = last.OrigStart + last.OrigLength - first.OrigStart,
                    Flags = TokenWriter.FlagsFor(word) | TokenFlags.Obfuscated,
                };
                segmentStart = end;
            }

            read += run;
        }

        return write;
    }

    /// <summary>
    /// Splits spelled letters into words, each a lexicon swear or insult (three letters or more, stretched letters
    /// allowed: "f u u u c k") or one of <see cref="SpelledShortWords"/>, at least one of them from the lexicon. Longest
    /// segments first from the left, so "f u c k o f f" stays the one lexicon word "fuckoff".
    /// </summary>
    private static bool Segment(ReadOnlySpan<char> letters, Span<char> collapsed, Span<int> from, Span<int> states)
    {
        var width = MaxSpacedLetterRun + 1;
        from.Fill(-1);
        from[0] = 0;
        for (var i = 0; i < letters.Length; i++)
        {
            if (from[i] < 0 && from[width + i] < 0)
            {
                continue;
            }

            for (var j = letters.Length; j > i; j--)
            {
                var segment = letters[i..j];
                var lexiconWord = j - i >= 3 && IsJoinableSpelling(segment, collapsed, out _);
                if (!lexiconWord && !IsSpelledShortWord(segment))
                {
                    continue;
                }

                for (var state = 0; state < 2; state++)
                {
                    var next = lexiconWord ? 1 : state;
                    if (from[(state * width) + i] >= 0 && from[(next * width) + j] < 0)
                    {
                        from[(next * width) + j] = i;
                        states[(next * width) + j] = state;
                    }
                }
            }
        }

        return from[width + letters.Length] >= 0;
    }

    /// <summary>Whether spelled letters are a lexicon swear or insult, as written or with stretched letters cut to two or one.</summary>
    private static bool IsJoinableSpelling(ReadOnlySpan<char> letters, Span<char> collapsed, out int length)
    {
        length = CollapseRuns(letters, collapsed, keep: 2);
        if (Lexicon.IsJoinable(collapsed[..length]))
        {
            return true;
        }

        length = CollapseRuns(letters, collapsed, keep: 1);
        return Lexicon.IsJoinable(collapsed[..length]);
    }

    private static bool IsSpelledShortWord(ReadOnlySpan<char> letters)
    {
        foreach (var word in SpelledShortWords)
        {
            if (letters.SequenceEqual(word))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsSingleLetter(ref TokenWriter writer, TokenInfo token) =>
        token.NormLength == 1 && char.IsLetter(writer.TextOf(token)[0]);

    private ref struct TokenWriter(Span<char> output, Span<TokenInfo> tokens)
    {
        private readonly Span<char> _output = output;
        private int _outputLength;

        public readonly Span<TokenInfo> Tokens = tokens;

        public int Count { get; private set; }

        public readonly bool IsFull => Count >= Tokens.Length || _outputLength >= _output.Length - MaxRawTokenLength;

        public readonly ReadOnlySpan<char> TextOf(TokenInfo token) => _output.Slice(token.NormStart, token.NormLength);

        public bool TryAppendText(scoped ReadOnlySpan<char> text, out int start)
        {
            start = _outputLength;
            if (_outputLength + text.Length > _output.Length)
            {
                return false;
            }

            text.CopyTo(_output[_outputLength..]);
            _outputLength += text.Length;
            return true;
        }

        public void Emit(scoped ReadOnlySpan<char> text, int origStart, int origLength, TokenFlags flags)
        {
            if (Count >= Tokens.Length || !TryAppendText(text, out var start))
            {
                return;
            }

            Tokens[Count++] = new TokenInfo
            {
                NormStart = start,
                NormLength = text.Length,
                OrigStart = origStart,
                OrigLength = origLength,
                Flags = flags | FlagsFor(text),
            };
        }

        public static TokenFlags FlagsFor(ReadOnlySpan<char> text) => Lexicon.FlagsOf(text);
    }
}
