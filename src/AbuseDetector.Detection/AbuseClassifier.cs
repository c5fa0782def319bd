using AbuseDetector.Detection.Internal;

namespace AbuseDetector.Detection;

/// <summary>
/// Scores text for swearing, insults, threats, hate, abuse overall and whether the abuse is aimed at the
/// person spoken to. Immutable and thread-safe once loaded; one instance serves the whole process.
/// </summary>
public sealed partial class AbuseClassifier
{
    /// <summary>The head group every chunk is scored with.</summary>
    internal const string ProductGroup = "product";

    /// <summary>The token-level head group that marks toxic spans.</summary>
    internal const string SpanGroup = "span";

    private readonly HeadGroup _product;
    private readonly HeadGroup? _span;
    private readonly int[] _headOfCategory;

    internal AbuseClassifier(ModelParameters parameters)
    {
        foreach (var group in parameters.Groups)
        {
            if (group.Weights.Length != (long)group.Stride * group.Buckets)
            {
                throw new ModelFormatException($"Head group '{group.Name}' has {group.Weights.Length} weights; {group.Stride * group.Buckets} expected.");
            }
        }

        // Build the character folding table now, so the first transcript with an accent is not the slow one.
        CharFolding.Prepare();
        Parameters = parameters;
        _product = parameters.Group(ProductGroup);
        _span = Array.Find(parameters.Groups, g => string.Equals(g.Name, SpanGroup, StringComparison.Ordinal));
        _headOfCategory = new int[AbuseCategories.All.Count];
        foreach (var category in AbuseCategories.All)
        {
            var head = _product.IndexOf(category.ToName());
            if (head < 0)
            {
                throw new ModelFormatException($"The model has no '{category.ToName()}' head.");
            }

            _headOfCategory[(int)category] = head;
        }
    }

    internal ModelParameters Parameters { get; }

    /// <summary>The model's name, as given when it was trained.</summary>
    public string ModelName => Parameters.Name;

    /// <summary>When the model was trained (ISO 8601, UTC).</summary>
    public string TrainedAt => Parameters.TrainedAt;

    /// <summary>Loads a model file; throws <see cref="ModelFormatException"/> with a clear sentence when it is unusable.</summary>
    public static AbuseClassifier Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return new AbuseClassifier(ModelFile.Load(path));
    }

    /// <summary>Loads a model from bytes already in memory.</summary>
    public static AbuseClassifier Load(ReadOnlySpan<byte> modelBytes, string sourceName = "model")
        => new(ModelFile.Read(modelBytes, sourceName));

    /// <summary>The probability at which a category is flagged, chosen on validation data when the model was trained.</summary>
    public float ThresholdOf(AbuseCategory category) => _product.Thresholds[_headOfCategory[(int)category]];

    /// <summary>Scores a chunk. Allocates nothing.</summary>
    public AbuseScores Score(ReadOnlySpan<char> text)
    {
        var workspace = Workspace.Rent(text.Length);
        try
        {
            var normalized = Normalize(text, workspace, out var tokenCount, out var stats);
            Span<float> raw = stackalloc float[HeadGroup.StrideFor(_product.Heads.Length)];
            var tokens = workspace.Tokens.AsSpan(0, tokenCount);
            ScoreDocument(_product, normalized, tokens, stats, workspace, raw);
            return ToScores(raw, tokens);
        }
        finally
        {
            Workspace.Return(workspace);
        }
    }

    /// <summary>
    /// Scores a chunk, finds the spans of text behind each flagged category, and grades the speaker's own swearing
    /// (<see cref="Classification.Profanity"/>).
    /// </summary>
    public Classification Classify(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var workspace = Workspace.Rent(text.Length);
        try
        {
            var normalized = Normalize(text, workspace, out var tokenCount, out var stats);
            var tokens = workspace.Tokens.AsSpan(0, tokenCount);
            Span<float> raw = stackalloc float[HeadGroup.StrideFor(_product.Heads.Length)];
            var counts = ScoreDocument(_product, normalized, tokens, stats, workspace, raw);
            var scores = ToScores(raw, tokens);
            if (scores.Flags == AbuseFlags.None)
            {
                return new Classification(scores, [], ProfanityStrength.None);
            }

            var evidence = FindEvidence(scores, normalized, tokens, stats, counts, workspace);

            var profanity = ProfanityGrader.Grade(scores.IsFlagged(AbuseCategory.Swearing), text, normalized, tokens);
            return new Classification(scores, evidence, profanity);
        }
        finally
        {
            Workspace.Return(workspace);
        }
    }

    /// <summary>Raw (pre-calibration) scores of every head of a group, for evaluation tasks.</summary>
    internal void ScoreGroup(HeadGroup group, ReadOnlySpan<char> text, Span<float> raw)
    {
        var workspace = Workspace.Rent(text.Length);
        try
        {
            var normalized = Normalize(text, workspace, out var tokenCount, out var stats);
            ScoreDocument(group, normalized, workspace.Tokens.AsSpan(0, tokenCount), stats, workspace, raw);
        }
        finally
        {
            Workspace.Return(workspace);
        }
    }

    /// <summary>
    /// Character ranges of the tokens the span head marks as toxic. Neighbouring toxic tokens separated only
    /// by white space become one range, as annotators mark phrases ("stupid idiot") whole.
    /// </summary>
    internal List<(int Start, int Length)> PredictToxicSpans(string text, float? threshold = null)
    {
        var spans = new List<(int Start, int Length)>();
        if (_span is null)
        {
            return spans;
        }

        var workspace = Workspace.Rent(text.Length);
        try
        {
            var normalized = Normalize(text, workspace, out var tokenCount, out _);
            var tokens = workspace.Tokens.AsSpan(0, tokenCount);
            var cut = threshold ?? _span.Thresholds[0];
            Span<float> raw = stackalloc float[HeadGroup.StrideFor(_span.Heads.Length)];
            for (var i = 0; i < tokens.Length; i++)
            {
                Array.Clear(workspace.Sums);
                var sink = new AccumulatingSink(_span.Weights, _span.Stride, workspace.Sums, workspace.PendingRows);
                Featurizer.ExtractToken(normalized, tokens, i, _span.HashBits, ref sink);
                sink.RawScores(_span, raw);
                if (_span.Probability(0, raw[0]) < cut)
                {
                    continue;
                }

                var (start, length) = (tokens[i].OrigStart, tokens[i].OrigLength);
                if (spans.Count > 0 && i > 0 && spans[^1].Start + spans[^1].Length == tokens[i - 1].OrigStart + tokens[i - 1].OrigLength
                    && text.AsSpan(tokens[i - 1].OrigStart + tokens[i - 1].OrigLength, start - (tokens[i - 1].OrigStart + tokens[i - 1].OrigLength)).IsWhiteSpace())
                {
                    var previous = spans[^1];
                    spans[^1] = (previous.Start, start + length - previous.Start);
                }
                else
                {
                    spans.Add((start, length));
                }
            }
        }
        finally
        {
            Workspace.Return(workspace);
        }

        return spans;
    }

    private static ReadOnlySpan<char> Normalize(ReadOnlySpan<char> text, Workspace workspace, out int tokenCount, out NormalizationStats stats)
    {
        stats = TextNormalizer.Normalize(text, workspace.Chars, workspace.Tokens);
        tokenCount = stats.TokenCount;
        return workspace.Chars;
    }

    /// <summary>Scores a document and returns how many word and character features it had.</summary>
    private static (int Words, int Chars) ScoreDocument(HeadGroup group, ReadOnlySpan<char> normalized, ReadOnlySpan<TokenInfo> tokens, NormalizationStats stats, Workspace workspace, Span<float> raw)
    {
        Array.Clear(workspace.Sums, 0, group.Stride * 2);
        var sink = new AccumulatingSink(group.Weights, group.Stride, workspace.Sums, workspace.PendingRows);
        Featurizer.ExtractDocument(normalized, tokens, stats, group.HashBits, ref sink);
        sink.RawScores(group, raw);
        return (sink.WordCount, sink.CharCount);
    }

    private AbuseScores ToScores(ReadOnlySpan<float> raw, ReadOnlySpan<TokenInfo> tokens)
    {
        Span<float> probabilities = stackalloc float[AbuseCategories.All.Count];
        var flags = AbuseFlags.None;
        for (var c = 0; c < probabilities.Length; c++)
        {
            var head = _headOfCategory[c];
            var p = _product.Probability(head, raw[head]);
            probabilities[c] = p;
            if (p >= _product.Thresholds[head])
            {
                flags |= (AbuseFlags)(1 << c);
            }
        }

        // Abuse is swearing at someone, an insult, a threat or hate: "abusive" with none of them flagged ("nobody will tell
        // me why") is the broad head guessing where the sharper ones see nothing.
        if ((flags & (AbuseFlags.Swearing | AbuseFlags.Insult | AbuseFlags.Threat | AbuseFlags.Hate)) == 0)
        {
            flags &= ~AbuseFlags.Abusive;
        }

        // An insult said to "you" is aimed at the listener, even where the directed head, tuned for precision, is unsure.
        if ((flags & AbuseFlags.Insult) != 0 && AddressesListener(tokens))
        {
            flags |= AbuseFlags.Abusive | AbuseFlags.Directed;
        }

        // "Directed" qualifies abuse; without abuse there is nothing to direct.
        if ((flags & (AbuseFlags.Abusive | AbuseFlags.Insult | AbuseFlags.Threat | AbuseFlags.Hate)) == 0)
        {
            flags &= ~AbuseFlags.Directed;
        }

        return new AbuseScores(probabilities, flags);
    }

    private static bool AddressesListener(ReadOnlySpan<TokenInfo> tokens)
    {
        foreach (var token in tokens)
        {
            if ((token.Flags & TokenFlags.SecondPerson) != 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The spans behind each flagged category, found in one pass over the features for all of them.</summary>
    private List<EvidenceSpan> FindEvidence(AbuseScores scores, ReadOnlySpan<char> normalized, ReadOnlySpan<TokenInfo> tokens, NormalizationStats stats, (int Words, int Chars) counts, Workspace workspace)
    {
        Span<int> heads = stackalloc int[Workspace.CategoryCount];
        Span<float> wordValues = stackalloc float[Workspace.CategoryCount];
        Span<float> charValues = stackalloc float[Workspace.CategoryCount];
        Span<AbuseCategory> flagged = stackalloc AbuseCategory[Workspace.CategoryCount];
        var columns = 0;
        foreach (var category in AbuseCategories.All)
        {
            if (scores.IsFlagged(category))
            {
                var head = _headOfCategory[(int)category];
                var scale = _product.Scales[head];
                flagged[columns] = category;
                heads[columns] = head;
                wordValues[columns] = counts.Words > 0 ? scale / MathF.Sqrt(counts.Words) : 0f;
                charValues[columns] = counts.Chars > 0 ? scale / MathF.Sqrt(counts.Chars) : 0f;
                columns++;
            }
        }

        var table = workspace.ContributionsFor(tokens.Length, columns);
        table.Clear();
        var sink = new AttributionSink(_product.Weights, _product.Stride, heads[..columns], wordValues[..columns], charValues[..columns], table);
        Featurizer.ExtractDocument(normalized, tokens, stats, _product.HashBits, ref sink);

        var evidence = new List<EvidenceSpan>();
        for (var c = 0; c < columns; c++)
        {
            AddSpans(flagged[c], tokens, table, columns, c, evidence);
        }

        return evidence;
    }

    /// <summary>
    /// Tokens that pushed a category's score up by a good share of the strongest one (its column of
    /// <paramref name="table"/>); neighbours merge into one span.
    /// </summary>
    private static void AddSpans(AbuseCategory category, ReadOnlySpan<TokenInfo> tokens, ReadOnlySpan<float> table, int columns, int column, List<EvidenceSpan> evidence)
    {
        var strongest = 0f;
        for (var t = 0; t < tokens.Length; t++)
        {
            strongest = Math.Max(strongest, table[(t * columns) + column]);
        }

        var cut = Math.Max(strongest * 0.4f, 0.05f);
        var i = 0;
        while (i < tokens.Length)
        {
            if (table[(i * columns) + column] < cut)
            {
                i++;
                continue;
            }

            var first = i;
            var weight = 0f;
            while (i < tokens.Length && table[(i * columns) + column] >= cut)
            {
                weight += table[(i * columns) + column];
                i++;
            }

            var start = tokens[first].OrigStart;
            var end = tokens[i - 1].OrigStart + tokens[i - 1].OrigLength;
            evidence.Add(new EvidenceSpan(category, start, end - start, weight));
        }
    }
}
