namespace AbuseDetector.Escalation;

/// <summary>What one event did to a call's escalation: the level before and after, the advice, and the alerts to publish.</summary>
/// <param name="Level">The call's level after the event.</param>
/// <param name="PreviousLevel">The call's level before the event.</param>
/// <param name="RecommendedScript">The line the agent is advised to say now, or empty.</param>
/// <param name="Reason">One sentence saying why the level changed or a line is advised, or empty when nothing happened.</param>
/// <param name="Evidence">Redacted excerpts of what caused the step; empty when nothing did.</param>
/// <param name="Alerts">The alerts to publish, in the order they were raised; empty when none.</param>
public sealed record EscalationStep(
    EscalationLevel Level,
    EscalationLevel PreviousLevel,
    string RecommendedScript,
    string Reason,
    IReadOnlyList<string> Evidence,
    IReadOnlyList<Alert> Alerts)
{
    // Most events change nothing: they share one immutable step per level instead of allocating.
    private static readonly EscalationStep[] UnchangedSteps =
    [
        Create(EscalationLevel.None),
        Create(EscalationLevel.Notice),
        Create(EscalationLevel.Warning),
        Create(EscalationLevel.FinalWarning),
        Create(EscalationLevel.EndCallPermitted),
    ];

    /// <summary>True when the event moved the level up or down.</summary>
    public bool LevelChanged => Level != PreviousLevel;

    /// <summary>A step that changed nothing and raised no alert, at the given level (a shared instance).</summary>
    public static EscalationStep Unchanged(EscalationLevel level) => UnchangedSteps[(int)level];

    private static EscalationStep Create(EscalationLevel level) => new(level, level, string.Empty, string.Empty, [], []);
}
