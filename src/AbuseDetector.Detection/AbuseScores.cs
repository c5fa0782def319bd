using System.Runtime.CompilerServices;

namespace AbuseDetector.Detection;

/// <summary>Calibrated probabilities per category and the flags they raise. A value type: scoring allocates nothing.</summary>
public readonly struct AbuseScores : IEquatable<AbuseScores>
{
    private readonly Probabilities _probabilities;

    internal AbuseScores(ReadOnlySpan<float> probabilities, AbuseFlags flags)
    {
        probabilities.CopyTo(_probabilities);
        Flags = flags;
    }

    /// <summary>The categories whose probability reached the model's threshold.</summary>
    public AbuseFlags Flags { get; }

    /// <summary>The calibrated probability (0 to 1) of a category.</summary>
    public float this[AbuseCategory category] => _probabilities[(int)category];

    /// <summary>True when the category is flagged.</summary>
    public bool IsFlagged(AbuseCategory category) => (Flags & category.ToFlag()) != 0;

    /// <inheritdoc/>
    public bool Equals(AbuseScores other) =>
        Flags == other.Flags && ((ReadOnlySpan<float>)_probabilities).SequenceEqual(other._probabilities);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is AbuseScores other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Flags, _probabilities[0], _probabilities[1], _probabilities[2], _probabilities[4]);

    /// <summary>Equality of every probability and flag.</summary>
    public static bool operator ==(AbuseScores left, AbuseScores right) => left.Equals(right);

    /// <summary>Inequality of any probability or flag.</summary>
    public static bool operator !=(AbuseScores left, AbuseScores right) => !left.Equals(right);

    [InlineArray(6)]
    private struct Probabilities
    {
        private float _element;
    }
}

/// <summary>A stretch of the original text that raised a flag, for agents and supervisors to see why.</summary>
/// <param name="Category">The category the text supports.</param>
/// <param name="Start">Offset of the first character, in UTF-16 code units of the original text.</param>
/// <param name="Length">Length in UTF-16 code units.</param>
/// <param name="Weight">How much the stretch added to the category's score (log-odds, before calibration).</param>
public readonly record struct EvidenceSpan(AbuseCategory Category, int Start, int Length, float Weight);

/// <summary>The result of classifying one chunk: scores, flags and the evidence behind each flag.</summary>
public sealed class Classification
{
    internal Classification(AbuseScores scores, IReadOnlyList<EvidenceSpan> evidence)
    {
        Scores = scores;
        Evidence = evidence;
    }

    /// <summary>Calibrated probabilities and flags.</summary>
    public AbuseScores Scores { get; }

    /// <summary>The flagged categories.</summary>
    public AbuseFlags Flags => Scores.Flags;

    /// <summary>The spans of the original text behind each flag; empty when nothing is flagged.</summary>
    public IReadOnlyList<EvidenceSpan> Evidence { get; }
}
