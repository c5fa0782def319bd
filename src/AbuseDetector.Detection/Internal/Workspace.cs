using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace AbuseDetector.Detection.Internal;

/// <summary>
/// Per-thread scratch buffers for normalization and scoring, grown on demand and reused, so classifying
/// a chunk allocates nothing in the steady state. Buffers grown for an unusually long text are dropped
/// afterwards so one huge input does not pin memory for the thread's lifetime.
/// </summary>
internal sealed class Workspace
{
    public static readonly int CategoryCount = AbuseCategories.All.Count;

    private const int KeepCapacity = 64 * 1024;

    [ThreadStatic]
    private static Workspace? t_current;

    public char[] Chars = new char[TextNormalizer.OutputCapacityFor(256)];
    public TokenInfo[] Tokens = new TokenInfo[TextNormalizer.TokenCapacityFor(256)];
    public int[] Sums = new int[64];
    public int[] PendingRows = new int[AccumulatingSink.BatchSize];
    // Each token's share of each flagged category's score, one row per token; only evidence needs it, so it starts empty.
    private float[] _contributions = [];

    public static Workspace Rent(int textLength)
    {
        var workspace = t_current ?? new Workspace();
        t_current = null;
        workspace.EnsureCapacity(textLength);
        return workspace;
    }

    public static void Return(Workspace workspace)
    {
        if (workspace.Chars.Length > TextNormalizer.OutputCapacityFor(KeepCapacity))
        {
            return;
        }

        t_current = workspace;
    }

    /// <summary>A contributions table for <paramref name="tokens"/> rows of <paramref name="columns"/>, grown only when evidence needs it.</summary>
    public Span<float> ContributionsFor(int tokens, int columns)
    {
        var length = checked(tokens * columns);
        if (_contributions.Length < length)
        {
            _contributions = new float[length];
        }

        return _contributions.AsSpan(0, length);
    }

    private void EnsureCapacity(int textLength)
    {
        var chars = TextNormalizer.OutputCapacityFor(textLength);
        if (Chars.Length < chars)
        {
            Chars = new char[chars];
        }

        var tokens = TextNormalizer.TokenCapacityFor(textLength);
        if (Tokens.Length < tokens)
        {
            Tokens = new TokenInfo[tokens];
        }
    }
}

/// <summary>
/// Adds each feature's int16 weights for every head of a group into per-group integer sums. Features are
/// queued and added in batches: hashing a batch first and then reading its weight rows in a tight loop
/// lets many cache misses overlap, which matters because a stream of different texts touches rows all over
/// a table larger than the caches. Buckets come from the featurizer already masked to the group's size and
/// the sums span two strides, so the unchecked reads stay inside the arrays.
/// </summary>
internal ref struct AccumulatingSink(ReadOnlySpan<short> weights, int stride, Span<int> sums, Span<int> pending) : IFeatureSink
{
    public const int BatchSize = 1024;
    private const int PrefetchDistance = 8;
    private const int CharGroupBit = 1 << 30;

    private readonly ReadOnlySpan<short> _weights = weights;
    private readonly Span<int> _sums = sums;
    private readonly Span<int> _pending = pending;
    private int _queued;

    public int WordCount;
    public int CharCount;

    public void Add(int bucket, FeatureGroup group, int firstToken, int lastToken)
    {
        if (group == FeatureGroup.Word)
        {
            WordCount++;
            _pending[_queued++] = bucket * stride;
        }
        else
        {
            CharCount++;
            _pending[_queued++] = (bucket * stride) | CharGroupBit;
        }

        if (_queued == _pending.Length)
        {
            Flush();
        }
    }

    /// <summary>Adds every queued feature's weights to the sums.</summary>
    public void Flush()
    {
        ref var weights = ref MemoryMarshal.GetReference(_weights);
        ref var sums = ref MemoryMarshal.GetReference(_sums);
        for (var i = 0; i < _queued; i++)
        {
            if (i + PrefetchDistance < _queued && Sse.IsSupported)
            {
                // Ask for a row a few features ahead, so its cache miss overlaps with this one's work. A prefetch never
                // faults, so an address made stale by the garbage collector moving the array costs nothing.
                unsafe
                {
                    Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.Add(ref weights, _pending[i + PrefetchDistance] & (CharGroupBit - 1))));
                }
            }

            var entry = _pending[i];
            ref var row = ref Unsafe.Add(ref weights, entry & (CharGroupBit - 1));
            ref var target = ref Unsafe.Add(ref sums, (entry & CharGroupBit) != 0 ? stride : 0);

            // Rows are padded to 8 heads: each chunk is one 16-byte load widened to eight int lanes.
            for (var chunk = 0; chunk < stride; chunk += 8)
            {
                var shorts = Vector128.LoadUnsafe(ref Unsafe.Add(ref row, chunk));
                var ints = Vector256.Create(Vector128.WidenLower(shorts), Vector128.WidenUpper(shorts));
                ref var lanes = ref Unsafe.Add(ref target, chunk);
                Vector256.StoreUnsafe(Vector256.LoadUnsafe(ref lanes) + ints, ref lanes);
            }
        }

        _queued = 0;
    }

    /// <summary>Adds what is still queued and turns the sums into raw (pre-calibration) scores.</summary>
    public void RawScores(HeadGroup group, scoped Span<float> raw)
    {
        Flush();
        var word = WordCount > 0 ? 1f / MathF.Sqrt(WordCount) : 0f;
        var chars = CharCount > 0 ? 1f / MathF.Sqrt(CharCount) : 0f;
        for (var h = 0; h < group.Heads.Length; h++)
        {
            raw[h] = group.Biases[h] + (group.Scales[h] * ((_sums[h] * word) + (_sums[stride + h] * chars)));
        }
    }
}

/// <summary>
/// Splits several heads' scores over the tokens that caused each feature in one pass over the features:
/// <paramref name="contributions"/> holds one row per token with one column per entry of <paramref name="heads"/>.
/// </summary>
internal ref struct AttributionSink(ReadOnlySpan<short> weights, int stride, ReadOnlySpan<int> heads, ReadOnlySpan<float> wordValues, ReadOnlySpan<float> charValues, Span<float> contributions) : IFeatureSink
{
    private readonly ReadOnlySpan<short> _weights = weights;
    private readonly ReadOnlySpan<int> _heads = heads;
    private readonly ReadOnlySpan<float> _wordValues = wordValues;
    private readonly ReadOnlySpan<float> _charValues = charValues;
    private readonly Span<float> _contributions = contributions;

    public readonly void Add(int bucket, FeatureGroup group, int firstToken, int lastToken)
    {
        if (firstToken < 0)
        {
            return;
        }

        var row = bucket * stride;
        var values = group == FeatureGroup.Word ? _wordValues : _charValues;
        var columns = _heads.Length;
        for (var i = 0; i < columns; i++)
        {
            var value = _weights[row + _heads[i]] * values[i];
            if (firstToken == lastToken)
            {
                _contributions[(firstToken * columns) + i] += value;
            }
            else
            {
                _contributions[(firstToken * columns) + i] += value / 2;
                _contributions[(lastToken * columns) + i] += value / 2;
            }
        }
    }
}
