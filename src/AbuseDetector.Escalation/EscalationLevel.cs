namespace AbuseDetector.Escalation;

/// <summary>How far the de-escalation protocol has gone on a call; each level unlocks the next script line.</summary>
public enum EscalationLevel
{
    /// <summary>Nothing to act on.</summary>
    None = 0,

    /// <summary>First abusive signal: the agent makes the caller aware of their behaviour.</summary>
    Notice = 1,

    /// <summary>It went on: the agent asks, assertively, for it to stop.</summary>
    Warning = 2,

    /// <summary>It went on after the request: the agent states the consequence, repeatedly.</summary>
    FinalWarning = 3,

    /// <summary>It went on after the consequence was stated: the agent may end the call; the supervisor is told.</summary>
    EndCallPermitted = 4,
}
