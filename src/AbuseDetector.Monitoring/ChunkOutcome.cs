using AbuseDetector.Detection;
using AbuseDetector.Escalation;

namespace AbuseDetector.Monitoring;

/// <summary>What became of one chunk: an assessment, or the reason it could not be scored.</summary>
/// <param name="Seq">The chunk's seq.</param>
public abstract record ChunkOutcome(ulong Seq);

/// <summary>A scored chunk and what it did to the call's protocol.</summary>
/// <param name="Seq">The chunk's seq.</param>
/// <param name="Speaker">Who spoke.</param>
/// <param name="IsFinal">Whether the utterance is final.</param>
/// <param name="Classification">The classifier's scores, flags and evidence.</param>
/// <param name="Shouting">The shouting measurements.</param>
/// <param name="Step">What the chunk did to the escalation; its alerts have been raised.</param>
public sealed record ChunkAssessment(ulong Seq, CallSpeaker Speaker, bool IsFinal, Classification Classification, ShoutingMeasure Shouting, EscalationStep Step)
    : ChunkOutcome(Seq);

/// <summary>A chunk the call could not use; the call goes on.</summary>
/// <param name="Seq">The chunk's seq.</param>
/// <param name="Reason">One sentence saying what is wrong with it.</param>
public sealed record ChunkRejection(ulong Seq, string Reason) : ChunkOutcome(Seq);

/// <summary>The shouting cues of one chunk.</summary>
/// <param name="CapsRatio">Share of letters in capitals (chat shouting).</param>
/// <param name="TextLooksShouted">Mostly capitals or a burst of exclamation marks.</param>
/// <param name="LoudnessDbfs">The utterance's level, or null when the chunk came without loudness or audio.</param>
/// <param name="BaselineDbfs">The speaker's baseline; NaN while it warms up.</param>
/// <param name="ExcessDb">How far the utterance was above the baseline.</param>
/// <param name="IsLoud">This utterance alone was well above the baseline.</param>
/// <param name="IsShouting">Loud utterances have been sustained long enough to call it shouting.</param>
public readonly record struct ShoutingMeasure(
    float CapsRatio, bool TextLooksShouted, float? LoudnessDbfs, float BaselineDbfs, float ExcessDb, bool IsLoud, bool IsShouting);
