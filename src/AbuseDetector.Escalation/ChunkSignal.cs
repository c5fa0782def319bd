using AbuseDetector.Detection;

namespace AbuseDetector.Escalation;

/// <summary>Who spoke a transcript chunk.</summary>
public enum CallSpeaker
{
    /// <summary>The caller.</summary>
    Customer,

    /// <summary>The customer-service agent.</summary>
    Agent,
}

/// <summary>
/// What the escalation engine needs to know about one transcript chunk: who said it, whether the speech
/// engine has settled on it, and what the classifier and the shouting detector made of it. The service
/// maps each classified chunk to one of these.
/// </summary>
/// <param name="Seq">The chunk's seq, shared with agent actions on the call.</param>
/// <param name="Speaker">Who spoke.</param>
/// <param name="IsFinal">False for a partial hypothesis, which may still change; only final chunks count strikes.</param>
/// <param name="At">When the service saw the chunk; all escalation timing is measured on these times.</param>
/// <param name="OffsetMs">Where the utterance starts in the call, in milliseconds, as the platform sent it (start_ms).</param>
/// <param name="Text">The words, not yet redacted.</param>
/// <param name="Flags">The categories the protocol acts on (<see cref="ProtocolFlags"/>).</param>
/// <param name="IsShouting">True when the speaker's loudness has stayed well above their own baseline.</param>
/// <param name="Evidence">
/// The classifier's spans of <paramref name="Text"/> behind the flags; empty or null when it gave none. Spans that fall
/// outside the text are clipped or skipped, so a stale offset never throws.
/// </param>
/// <param name="Profanity">
/// How strong the speaker's own swearing is (<see cref="Classification.Profanity"/>): strong swearing counts
/// <see cref="EscalationOptions.StrongProfanityWeight"/> even when it is not aimed at the agent, mild swearing
/// <see cref="EscalationOptions.MildProfanityWeight"/>. <see cref="AbuseFlags.Swearing"/> alone counts nothing.
/// </param>
public readonly record struct ChunkSignal(
    ulong Seq,
    CallSpeaker Speaker,
    bool IsFinal,
    DateTimeOffset At,
    ulong OffsetMs,
    string Text,
    AbuseFlags Flags,
    bool IsShouting = false,
    IReadOnlyList<EvidenceSpan>? Evidence = null,
    ProfanityStrength Profanity = ProfanityStrength.None)
{
    /// <summary>True when the chunk carries anything the escalation engine acts on.</summary>
    public bool HasSignal => Flags != AbuseFlags.None || IsShouting;

    /// <summary>
    /// The flags the protocol acts on: the classifier's, except that a threat whose probability is below
    /// <paramref name="threatMinProbability"/> (see <see cref="EscalationOptions.ThreatMinProbability"/>) counts as abuse
    /// aimed at the agent (<see cref="AbuseFlags.Directed"/>) instead: a full strike without the critical path, never nothing.
    /// </summary>
    /// <param name="scores">The classifier's scores for the chunk.</param>
    /// <param name="threatMinProbability">How sure the model must be of a threat.</param>
    /// <returns>The flags for <see cref="Flags"/>.</returns>
    public static AbuseFlags ProtocolFlags(AbuseScores scores, double threatMinProbability) =>
        scores.IsFlagged(AbuseCategory.Threat) && scores[AbuseCategory.Threat] < threatMinProbability
            ? (scores.Flags & ~AbuseFlags.Threat) | AbuseFlags.Directed
            : scores.Flags;
}
