using AbuseDetector.Detection;
using AbuseDetector.Escalation;

namespace AbuseDetector.Monitoring;

/// <summary>
/// What an instance saves of a live call after each event that changed it, so another instance can resume the call:
/// the protocol's state, both speakers' shouting baselines, and where the event sequence stands.
/// </summary>
public sealed record CallSnapshot
{
    /// <summary>Gets who the call is between.</summary>
    public required CallParticipants Call { get; init; }

    /// <summary>Gets the snapshot's number: each one saved for a call is higher than the one before, across instances.</summary>
    public required long Version { get; init; }

    /// <summary>Gets the highest seq of the chunks and actions included; 0 for none.</summary>
    public required ulong LastSeq { get; init; }

    /// <summary>Gets the seq of the last final chunk, under which chunks are refused as going backwards.</summary>
    public ulong? LastFinalSeq { get; init; }

    /// <summary>Gets a value indicating whether the incident notes were kept once already, at final_warning.</summary>
    public required bool IncidentKept { get; init; }

    /// <summary>Gets the protocol's state.</summary>
    public required CallEscalationState Escalation { get; init; }

    /// <summary>Gets the caller's shouting baseline.</summary>
    public required ShoutingState CustomerVoice { get; init; }

    /// <summary>Gets the agent's shouting baseline.</summary>
    public required ShoutingState AgentVoice { get; init; }

    /// <summary>Gets the latest call time handed out (a quiet call's time moves on past its last event); null for the last event's time.</summary>
    public DateTimeOffset? CallTime { get; init; }

    /// <summary>Gets a value indicating whether the platform sends utterance offsets, so call time runs on from the last one rather than on the service's clock.</summary>
    public bool PlatformTimed { get; init; }

    /// <summary>Gets a value indicating whether the call has ended, so it cannot be resumed.</summary>
    public bool IsEnded => Escalation.Outcome != IncidentOutcome.Ongoing;
}
