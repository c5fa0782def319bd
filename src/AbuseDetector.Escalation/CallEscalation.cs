using AbuseDetector.Escalation.Internal;

namespace AbuseDetector.Escalation;

/// <summary>
/// The de-escalation protocol of one call: a state machine over the caller's flagged utterances and the agent's
/// actions, moving through none, notice, warning, final_warning and end_call_permitted, advising a script line at
/// each step and raising alerts for the agent and the team. Pure logic: time comes in with each event.
/// One instance per call; not thread-safe.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Only final customer utterances add strikes: abuse aimed at the agent (directed, hate, a threat under the critical
/// bar) <see cref="EscalationOptions.DirectedAbuseWeight"/>; the caller's own profanity, aimed or not,
/// <see cref="EscalationOptions.StrongProfanityWeight"/> or <see cref="EscalationOptions.MildProfanityWeight"/>, the larger
/// weight counting when an utterance is both; shouting <see cref="EscalationOptions.ShoutingWeight"/> on top. Insults of
/// people not on the call add nothing. Every <see cref="EscalationOptions.StrikesPerLevel"/> strikes move the call one level up
/// (at most <see cref="EscalationOptions.MaxStepsPerUtterance"/> per utterance).</item>
/// <item>A threat of violence raises a critical threat alert for the agent and the team at once, even in a partial
/// transcript, and moves the call to <see cref="EscalationOptions.ThreatLevel"/> when its utterance is final; the final
/// chunk of an utterance whose partial already raised the alert raises no second one.</item>
/// <item>With no strike for <see cref="EscalationOptions.CalmPeriod"/>, or after <see cref="EscalationOptions.CalmUtterances"/>
/// calm final customer utterances in a row, whichever comes first, the level drops one step (and one more per further
/// period or run); the next strike after a drop moves the call one level only.</item>
/// <item>While the caller is on hold the agent does not hear them: their utterances are recorded but add no strikes
/// (threats still alert).</item>
/// <item>The team is told (supervisor_needed) when the call first reaches <see cref="EscalationOptions.SupervisorAtLevel"/>,
/// critically when it first reaches end_call_permitted, and whenever the agent asks; a threat alert already tells them.</item>
/// <item>An agent who abuses the caller (directed abuse, hate, a threat) raises a coaching alert for the team only, at most
/// once per <see cref="EscalationOptions.CoachingCooldown"/>; the level does not change. The agent's own swearing not aimed
/// at the caller, and the protocol's lines, raise none.</item>
/// <item>After the call ended every method returns an unchanged step, so a CallEnd after the agent's
/// CallEndedByAgent, or a late transcript, is harmless.</item>
/// </list>
/// </remarks>
public sealed partial class CallEscalation
{
    private const double StrikeTolerance = 1e-9;
    private const int MaxEvidencePerStep = 5;

    // Kept in the incident; more answers on one call than this are pressed buttons, not news for the manager.
    private const int MostSupervisorResponses = 50;

    private readonly CallParticipants _call;
    private readonly DateTimeOffset _startedAt;
    private readonly EscalationOptions _options;
    private readonly ScriptLines _scripts;
    private readonly Func<string>? _newAlertId;
    private int _alertsRaised;

    private EscalationLevel _level;
    private double _strikes;
    private DateTimeOffset? _lastStrikeAt;

    // Calm periods are counted from here: the last strike, level rise, or the end of the last period that lowered the level.
    private DateTimeOffset _calmSince;
    private int _calmUtterances;
    private bool _calmedDown;
    private EscalationLevel? _agentWarnedAtLevel;
    private ulong? _openThreatOffsetMs;
    private ulong? _lastCustomerFinalSeq;
    private bool _onHold;
    private bool _hadAbuse;
    private bool _threatRaised;
    private bool _supervisorAlerted;
    private bool _supervisorToldAtThreshold;
    private bool _supervisorToldAtEndCall;
    private DateTimeOffset? _lastCoachingAt;
    private string _worstBehaviour = string.Empty;
    private DateTimeOffset _lastEventAt;
    private IncidentOutcome _outcome = IncidentOutcome.Ongoing;
    private List<string>? _evidenceSinceLastStep;

    /// <summary>Starts the protocol for one call at level none.</summary>
    /// <param name="call">Who the call is between; copied into every alert.</param>
    /// <param name="startedAt">When the call started.</param>
    /// <param name="options">The thresholds and timings, validated by the host at start (not checked again here).</param>
    /// <param name="scripts">The script lines, shared across calls; the call's tenant and language pick its lines once, here.</param>
    /// <param name="newAlertId">Makes alert ids; null for ids made from the call and the alert's ordinal (32 hex digits), the same on any instance that resumes the call.</param>
    public CallEscalation(CallParticipants call, DateTimeOffset startedAt, EscalationOptions options, ScriptBook scripts, Func<string>? newAlertId = null)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(scripts);
        _call = call;
        _startedAt = startedAt;
        _lastEventAt = startedAt;
        _calmSince = startedAt;
        _options = options;
        _scripts = scripts.Resolve(call.TenantId, call.Language);
        _newAlertId = newAlertId;
    }

    /// <summary>Who the call is between.</summary>
    public CallParticipants Call => _call;

    /// <summary>The call's current level.</summary>
    public EscalationLevel Level => _level;

    /// <summary>The highest level the call has reached.</summary>
    public EscalationLevel HighestLevel { get; private set; }

    /// <summary>
    /// True when the caller abused the agent: a strike for directed abuse, strong profanity or shouting, a threat, or any
    /// level reached. Mild swearing that never reached notice is not abuse.
    /// </summary>
    public bool HadAbuse => _hadAbuse || HighestLevel > EscalationLevel.None;

    /// <summary>True once the call ended (<see cref="End"/> or the agent's <see cref="AgentActionKind.CallEndedByAgent"/>).</summary>
    public bool IsEnded => _outcome != IncidentOutcome.Ongoing;

    /// <summary>
    /// When the level drops one step if the caller stays calm until then, for a host that lets time pass on a quiet call
    /// (<see cref="Advance"/>); null at level none and once the call ended.
    /// </summary>
    public DateTimeOffset? NextCalmStepAt => IsEnded || _level == EscalationLevel.None ? null : _calmSince + _options.CalmPeriod;

    /// <summary>Takes in one transcript chunk, from either speaker, partial or final.</summary>
    /// <param name="chunk">The chunk and what the classifier and shouting detector made of it.</param>
    /// <returns>What changed; a shared unchanged step for a chunk with nothing in it.</returns>
    public EscalationStep Observe(in ChunkSignal chunk)
    {
        if (IsEnded)
        {
            return EscalationStep.Unchanged(_level);
        }

        var step = new PendingStep(_level);
        Touch(chunk.At);
        ApplyCalm(chunk.At, ref step);
        if (chunk.Speaker == CallSpeaker.Agent)
        {
            if (chunk.IsFinal)
            {
                ObserveAgent(chunk, ref step);
            }
        }
        else if (!chunk.IsFinal)
        {
            ObserveCustomerPartial(chunk, ref step);
        }
        else
        {
            ObserveCustomerFinal(chunk, ref step);
        }

        return Finish(ref step);
    }

    /// <summary>Takes in something the agent reported doing.</summary>
    /// <param name="kind">What the agent did.</param>
    /// <param name="seq">The action's seq, shared with the call's chunks.</param>
    /// <param name="at">When the service saw it.</param>
    /// <param name="note">Free text the agent typed, or null; kept (redacted) with a reported warning.</param>
    /// <returns>What changed.</returns>
    public EscalationStep OnAgentAction(AgentActionKind kind, ulong seq, DateTimeOffset at, string? note = null)
    {
        if (IsEnded)
        {
            return EscalationStep.Unchanged(_level);
        }

        var step = new PendingStep(_level);
        Touch(at);
        ApplyCalm(at, ref step);
        switch (kind)
        {
            case AgentActionKind.WarningGiven:
                AgentGaveWarning(seq, at, note, ref step);
                break;
            case AgentActionKind.SupervisorRequested:
                _supervisorAlerted = true;
                step.Reason = "The agent asked for a supervisor.";
                step.Add(NewAlert(AlertKind.SupervisorNeeded, AlertAudience.Team, _worstBehaviour, AlertSeverity.Warning, step.Reason, [], string.Empty, seq, at));
                break;
            case AgentActionKind.CallEndedByAgent:
                EndCall(CallEndReason.AgentEnded, seq, at, ref step);
                break;
            case AgentActionKind.CallerOnHold:
                _onHold = true;
                break;
            case AgentActionKind.CallerOffHold:
                _onHold = false;
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown agent action.");
        }

        return Finish(ref step);
    }

    /// <summary>
    /// Takes in a supervisor's answer from the dashboard: kept in the incident (who, when, acknowledged or joining) and
    /// told to the agent and the team, so the agent knows help is coming and other supervisors see the call is taken.
    /// </summary>
    /// <param name="supervisor">The name the supervisor signed in with.</param>
    /// <param name="joining">True when the supervisor is joining the call, false for an acknowledgement.</param>
    /// <param name="alertId">The alert answered, or empty.</param>
    /// <param name="at">When the service saw it.</param>
    /// <returns>What changed: the answer's alert; unchanged after the call ended.</returns>
    public EscalationStep OnSupervisorResponse(string supervisor, bool joining, string alertId, DateTimeOffset at)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(supervisor);
        ArgumentNullException.ThrowIfNull(alertId);
        if (IsEnded)
        {
            return EscalationStep.Unchanged(_level);
        }

        var step = new PendingStep(_level);
        Touch(at);
        if (_supervisorResponses.Count < MostSupervisorResponses)
        {
            _supervisorResponses.Add(new IncidentSupervisorResponse(supervisor, joining, at, alertId));
        }

        var kind = joining ? AlertKind.SupervisorJoining : AlertKind.SupervisorAcknowledged;
        step.Reason = joining ? $"Supervisor {supervisor} is joining the call." : $"Supervisor {supervisor} has seen the alerts and is following the call.";
        step.Add(NewAlert(kind, AlertAudience.AgentAndTeam, string.Empty, AlertSeverity.Info, step.Reason, [], string.Empty, 0, at) with { Responder = supervisor });
        return Finish(ref step);
    }

    /// <summary>Closes the call: a call_ended alert for the team when the call had abuse, and the incident's outcome.</summary>
    /// <param name="reason">Why the call ended.</param>
    /// <param name="at">When.</param>
    /// <returns>What changed; unchanged when the call had already ended.</returns>
    public EscalationStep End(CallEndReason reason, DateTimeOffset at)
    {
        if (IsEnded)
        {
            return EscalationStep.Unchanged(_level);
        }

        var step = new PendingStep(_level);
        Touch(at);
        EndCall(reason, 0, at, ref step);
        return Finish(ref step);
    }

    /// <summary>Lets time pass with no event, so the level can drop on a quiet call (for the host's timer).</summary>
    /// <param name="now">The current time, on the same clock as the events.</param>
    /// <returns>The drop, if the caller has been calm long enough; otherwise a shared unchanged step.</returns>
    public EscalationStep Advance(DateTimeOffset now)
    {
        if (IsEnded)
        {
            return EscalationStep.Unchanged(_level);
        }

        var step = new PendingStep(_level);
        ApplyCalm(now, ref step);
        return Finish(ref step);
    }

    private void Touch(DateTimeOffset at)
    {
        if (at > _lastEventAt)
        {
            _lastEventAt = at;
        }
    }

    /// <summary>Drops the level one step per calm period since the last strike, and forgets old partial strikes.</summary>
    private void ApplyCalm(DateTimeOffset at, ref PendingStep step)
    {
        var calmPeriod = _options.CalmPeriod;
        if (_strikes > 0 && _lastStrikeAt is { } lastStrike && at - lastStrike >= calmPeriod)
        {
            _strikes = 0;
            _evidenceSinceLastStep?.Clear();
        }

        if (_level == EscalationLevel.None || at - _calmSince < calmPeriod)
        {
            return;
        }

        var periods = (int)Math.Min((long)EscalationLevel.EndCallPermitted, (at - _calmSince).Ticks / calmPeriod.Ticks);
        _calmSince += calmPeriod * periods;
        StepDown(periods, at, ref step);
    }

    /// <summary>Drops the level after calm (by time or by calm utterances), forgetting strikes and restarting the calm count.</summary>
    private void StepDown(int steps, DateTimeOffset at, ref PendingStep step)
    {
        var from = _level;
        _level = (EscalationLevel)Math.Max(0, (int)from - steps);
        _calmedDown = true;
        _agentWarnedAtLevel = null;
        _strikes = 0;
        _calmUtterances = 0;
        _evidenceSinceLastStep?.Clear();

        step.Reason = $"The caller has calmed down; the level dropped from {from.ToName()} to {_level.ToName()}.";
        step.Script = string.Empty;
        step.Evidence = [];
        step.Add(NewAlert(AlertKind.LevelChanged, AlertAudience.Agent, string.Empty, AlertSeverity.Info, step.Reason, [], string.Empty, 0, at));
    }

    private Alert NewAlert(AlertKind kind, AlertAudience audience, string category, AlertSeverity severity, string reason, IReadOnlyList<string> evidence, string script, ulong seq, DateTimeOffset at) =>
        new(_newAlertId is { } newAlertId ? newAlertId() : CallAlertId(_call, _startedAt, _alertsRaised++), _call, kind, audience, _level, category, severity, reason, evidence, script, seq, at);

    private EscalationStep Finish(ref PendingStep step)
    {
        if (step.Alerts is null && step.Reason.Length == 0 && _level == step.PreviousLevel)
        {
            return EscalationStep.Unchanged(_level);
        }

        return new EscalationStep(_level, step.PreviousLevel, step.Script, step.Reason, step.Evidence, step.Alerts ?? (IReadOnlyList<Alert>)[]);
    }

    /// <summary>The step being built for one event; allocates only when an alert is raised.</summary>
    private struct PendingStep(EscalationLevel previousLevel)
    {
        public readonly EscalationLevel PreviousLevel = previousLevel;
        public List<Alert>? Alerts;
        public string Script = string.Empty;
        public string Reason = string.Empty;
        public IReadOnlyList<string> Evidence = [];

        public void Add(Alert alert) => (Alerts ??= new List<Alert>(3)).Add(alert);
    }
}
