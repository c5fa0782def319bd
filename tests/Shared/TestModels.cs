using AbuseDetector.Detection;
using AbuseDetector.Detection.Internal;

namespace AbuseDetector.Tests;

/// <summary>
/// Small models built by hand, so tests never need the shared data folder. Every model has the
/// "product" group with the six category heads, in <see cref="AbuseCategories.All"/> order unless a
/// test passes its own head order.
/// </summary>
internal static class TestModels
{
    /// <summary>The smallest hash size a model file may declare.</summary>
    public const int SmallHashBits = 8;

    public static string[] ProductHeads => [.. AbuseCategories.All.Select(c => c.ToName())];

    public static ModelParameters Model(params HeadGroup[] groups) => new()
    {
        Name = "test-model",
        TrainedAt = "2026-01-02T03:04:05Z",
        Seed = 42,
        Groups = groups,
        Tasks = [],
    };

    public static HeadGroup Group(
        string name,
        string[] heads,
        int hashBits,
        short[] weights,
        float[]? biases = null,
        float[]? scales = null,
        float[]? slopes = null,
        float[]? intercepts = null,
        float[]? thresholds = null,
        FeatureScope scope = FeatureScope.Document) => new()
        {
            Name = name,
            Scope = scope,
            HashBits = hashBits,
            Heads = heads,
            Weights = weights,
            Biases = biases ?? Filled(heads.Length, 0f),
            Scales = scales ?? Filled(heads.Length, 1f),
            CalibrationSlopes = slopes ?? Filled(heads.Length, 1f),
            CalibrationIntercepts = intercepts ?? Filled(heads.Length, 0f),
            Thresholds = thresholds ?? Filled(heads.Length, 0.5f),
        };

    public static short[] Weights(int heads, int hashBits) => new short[(long)HeadGroup.StrideFor(heads) << hashBits];

    /// <summary>All weights zero: each head's probability is σ(slope · bias + intercept), whatever the text.</summary>
    public static ModelParameters BiasOnly(float[] biases) =>
        Model(Group(AbuseClassifier.ProductGroup, ProductHeads, SmallHashBits, Weights(6, SmallHashBits), biases));

    /// <summary>Every weight the same: with a positive weight, any text with a token scores above 0.5 on every head.</summary>
    public static ModelParameters Uniform(short weight)
    {
        var weights = Weights(6, SmallHashBits);
        Array.Fill(weights, weight);
        return Model(Group(AbuseClassifier.ProductGroup, ProductHeads, SmallHashBits, weights));
    }

    /// <summary>Random weights, biases, scales and calibration: exercises every path of scoring.</summary>
    public static ModelParameters Random(int seed, int hashBits = SmallHashBits)
    {
        var random = new Random(seed);
        var weights = Weights(6, hashBits);
        random.NextBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(weights.AsSpan()));
        float[] Draw(float low, float high) => [.. Enumerable.Range(0, 6).Select(_ => low + ((high - low) * random.NextSingle()))];
        var product = Group(
            AbuseClassifier.ProductGroup,
            ProductHeads,
            hashBits,
            weights,
            biases: Draw(-2f, 2f),
            scales: Draw(0.001f, 0.05f),
            slopes: Draw(0.5f, 2f),
            intercepts: Draw(-1f, 1f),
            thresholds: Draw(0.3f, 0.7f));
        var spanWeights = Weights(1, hashBits);
        random.NextBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(spanWeights.AsSpan()));
        var span = Group(AbuseClassifier.SpanGroup, ["toxic_token"], hashBits, spanWeights, [0.1f], [0.02f], scope: FeatureScope.Token);
        return Model(product, span);
    }

    /// <summary>
    /// Each category's head gets weight +127 on every feature of its key words (as whole texts) and nothing
    /// else, so only texts with those words score high on it. A text with no key word scores σ(bias).
    /// </summary>
    public static ModelParameters Keyed(int hashBits, float bias, float scale, params (AbuseCategory Category, string Word)[] keys)
    {
        var weights = Weights(6, hashBits);
        var stride = HeadGroup.StrideFor(6);
        foreach (var (category, word) in keys)
        {
            foreach (var bucket in FeatureBuckets(word, hashBits))
            {
                weights[((long)bucket * stride) + (int)category] = 127;
            }
        }

        return Model(Group(AbuseClassifier.ProductGroup, ProductHeads, hashBits, weights, Filled(6, bias), Filled(6, scale)));
    }

    /// <summary>The hash buckets of every document feature of a text.</summary>
    public static List<int> FeatureBuckets(string text, int hashBits)
    {
        var chars = new char[TextNormalizer.OutputCapacityFor(text.Length)];
        var tokens = new TokenInfo[TextNormalizer.TokenCapacityFor(text.Length)];
        var stats = TextNormalizer.Normalize(text, chars, tokens);
        var sink = new BucketSink([]);
        Featurizer.ExtractDocument(chars, tokens.AsSpan(0, stats.TokenCount), stats, hashBits, ref sink);
        return sink.Buckets;
    }

    private static float[] Filled(int count, float value)
    {
        var values = new float[count];
        Array.Fill(values, value);
        return values;
    }

    private readonly struct BucketSink(List<int> buckets) : IFeatureSink
    {
        public List<int> Buckets { get; } = buckets;

        public void Add(int bucket, FeatureGroup group, int firstToken, int lastToken) => Buckets.Add(bucket);
    }
}
