using AbuseDetector.Detection.Internal;

namespace AbuseDetector.Detection.Training.Learning;

/// <summary>
/// Hashed features of many rows (texts, or tokens in context), computed once and reused by every head
/// and epoch. Row r's word features are <c>Buckets[Offsets[r] .. Offsets[r] + WordCounts[r])</c>, its
/// character features follow up to <c>Offsets[r + 1]</c>; each group's value is 1/√count.
/// </summary>
internal sealed class FeatureMatrix
{
    private FeatureMatrix(int[] buckets, long[] offsets, int[] wordCounts, int mask = -1, float[]? idf = null, float[]? scale = null)
    {
        Mask = mask;
        Scale = scale;
        Idf = idf;
        WordValues = new float[wordCounts.Length];
        CharValues = new float[wordCounts.Length];
        for (var row = 0; row < wordCounts.Length; row++)
        {
            var start = offsets[row];
            var end = offsets[row + 1];
            float word = 0, chars = 0;
            for (var i = start; i < end; i++)
            {
                var weight = idf is null ? 1f : idf[buckets[i] & mask];
                if (i < start + wordCounts[row])
                {
                    word += weight * weight;
                }
                else
                {
                    chars += weight * weight;
                }
            }

            WordValues[row] = word > 0 ? 1f / MathF.Sqrt(word) : 0f;
            CharValues[row] = chars > 0 ? 1f / MathF.Sqrt(chars) : 0f;
        }
        Buckets = buckets;
        Offsets = offsets;
        WordCounts = wordCounts;
    }

    public int[] Buckets { get; }

    public long[] Offsets { get; }

    public int[] WordCounts { get; }

    public int Rows => WordCounts.Length;

    /// <summary>Applied to every bucket, so one matrix hashed at the widest size serves narrower head groups.</summary>
    public int Mask { get; }

    /// <summary>Inverse document frequency per bucket, or null for plain counts.</summary>
    public float[]? Idf { get; }

    /// <summary>Per row: the value of one word feature before IDF, 1/√(Σ idf²) over the row's word features.</summary>
    public float[] WordValues { get; }

    /// <inheritdoc cref="WordValues"/>
    public float[] CharValues { get; }

    public FeatureMatrix WithMask(int mask) => new(Buckets, Offsets, WordCounts, mask, Idf is null ? null : FoldIdf(Idf, mask));

    public FeatureMatrix WithIdf(float[] idf) => new(Buckets, Offsets, WordCounts, Mask, idf);

    /// <summary>Per-bucket factors applied after normalization (naive-Bayes log-count ratios); foldable into the weights.</summary>
    public float[]? Scale { get; }

    public FeatureMatrix WithScale(float[]? scale) => new(Buckets, Offsets, WordCounts, Mask, Idf, scale);

    /// <summary>
    /// Naive-Bayes log-count ratios of every bucket for one head, r = ln((p + α)/‖p + α‖₁ ÷ (q + α)/‖q + α‖₁),
    /// where p and q count the bucket in positive and negative rows.
    /// </summary>
    public float[] LogCountRatios(IReadOnlyList<TrainingRow> rows, int buckets, float alpha = 1f)
    {
        var positive = new float[buckets];
        var negative = new float[buckets];
        foreach (var row in rows)
        {
            var counts = row.Label >= 0.5f ? positive : negative;
            for (var i = Offsets[row.Row]; i < Offsets[row.Row + 1]; i++)
            {
                counts[Buckets[i] & Mask & (buckets - 1)] += row.Weight;
            }
        }

        double positiveTotal = alpha * (double)buckets, negativeTotal = alpha * (double)buckets;
        for (var b = 0; b < buckets; b++)
        {
            positiveTotal += positive[b];
            negativeTotal += negative[b];
        }

        var ratios = new float[buckets];
        for (var b = 0; b < buckets; b++)
        {
            ratios[b] = (float)Math.Log(((positive[b] + alpha) / positiveTotal) / ((negative[b] + alpha) / negativeTotal));
        }

        return ratios;
    }

    /// <summary>Smoothed IDF, ln((1 + n) / (1 + df)) + 1, of every bucket over the rows.</summary>
    public float[] ComputeIdf(int buckets)
    {
        var documentFrequency = new int[buckets];
        var seen = new int[buckets];
        Array.Fill(seen, -1);
        for (var row = 0; row < Rows; row++)
        {
            for (var i = Offsets[row]; i < Offsets[row + 1]; i++)
            {
                var bucket = Buckets[i] & Mask & (buckets - 1);
                if (seen[bucket] != row)
                {
                    seen[bucket] = row;
                    documentFrequency[bucket]++;
                }
            }
        }

        var idf = new float[buckets];
        for (var b = 0; b < buckets; b++)
        {
            idf[b] = MathF.Log((1f + Rows) / (1f + documentFrequency[b])) + 1f;
        }

        return idf;
    }

    private static float[] FoldIdf(float[] idf, int mask) => idf.Length == mask + 1 ? idf : idf[..(mask + 1)];

    /// <summary>The value of feature <paramref name="i"/> of <paramref name="row"/>.</summary>
    public float ValueOf(int row, long i)
    {
        var groupValue = i < Offsets[row] + WordCounts[row] ? WordValues[row] : CharValues[row];
        var value = Idf is null ? groupValue : groupValue * Idf[Buckets[i] & Mask];
        return Scale is null ? value : value * Scale[Buckets[i] & Mask];
    }

    public static FeatureMatrix ForDocuments(IReadOnlyList<string> texts, int hashBits)
    {
        var rows = new (int[] Features, int Words)[texts.Count];
        Parallel.For(0, texts.Count, i =>
        {
            var text = texts[i];
            var chars = new char[TextNormalizer.OutputCapacityFor(text.Length)];
            var tokens = new TokenInfo[TextNormalizer.TokenCapacityFor(text.Length)];
            var stats = TextNormalizer.Normalize(text, chars, tokens);
            var sink = new CollectingSink();
            Featurizer.ExtractDocument(chars, tokens.AsSpan(0, stats.TokenCount), stats, hashBits, ref sink);
            rows[i] = sink.ToRow();
        });
        return Concatenate(rows);
    }

    /// <summary>One row per token of each text, in order; <paramref name="tokenRanges"/> receives each token's original character range.</summary>
    public static FeatureMatrix ForTokens(IReadOnlyList<string> texts, int hashBits, List<(int Text, int Start, int Length)> tokenRanges)
    {
        var perText = new List<(int[] Features, int Words)>[texts.Count];
        var ranges = new List<(int, int, int)>[texts.Count];
        Parallel.For(0, texts.Count, i =>
        {
            var text = texts[i];
            var chars = new char[TextNormalizer.OutputCapacityFor(text.Length)];
            var tokens = new TokenInfo[TextNormalizer.TokenCapacityFor(text.Length)];
            var stats = TextNormalizer.Normalize(text, chars, tokens);
            var span = tokens.AsSpan(0, stats.TokenCount);
            perText[i] = new List<(int[], int)>(span.Length);
            ranges[i] = new List<(int, int, int)>(span.Length);
            for (var t = 0; t < span.Length; t++)
            {
                var sink = new CollectingSink();
                Featurizer.ExtractToken(chars, span, t, hashBits, ref sink);
                perText[i].Add(sink.ToRow());
                ranges[i].Add((i, span[t].OrigStart, span[t].OrigLength));
            }
        });
        foreach (var list in ranges)
        {
            tokenRanges.AddRange(list);
        }

        return Concatenate([.. perText.SelectMany(r => r)]);
    }

    /// <summary>Raw score of one row with float weights laid out <c>weights[bucket]</c>.</summary>
    public float Score(int row, float[] weights, float bias)
    {
        var start = Offsets[row];
        var end = Offsets[row + 1];
        var sum = 0f;
        for (var i = start; i < end; i++)
        {
            sum += weights[Buckets[i] & Mask] * ValueOf(row, i);
        }

        return bias + sum;
    }

    private static FeatureMatrix Concatenate((int[] Features, int Words)[] rows)
    {
        var offsets = new long[rows.Length + 1];
        for (var i = 0; i < rows.Length; i++)
        {
            offsets[i + 1] = offsets[i] + rows[i].Features.Length;
        }

        var buckets = new int[offsets[^1]];
        var words = new int[rows.Length];
        for (var i = 0; i < rows.Length; i++)
        {
            rows[i].Features.CopyTo(buckets, offsets[i]);
            words[i] = rows[i].Words;
        }

        return new FeatureMatrix(buckets, offsets, words);
    }

    private sealed class CollectingSinkState
    {
        public readonly List<int> Words = new(64);
        public readonly List<int> Chars = new(256);
    }

    private struct CollectingSink() : IFeatureSink
    {
        private readonly CollectingSinkState _state = new();

        public readonly void Add(int bucket, FeatureGroup group, int firstToken, int lastToken) =>
            (group == FeatureGroup.Word ? _state.Words : _state.Chars).Add(bucket);

        public readonly (int[] Features, int Words) ToRow() => ([.. _state.Words, .. _state.Chars], _state.Words.Count);
    }
}
