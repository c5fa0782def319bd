namespace AbuseDetector.Detection.Internal;

/// <summary>Which features a head group reads: those of the whole text, or those of one token in context.</summary>
internal enum FeatureScope
{
    Document = 0,
    Token = 1,
}

/// <summary>
/// Linear heads that share one hashed feature space. Weights are int16, interleaved per bucket
/// (<c>Weights[bucket * Stride + head]</c>) so one cache line holds every head's weight for a feature.
/// A head's raw score is <c>Bias + Scale * Σ_group(Σ weights / √count)</c>; its probability is
/// <c>σ(CalibrationSlope * score + CalibrationIntercept)</c>.
/// </summary>
internal sealed class HeadGroup
{
    public required string Name { get; init; }

    public required FeatureScope Scope { get; init; }

    public required int HashBits { get; init; }

    public required string[] Heads { get; init; }

    public required short[] Weights { get; init; }

    public required float[] Scales { get; init; }

    public required float[] Biases { get; init; }

    public required float[] CalibrationSlopes { get; init; }

    public required float[] CalibrationIntercepts { get; init; }

    public required float[] Thresholds { get; init; }

    /// <summary>Heads padded to a multiple of 8 so a row loads as one 64-bit word.</summary>
    public int Stride => StrideFor(Heads.Length);

    public int Buckets => 1 << HashBits;

    public static int StrideFor(int heads) => (heads + 7) & ~7;

    public int IndexOf(string head) => Array.IndexOf(Heads, head);

    public float Probability(int head, float rawScore) =>
        1f / (1f + MathF.Exp(-((CalibrationSlopes[head] * rawScore) + CalibrationIntercepts[head])));
}

/// <summary>
/// A decision over heads of one group: one head with a threshold (binary), or several heads where the
/// class is the arg-max of probability plus a per-class offset tuned on validation data (multi-class).
/// </summary>
internal sealed class DecisionTask
{
    public required string Name { get; init; }

    public required string Group { get; init; }

    public required string[] Heads { get; init; }

    public required string[] Labels { get; init; }

    public required float[] Offsets { get; init; }
}

/// <summary>Everything a trained model holds. Immutable once loaded.</summary>
internal sealed class ModelParameters
{
    public required string Name { get; init; }

    public required string TrainedAt { get; init; }

    public required int Seed { get; init; }

    public required HeadGroup[] Groups { get; init; }

    public required DecisionTask[] Tasks { get; init; }

    public Dictionary<string, string> Notes { get; init; } = [];

    public HeadGroup Group(string name) =>
        Array.Find(Groups, g => string.Equals(g.Name, name, StringComparison.Ordinal))
        ?? throw new ModelFormatException($"The model has no head group named '{name}'.");
}
