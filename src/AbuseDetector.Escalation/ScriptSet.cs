namespace AbuseDetector.Escalation;

/// <summary>
/// The agent's script lines for one tenant and language. Any line or phrase left empty falls back along the
/// chain described on <see cref="ScriptBook"/>, so a tenant can override a single line.
/// </summary>
/// <remarks>
/// Lines may contain <c>{behaviour}</c>, replaced by the phrase for the behaviour behind the step
/// (see <see cref="Behaviours"/>).
/// </remarks>
public sealed class ScriptSet
{
    /// <summary>The placeholder in a line that is replaced by the behaviour phrase.</summary>
    public const string BehaviourPlaceholder = "{behaviour}";

    /// <summary>The line at <see cref="EscalationLevel.Notice"/>: make the caller aware.</summary>
    /// <value>The default value is null (fall back).</value>
    public string? Notice { get; set; }

    /// <summary>The line at <see cref="EscalationLevel.Warning"/>: an assertive request to stop.</summary>
    /// <value>The default value is null (fall back).</value>
    public string? Warning { get; set; }

    /// <summary>The line at <see cref="EscalationLevel.FinalWarning"/>: the consequence, to be repeated.</summary>
    /// <value>The default value is null (fall back).</value>
    public string? FinalWarning { get; set; }

    /// <summary>The line at <see cref="EscalationLevel.EndCallPermitted"/>: closing the call.</summary>
    /// <value>The default value is null (fall back).</value>
    public string? EndCallPermitted { get; set; }

    /// <summary>
    /// Phrases for <c>{behaviour}</c>, keyed by behaviour: "shouting", "swearing", "insult", "abuse", "hate",
    /// "threat" (case-insensitive). For example <c>"swearing": "using that language"</c>.
    /// </summary>
    /// <value>The default value is empty (fall back).</value>
    public Dictionary<string, string> Behaviours { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The line of a level, or null when none is set (<see cref="EscalationLevel.None"/> has none).</summary>
    public string? LineFor(EscalationLevel level) => level switch
    {
        EscalationLevel.Notice => Notice,
        EscalationLevel.Warning => Warning,
        EscalationLevel.FinalWarning => FinalWarning,
        EscalationLevel.EndCallPermitted => EndCallPermitted,
        _ => null,
    };
}
