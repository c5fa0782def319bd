namespace AbuseDetector.Escalation;

/// <summary>What the agent reported doing, through the platform.</summary>
public enum AgentActionKind
{
    /// <summary>The agent warned the caller about their language or behaviour.</summary>
    WarningGiven,

    /// <summary>The agent asked for a supervisor to listen in or take over.</summary>
    SupervisorRequested,

    /// <summary>The agent ended the call because of the caller's behaviour.</summary>
    CallEndedByAgent,

    /// <summary>The agent put the caller on hold: the agent no longer hears the caller.</summary>
    CallerOnHold,

    /// <summary>The agent took the caller off hold.</summary>
    CallerOffHold,
}

/// <summary>Why a call ended.</summary>
public enum CallEndReason
{
    /// <summary>The call finished normally.</summary>
    Completed,

    /// <summary>The caller hung up.</summary>
    CallerHungUp,

    /// <summary>The agent ended the call.</summary>
    AgentEnded,

    /// <summary>The call went to another agent or queue.</summary>
    Transferred,

    /// <summary>The call dropped because of a fault, or its stream ended without a CallEnd.</summary>
    Dropped,
}

/// <summary>Conversions of <see cref="CallEndReason"/>.</summary>
public static class CallEndReasons
{
    /// <summary>The incident outcome a call end reason stands for.</summary>
    public static IncidentOutcome ToOutcome(this CallEndReason reason) => reason switch
    {
        CallEndReason.Completed => IncidentOutcome.Completed,
        CallEndReason.CallerHungUp => IncidentOutcome.CallerHungUp,
        CallEndReason.AgentEnded => IncidentOutcome.EndedByAgent,
        CallEndReason.Transferred => IncidentOutcome.Transferred,
        CallEndReason.Dropped => IncidentOutcome.Dropped,
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, "Unknown call end reason."),
    };
}
