namespace AbuseDetector.Escalation;

/// <summary>How a call with an incident ended.</summary>
public enum IncidentOutcome
{
    /// <summary>The call is still going.</summary>
    Ongoing,

    /// <summary>The call finished normally.</summary>
    Completed,

    /// <summary>The agent ended the call.</summary>
    EndedByAgent,

    /// <summary>The caller hung up.</summary>
    CallerHungUp,

    /// <summary>The call went to another agent or queue.</summary>
    Transferred,

    /// <summary>The call dropped because of a fault, or its stream ended without a CallEnd.</summary>
    Dropped,
}

/// <summary>One flagged utterance in an incident's timeline.</summary>
/// <param name="Seq">The chunk's seq.</param>
/// <param name="Speaker">"customer" or "agent".</param>
/// <param name="At">When the service saw it (UTC).</param>
/// <param name="OffsetMs">Where it starts in the call, in milliseconds, as the platform sent it.</param>
/// <param name="Excerpt">What was said, redacted.</param>
/// <param name="Categories">The flagged categories ("swearing", "threat", "shouting", ...).</param>
/// <param name="LevelAfter">The call's level after this utterance.</param>
public sealed record IncidentUtterance(ulong Seq, string Speaker, DateTimeOffset At, ulong OffsetMs, string Excerpt, IReadOnlyList<string> Categories, EscalationLevel LevelAfter)
{
    /// <summary>Gets the words in the excerpt that were flagged (redacted like it), for highlighting; empty when the classifier named none.</summary>
    /// <value>The default value is an empty list.</value>
    public IReadOnlyList<string> Evidence { get; init; } = [];
}

/// <summary>A warning in the protocol: recommended to the agent by the service, or reported given by the agent.</summary>
/// <param name="Seq">The seq of the chunk or agent action behind it.</param>
/// <param name="At">When (UTC).</param>
/// <param name="Level">The level the warning belongs to.</param>
/// <param name="Script">The recommended line, or the agent's note when the agent reported it.</param>
/// <param name="GivenByAgent">True when the platform reported the agent gave it (AgentAction), false for a recommendation.</param>
public sealed record IncidentWarning(ulong Seq, DateTimeOffset At, EscalationLevel Level, string Script, bool GivenByAgent);

/// <summary>A supervisor's answer to a call's alerts, from the dashboard.</summary>
/// <param name="Supervisor">The name the supervisor signed in with.</param>
/// <param name="Joining">True when the supervisor said they are joining the call, false for an acknowledgement.</param>
/// <param name="At">When (UTC).</param>
/// <param name="AlertId">The alert answered, or empty when the answer was about the call as a whole.</param>
public sealed record IncidentSupervisorResponse(string Supervisor, bool Joining, DateTimeOffset At, string AlertId);

/// <summary>The manager's notes for one call that reached final_warning or ended after abuse.</summary>
/// <param name="Call">Who the call was between.</param>
/// <param name="StartedAt">When the call started (UTC).</param>
/// <param name="EndedAt">When it ended, or the last event so far while ongoing (UTC).</param>
/// <param name="HighestLevel">The highest escalation level reached.</param>
/// <param name="Outcome">How the call ended.</param>
/// <param name="Timeline">The flagged utterances, in order.</param>
/// <param name="Warnings">Warnings recommended and given, in order.</param>
/// <param name="SupervisorAlerted">True when a supervisor_needed or threat alert went to the team.</param>
/// <param name="ThreatRaised">True when the caller made a threat of violence.</param>
public sealed record Incident(
    CallParticipants Call,
    DateTimeOffset StartedAt,
    DateTimeOffset EndedAt,
    EscalationLevel HighestLevel,
    IncidentOutcome Outcome,
    IReadOnlyList<IncidentUtterance> Timeline,
    IReadOnlyList<IncidentWarning> Warnings,
    bool SupervisorAlerted,
    bool ThreatRaised)
{
    /// <summary>Gets the supervisors' answers from the dashboard (who acknowledged or joined, and when), in order.</summary>
    /// <value>The default value is an empty list.</value>
    public IReadOnlyList<IncidentSupervisorResponse> SupervisorResponses { get; init; } = [];

    /// <summary>How long the call lasted (so far, while ongoing).</summary>
    public TimeSpan Duration => EndedAt - StartedAt;
}

/// <summary>Names of incident outcomes as they appear in incident JSON and on the pages.</summary>
public static class IncidentOutcomes
{
    /// <summary>"ongoing", "completed", "ended_by_agent", "caller_hung_up", "transferred", "dropped".</summary>
    public static string ToName(this IncidentOutcome outcome) => outcome switch
    {
        IncidentOutcome.Ongoing => "ongoing",
        IncidentOutcome.Completed => "completed",
        IncidentOutcome.EndedByAgent => "ended_by_agent",
        IncidentOutcome.CallerHungUp => "caller_hung_up",
        IncidentOutcome.Transferred => "transferred",
        IncidentOutcome.Dropped => "dropped",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "Unknown outcome."),
    };
}
