namespace AbuseDetector.Escalation;

/// <summary>Why an alert was raised; the names in <see cref="AlertKinds.ToName(AlertKind)"/> are the plugin contract.</summary>
public enum AlertKind
{
    /// <summary>The call's escalation level went up or down.</summary>
    LevelChanged,

    /// <summary>A supervisor should listen in or take over: abuse persists, or the agent asked.</summary>
    SupervisorNeeded,

    /// <summary>A threat of violence: critical, whatever the level.</summary>
    Threat,

    /// <summary>The agent swore at or insulted the caller: for the supervisor only.</summary>
    Coaching,

    /// <summary>The caller has recent incidents on record.</summary>
    RepeatCaller,

    /// <summary>A call with abuse on it ended.</summary>
    CallEnded,

    /// <summary>An agent has taken several abusive calls in a row in this shift window.</summary>
    AgentWellbeing,

    /// <summary>A supervisor has seen the call's alerts and is following the call.</summary>
    SupervisorAcknowledged,

    /// <summary>A supervisor is joining the call to help the agent.</summary>
    SupervisorJoining,
}

/// <summary>How urgently someone should look at an alert.</summary>
public enum AlertSeverity
{
    /// <summary>For the record.</summary>
    Info,

    /// <summary>Needs attention soon.</summary>
    Warning,

    /// <summary>Needs someone now.</summary>
    Critical,
}

/// <summary>Who an alert is for: the agent's softphone, the team's supervisors, or both.</summary>
[Flags]
public enum AlertAudience
{
    /// <summary>No one (never raised).</summary>
    None = 0,

    /// <summary>The agent's softphone plugin.</summary>
    Agent = 1,

    /// <summary>The supervisors of the agent's team.</summary>
    Team = 2,

    /// <summary>Both the agent and the team.</summary>
    AgentAndTeam = Agent | Team,
}

/// <summary>Who a call is between, as the platform named them at call start.</summary>
/// <param name="TenantId">The contact centre.</param>
/// <param name="CallId">The platform's call identifier, unique within the tenant.</param>
/// <param name="AgentId">The agent on the call.</param>
/// <param name="TeamId">The agent's team (its supervisors get team alerts).</param>
/// <param name="CustomerId">The caller, or empty when unknown.</param>
/// <param name="Language">BCP 47 tag of the call's language, or empty for the default.</param>
public sealed record CallParticipants(string TenantId, string CallId, string AgentId, string TeamId, string CustomerId, string Language);

/// <summary>One alert, as published to the agent and team channels and kept in the team's history.</summary>
/// <param name="AlertId">Unique and stable across retries, so receivers can drop duplicates.</param>
/// <param name="Call">Who the call is between.</param>
/// <param name="Kind">Why it was raised.</param>
/// <param name="Audience">Whose channels carry it.</param>
/// <param name="Level">The call's escalation level after the event.</param>
/// <param name="Category">The abuse category behind it ("swearing", "threat", "shouting", ...), or empty.</param>
/// <param name="Severity">How urgent it is.</param>
/// <param name="Reason">One sentence for people, saying why.</param>
/// <param name="Evidence">Excerpts of what was said, already redacted.</param>
/// <param name="RecommendedScript">The line the agent is advised to say, or empty.</param>
/// <param name="Seq">The seq of the chunk or agent action that caused it; 0 for call-level events.</param>
/// <param name="At">When it was raised (UTC).</param>
public sealed record Alert(
    string AlertId,
    CallParticipants Call,
    AlertKind Kind,
    AlertAudience Audience,
    EscalationLevel Level,
    string Category,
    AlertSeverity Severity,
    string Reason,
    IReadOnlyList<string> Evidence,
    string RecommendedScript,
    ulong Seq,
    DateTimeOffset At)
{
    /// <summary>Gets the supervisor who answered, for supervisor_acknowledged and supervisor_joining alerts; empty otherwise.</summary>
    /// <value>The default value is an empty string.</value>
    public string Responder { get; init; } = string.Empty;
}

/// <summary>Names of the enumerations as they appear in alert JSON and on the command line.</summary>
public static class AlertKinds
{
    /// <summary>
    /// "level_changed", "supervisor_needed", "threat", "coaching", "repeat_caller", "call_ended", "agent_wellbeing",
    /// "supervisor_acknowledged", "supervisor_joining".
    /// </summary>
    public static string ToName(this AlertKind kind) => kind switch
    {
        AlertKind.LevelChanged => "level_changed",
        AlertKind.SupervisorNeeded => "supervisor_needed",
        AlertKind.Threat => "threat",
        AlertKind.Coaching => "coaching",
        AlertKind.RepeatCaller => "repeat_caller",
        AlertKind.CallEnded => "call_ended",
        AlertKind.AgentWellbeing => "agent_wellbeing",
        AlertKind.SupervisorAcknowledged => "supervisor_acknowledged",
        AlertKind.SupervisorJoining => "supervisor_joining",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown alert kind."),
    };

    /// <summary>"info", "warning", "critical".</summary>
    public static string ToName(this AlertSeverity severity) => severity switch
    {
        AlertSeverity.Info => "info",
        AlertSeverity.Warning => "warning",
        AlertSeverity.Critical => "critical",
        _ => throw new ArgumentOutOfRangeException(nameof(severity), severity, "Unknown severity."),
    };

    /// <summary>"none", "notice", "warning", "final_warning", "end_call_permitted".</summary>
    public static string ToName(this EscalationLevel level) => level switch
    {
        EscalationLevel.None => "none",
        EscalationLevel.Notice => "notice",
        EscalationLevel.Warning => "warning",
        EscalationLevel.FinalWarning => "final_warning",
        EscalationLevel.EndCallPermitted => "end_call_permitted",
        _ => throw new ArgumentOutOfRangeException(nameof(level), level, "Unknown level."),
    };
}
