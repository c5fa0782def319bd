using System.ComponentModel.DataAnnotations;

namespace AbuseDetector.Escalation;

/// <summary>
/// Thresholds, weights and timings of the de-escalation protocol, and the tenants' script lines. Bound from the
/// <c>AbuseDetector:Escalation</c> configuration section and validated with data annotations at start.
/// </summary>
public sealed class EscalationOptions : IValidatableObject
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "AbuseDetector:Escalation";

    /// <summary>
    /// Strikes a final customer utterance of abuse aimed at the agent adds: flagged directed (an insult of the agent,
    /// "fuck you"), hate, or a threat under <see cref="ThreatMinProbability"/>. An insult of someone who is not on the call
    /// ("my neighbour is an idiot") is not aimed at the agent and adds nothing.
    /// </summary>
    /// <value>The default value is 1.0.</value>
    [Range(0.0, 10.0, ErrorMessage = "DirectedAbuseWeight must be between 0 and 10.")]
    public double DirectedAbuseWeight { get; set; } = 1.0;

    /// <summary>
    /// Strikes a final customer utterance with strong profanity of the caller's own adds, aimed at the agent or not
    /// ("fuck this printer"): the caller may not realise they are swearing, and the protocol's first line tells them.
    /// Swear words in reported speech ("he called me a ...") are not the caller's own. An utterance that is also aimed
    /// at the agent counts the larger of this and <see cref="DirectedAbuseWeight"/>.
    /// </summary>
    /// <value>The default value is 1.0.</value>
    [Range(0.0, 10.0, ErrorMessage = "StrongProfanityWeight must be between 0 and 10.")]
    public double StrongProfanityWeight { get; set; } = 1.0;

    /// <summary>
    /// Strikes a final customer utterance with only mild profanity of the caller's own adds ("this bloody printer",
    /// "damn"). Venting and praise in mild words are ordinary speech, so by default they count nothing.
    /// </summary>
    /// <value>The default value is 0.</value>
    [Range(0.0, 10.0, ErrorMessage = "MildProfanityWeight must be between 0 and 10.")]
    public double MildProfanityWeight { get; set; }

    /// <summary>Strikes a final customer utterance adds when the caller is shouting (sustained loudness above their baseline).</summary>
    /// <value>The default value is 1.0.</value>
    [Range(0.0, 10.0, ErrorMessage = "ShoutingWeight must be between 0 and 10.")]
    public double ShoutingWeight { get; set; } = 1.0;

    /// <summary>Strikes that move the call up one level.</summary>
    /// <value>The default value is 1.0.</value>
    [Range(0.1, 100.0, ErrorMessage = "StrikesPerLevel must be between 0.1 and 100.")]
    public double StrikesPerLevel { get; set; } = 1.0;

    /// <summary>
    /// The most levels one utterance can move the call up (threats aside), so each line of the protocol gets
    /// said before the next. After the call calmed down and the level decayed, one utterance moves one level whatever this says.
    /// </summary>
    /// <value>The default value is 1.</value>
    [Range(1, 4, ErrorMessage = "MaxStepsPerUtterance must be between 1 and 4.")]
    public int MaxStepsPerUtterance { get; set; } = 1;

    /// <summary>
    /// How sure the model must be of a threat for the protocol to treat it as one (a critical alert and the jump to
    /// <see cref="ThreatLevel"/>). The classifier's own threshold is chosen for the flag; a false critical alert pulls a
    /// supervisor in for nothing, so the protocol asks for more. A chunk flagged as a threat below this counts as abuse
    /// aimed at the agent (<see cref="DirectedAbuseWeight"/>). Chosen when 0.7 kept at most one critical alert in 40 false
    /// on our call-domain validation lines for every model then retrained. With the model of the third data round it
    /// keeps 88 % of threats at 96.9 % precision (the classifier's threshold, 0.56: 91 % at 96.1 %); most of the false
    /// ones are quoted threats scoring 0.77 to 0.99, so a higher bar does not remove them (0.75: 86 % at 96.9 %).
    /// </summary>
    /// <value>The default value is 0.7.</value>
    [Range(0.0, 1.0, ErrorMessage = "ThreatMinProbability must be between 0 and 1.")]
    public double ThreatMinProbability { get; set; } = 0.7;

    /// <summary>The level a threat of violence by the caller moves the call to at once (never down).</summary>
    /// <value>The default value is <see cref="EscalationLevel.EndCallPermitted"/>.</value>
    public EscalationLevel ThreatLevel { get; set; } = EscalationLevel.EndCallPermitted;

    /// <summary>
    /// The level at which the team's supervisors are first told (supervisor_needed, warning). They are told
    /// again, critically, when the call first reaches <see cref="EscalationLevel.EndCallPermitted"/>.
    /// </summary>
    /// <value>The default value is <see cref="EscalationLevel.FinalWarning"/>.</value>
    public EscalationLevel SupervisorAtLevel { get; set; } = EscalationLevel.FinalWarning;

    /// <summary>
    /// How long the caller must go without a strike for the level to drop one step; it drops a further step
    /// for each further period. Measured on the events' times. <see cref="CalmUtterances"/> may drop it sooner.
    /// </summary>
    /// <value>The default value is 60 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:05", "01:00:00", ParseLimitsInInvariantCulture = true, ErrorMessage = "CalmPeriod must be between 5 seconds and 1 hour.")]
    public TimeSpan CalmPeriod { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How many calm final customer utterances in a row (each adding no strike) drop the level one step, when they come
    /// before <see cref="CalmPeriod"/> has passed. Any strike starts the count again, and so does every drop, whichever
    /// way it came.
    /// </summary>
    /// <value>The default value is 3.</value>
    [Range(1, 100, ErrorMessage = "CalmUtterances must be between 1 and 100.")]
    public int CalmUtterances { get; set; } = 3;

    /// <summary>
    /// When true, the call moves from warning to final_warning, and from final_warning to end_call_permitted,
    /// only after the agent reported giving a warning (WarningGiven) at the current level; until then the
    /// current line is advised again.
    /// </summary>
    /// <value>The default value is false.</value>
    public bool RequireAgentWarningBeforeFinalSteps { get; set; }

    /// <summary>
    /// The shortest time between two coaching alerts on one call, so one abusive agent does not flood the supervisors.
    /// Coaching is raised when the agent abuses the caller (directed abuse, insults of the caller, threats, hate), never
    /// for the agent's own swearing that is not aimed at the caller.
    /// </summary>
    /// <value>The default value is 30 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00", ParseLimitsInInvariantCulture = true, ErrorMessage = "CoachingCooldown must be between 0 and 1 hour.")]
    public TimeSpan CoachingCooldown { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>When true, runs of four or more digits (card, phone numbers) are masked in evidence, timelines and notes.</summary>
    /// <value>The default value is true.</value>
    public bool RedactDigits { get; set; } = true;

    /// <summary>The longest excerpt of a chunk's text kept as evidence when the classifier gave no spans, in characters.</summary>
    /// <value>The default value is 120.</value>
    [Range(10, 10_000, ErrorMessage = "MaxExcerptLength must be between 10 and 10000 characters.")]
    public int MaxExcerptLength { get; set; } = 120;

    /// <summary>The most utterances an incident timeline keeps; later ones are counted in the level but not listed.</summary>
    /// <value>The default value is 200.</value>
    [Range(1, 10_000, ErrorMessage = "MaxIncidentUtterances must be between 1 and 10000.")]
    public int MaxIncidentUtterances { get; set; } = 200;

    /// <summary>
    /// Script lines per tenant and language, keyed <c>"{tenant}/{language}"</c> (tenant <c>*</c> for all tenants),
    /// for example <c>Scripts:acme/en-GB:Notice</c>; see <see cref="ScriptBook"/> for the fallback order.
    /// Build one <see cref="ScriptBook"/> from them at start and share it.
    /// </summary>
    /// <value>The default value is empty: our English lines for everyone.</value>
    public Dictionary<string, ScriptSet> Scripts { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Enum.IsDefined(ThreatLevel) || ThreatLevel == EscalationLevel.None)
        {
            yield return new ValidationResult("ThreatLevel must be notice, warning, final_warning or end_call_permitted.", [nameof(ThreatLevel)]);
        }

        if (!Enum.IsDefined(SupervisorAtLevel) || SupervisorAtLevel == EscalationLevel.None)
        {
            yield return new ValidationResult("SupervisorAtLevel must be notice, warning, final_warning or end_call_permitted.", [nameof(SupervisorAtLevel)]);
        }

        if (DirectedAbuseWeight <= 0 && StrongProfanityWeight <= 0 && MildProfanityWeight <= 0 && ShoutingWeight <= 0)
        {
            yield return new ValidationResult("At least one of DirectedAbuseWeight, StrongProfanityWeight, MildProfanityWeight and ShoutingWeight must be above 0, or no call would ever escalate.", [nameof(DirectedAbuseWeight)]);
        }

        foreach (var key in Scripts.Keys)
        {
            if (!ScriptBook.IsValidKey(key))
            {
                yield return new ValidationResult($"Scripts key '{key}' is not of the form \"tenant/language\" (tenant '*' for all tenants).", [nameof(Scripts)]);
            }
        }
    }
}
