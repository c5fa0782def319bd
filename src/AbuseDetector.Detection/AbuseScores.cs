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

/// <summary>The result of classifying one chunk: scores, flags, the evidence behind each flag and how strong the swearing is.</summary>
public sealed class Classification
{
    internal Classification(AbuseScores scores, IReadOnlyList<EvidenceSpan> evidence, ProfanityStrength profanity)
    {
        Scores = scores;
        Evidence = evidence;
        Profanity = profanity;
    }

    /// <summary>Calibrated probabilities and flags.</summary>
    public AbuseScores Scores { get; }

    /// <summary>The flagged categories.</summary>
    public AbuseFlags Flags => Scores.Flags;

    /// <summary>The spans of the original text behind each flag; empty when nothing is flagged.</summary>
    public IReadOnlyList<EvidenceSpan> Evidence { get; }

    /// <summary>
    /// How strong the speaker's own swearing is: <see cref="ProfanityStrength.None"/> unless <see cref="AbuseCategory.Swearing"/>
    /// is flagged; then the strongest swear word of the lexicon outside reported speech ("he called me a ...", "she told me
    /// to ...", "he said i was ..." up to the end of the sentence), <see cref="ProfanityStrength.Mild"/> when the lexicon
    /// knows none of the words, and <see cref="ProfanityStrength.None"/> when every swear word is reported.
    /// </summary>
    public ProfanityStrength Profanity { get; }
}
