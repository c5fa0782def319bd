using AbuseDetector.Detection;
using AbuseDetector.Escalation.Internal;

namespace AbuseDetector.Escalation;

public sealed partial class CallEscalation
{
    private void ObserveCustomerPartial(in ChunkSignal chunk, ref PendingStep step)
    {
        // A partial may still change, so it adds no strike; but a threat is worth an early warning. Later partials
        // of the same utterance (same start) and the final that closes it raise no second alert.
        if ((chunk.Flags & AbuseFlags.Threat) == 0 || _openThreatOffsetMs == chunk.OffsetMs)
        {
            return;
        }

        _openThreatOffsetMs = chunk.OffsetMs;
        var excerpts = default(ChunkExcerpts);
        RaiseThreat(chunk, Excerpts(chunk, ref excerpts), ref step);
    }

    private void ObserveCustomerFinal(in ChunkSignal chunk, ref PendingStep step)
    {
        // A replayed final (seq not past the last one) must not count twice.
        if (_lastCustomerFinalSeq is { } lastSeq && chunk.Seq <= lastSeq)
        {
            return;
        }

        _lastCustomerFinalSeq = chunk.Seq;
        var threatAlreadyRaised = _openThreatOffsetMs is not null;
        _openThreatOffsetMs = null;
        var flags = chunk.Flags;

        // The chunk's excerpts, made at most once: the evidence and the timeline share them.
        var excerpts = default(ChunkExcerpts);
        if ((flags & AbuseFlags.Threat) != 0)
        {
            _calmUtterances = 0;
            var raiseLevel = _options.ThreatLevel > _level;
            var evidence = !threatAlreadyRaised || raiseLevel ? Excerpts(chunk, ref excerpts) : [];
            if (!threatAlreadyRaised)
            {
                RaiseThreat(chunk, evidence, ref step);
            }

            _strikes = 0;
            _lastStrikeAt = chunk.At;
            _calmSince = chunk.At;
            if (raiseLevel)
            {
                RaiseLevel(_options.ThreatLevel, Behaviours.Threat, evidence, byThreat: true, chunk.Seq, chunk.At, ref step);
            }
        }
        else
        {
            var strike = Weigh(chunk);
            if (strike.Weight <= 0)
            {
                CountCalmUtterance(chunk.At, ref step);
            }
            else if (_onHold)
            {
                // Not counted, since the agent does not hear it, but not calm either.
                _calmUtterances = 0;
            }
            else
            {
                CountStrike(chunk, strike, ref excerpts, ref step);
            }
        }

        if (chunk.HasSignal)
        {
            Record(chunk, "customer", chunk.IsShouting, ref excerpts);
        }
    }

    /// <summary>
    /// The strikes one final customer utterance adds and the behaviour they are for: the larger of abuse aimed at the agent
    /// and the caller's own profanity, plus shouting.
    /// </summary>
    private Strike Weigh(in ChunkSignal chunk)
    {
        var flags = chunk.Flags;
        var directed = (flags & Behaviours.AimedAtListener) != 0 ? _options.DirectedAbuseWeight : 0;
        var profanity = chunk.Profanity switch
        {
            ProfanityStrength.Strong => _options.StrongProfanityWeight,
            ProfanityStrength.Mild => _options.MildProfanityWeight,
            _ => 0,
        };
        var shouting = chunk.IsShouting ? _options.ShoutingWeight : 0;

        // Name only what weighed: an insult of someone not on the call never becomes "you are insulting me".
        var named = (directed > 0 ? flags : AbuseFlags.None) | (profanity > 0 ? AbuseFlags.Swearing : AbuseFlags.None);
        var behaviour = Behaviours.Dominant(named, shouting > 0);

        // Mild swearing that weighs something still does not make the call abusive on its own.
        var abusive = directed > 0 || shouting > 0 || (profanity > 0 && chunk.Profanity == ProfanityStrength.Strong);
        return new Strike(Math.Max(directed, profanity) + shouting, behaviour, abusive);
    }

    /// <summary>A calm final customer utterance: enough of them in a row drop the level one step, and forget partial strikes.</summary>
    private void CountCalmUtterance(DateTimeOffset at, ref PendingStep step)
    {
        if (++_calmUtterances < _options.CalmUtterances)
        {
            return;
        }

        if (_level == EscalationLevel.None)
        {
            _calmUtterances = 0;
            _strikes = 0;
            _evidenceSinceLastStep?.Clear();
            return;
        }

        _calmSince = at;
        StepDown(1, at, ref step);
    }

    private void CountStrike(in ChunkSignal chunk, Strike strike, ref ChunkExcerpts excerpts, ref PendingStep step)
    {
        var behaviour = strike.Behaviour;
        NoteWorst(behaviour);
        _calmUtterances = 0;
        _hadAbuse |= strike.IsAbuse;
        _lastStrikeAt = chunk.At;
        _calmSince = chunk.At;
        _strikes += strike.Weight;
        var evidence = Excerpts(chunk, ref excerpts);
        RememberEvidence(evidence);

        var perLevel = _options.StrikesPerLevel;
        var earned = (int)Math.Floor((_strikes / perLevel) + StrikeTolerance);
        if (earned == 0)
        {
            return;
        }

        // Strikes beyond the steps allowed are dropped: each line of the protocol gets its own utterance.
        _strikes = Math.Max(0, _strikes - (earned * perLevel));
        var allowed = Math.Min(earned, _calmedDown ? 1 : _options.MaxStepsPerUtterance);
        var target = _level;
        var waitingForAgent = false;
        while (allowed > 0 && target < EscalationLevel.EndCallPermitted)
        {
            var next = target + 1;
            if (_options.RequireAgentWarningBeforeFinalSteps && next >= EscalationLevel.FinalWarning && _agentWarnedAtLevel != target)
            {
                waitingForAgent = true;
                break;
            }

            target = next;
            allowed--;
        }

        if (target > _level)
        {
            RaiseLevel(target, behaviour, evidence, byThreat: false, chunk.Seq, chunk.At, ref step);
        }
        else if (waitingForAgent)
        {
            // The caller went on, but the agent has not reported the warning of this level: advise it again.
            step.Script = _scripts.LineFor(_level, behaviour);
            step.Reason = $"{Capitalised(Behaviours.CallerDid(behaviour))} again; the level stays at {_level.ToName()} until the agent reports giving the warning.";
            step.Evidence = TakeEvidence(evidence);
        }
    }

    private void RaiseThreat(in ChunkSignal chunk, IReadOnlyList<string> evidence, ref PendingStep step)
    {
        _threatRaised = true;
        _hadAbuse = true;
        _supervisorAlerted = true;
        NoteWorst(Behaviours.Threat);
        step.Reason = "The caller threatened violence: a supervisor is needed now.";
        step.Evidence = evidence;
        step.Add(NewAlert(AlertKind.Threat, AlertAudience.AgentAndTeam, Behaviours.Threat, AlertSeverity.Critical, step.Reason, evidence, string.Empty, chunk.Seq, chunk.At));
    }

    private void RaiseLevel(EscalationLevel target, string behaviour, IReadOnlyList<string> evidence, bool byThreat, ulong seq, DateTimeOffset at, ref PendingStep step)
    {
        var from = _level;
        _level = target;
        if (target > HighestLevel)
        {
            HighestLevel = target;
        }

        _calmSince = at;
        _calmedDown = false;
        _agentWarnedAtLevel = null;

        var script = _scripts.LineFor(target, behaviour);
        var reason = $"The level rose from {from.ToName()} to {target.ToName()}: {Behaviours.CallerDid(behaviour)}.";
        var stepEvidence = byThreat ? evidence : TakeEvidence(evidence);
        var severity = target switch
        {
            EscalationLevel.Notice => AlertSeverity.Info,
            EscalationLevel.EndCallPermitted => AlertSeverity.Critical,
            _ => AlertSeverity.Warning,
        };
        var audience = target >= EscalationLevel.FinalWarning ? AlertAudience.AgentAndTeam : AlertAudience.Agent;
        step.Script = script;
        step.Reason = reason;
        step.Evidence = stepEvidence;
        step.Add(NewAlert(AlertKind.LevelChanged, audience, behaviour, severity, reason, stepEvidence, script, seq, at));
        AddWarning(new IncidentWarning(seq, at, target, script, GivenByAgent: false));

        if (byThreat)
        {
            // The threat alert already went to the team, critically.
            _supervisorToldAtThreshold |= target >= _options.SupervisorAtLevel;
            _supervisorToldAtEndCall |= target == EscalationLevel.EndCallPermitted;
            return;
        }

        if (!_supervisorToldAtThreshold && target >= _options.SupervisorAtLevel)
        {
            _supervisorToldAtThreshold = true;
            _supervisorToldAtEndCall |= target == EscalationLevel.EndCallPermitted;
            TellSupervisor(target, behaviour, stepEvidence, seq, at, ref step);
        }
        else if (!_supervisorToldAtEndCall && target == EscalationLevel.EndCallPermitted)
        {
            _supervisorToldAtEndCall = true;
            TellSupervisor(target, behaviour, stepEvidence, seq, at, ref step);
        }
    }

    private void TellSupervisor(EscalationLevel level, string behaviour, IReadOnlyList<string> evidence, ulong seq, DateTimeOffset at, ref PendingStep step)
    {
        _supervisorAlerted = true;
        var critical = level == EscalationLevel.EndCallPermitted;
        var reason = critical
            ? $"The abuse went on after the final warning: the agent may end the call ({Behaviours.CallerDid(behaviour)})."
            : $"The call reached {level.ToName()}: {Behaviours.CallerDid(behaviour)}.";
        step.Add(NewAlert(AlertKind.SupervisorNeeded, AlertAudience.Team, behaviour, critical ? AlertSeverity.Critical : AlertSeverity.Warning, reason, evidence, string.Empty, seq, at));
    }

    private void ObserveAgent(in ChunkSignal chunk, ref PendingStep step)
    {
        // Only abuse aimed at the caller: the agent's protocol lines, empathy and own swearing are no misconduct.
        var flags = chunk.Flags;
        if ((flags & Behaviours.AgentMisconduct) == 0)
        {
            return;
        }

        var excerpts = default(ChunkExcerpts);
        Record(chunk, "agent", isShouting: false, ref excerpts);
        if (_lastCoachingAt is { } last && chunk.At - last < _options.CoachingCooldown)
        {
            return;
        }

        _lastCoachingAt = chunk.At;
        var behaviour = Behaviours.Dominant(flags, isShouting: false);
        var evidence = Excerpts(chunk, ref excerpts);
        step.Reason = Behaviours.AgentDid(behaviour);
        step.Evidence = evidence;
        step.Add(NewAlert(AlertKind.Coaching, AlertAudience.Team, behaviour, AlertSeverity.Warning, step.Reason, evidence, string.Empty, chunk.Seq, chunk.At));
    }

    private void AgentGaveWarning(ulong seq, DateTimeOffset at, string? note, ref PendingStep step)
    {
        if (_level == EscalationLevel.None)
        {
            // The agent already made the caller aware: the protocol is at notice, with nothing more to advise.
            _level = EscalationLevel.Notice;
            if (HighestLevel < EscalationLevel.Notice)
            {
                HighestLevel = EscalationLevel.Notice;
            }

            _calmSince = at;
            _calmedDown = false;
            _calmUtterances = 0;
            step.Reason = "The level rose from none to notice: the agent made the caller aware of their behaviour.";
            step.Add(NewAlert(AlertKind.LevelChanged, AlertAudience.Agent, _worstBehaviour, AlertSeverity.Info, step.Reason, [], string.Empty, seq, at));
        }

        _agentWarnedAtLevel = _level;
        AddWarning(new IncidentWarning(seq, at, _level, note is null ? string.Empty : Redact(note), GivenByAgent: true));
    }

    private void EndCall(CallEndReason reason, ulong seq, DateTimeOffset at, ref PendingStep step)
    {
        _outcome = reason.ToOutcome();
        _endedAt = at;
        if (!HadAbuse)
        {
            return;
        }

        var serious = HighestLevel >= EscalationLevel.FinalWarning || _threatRaised;
        step.Reason = $"The call ended ({Describe(_outcome)}) after abuse; the highest level was {HighestLevel.ToName()}.";
        step.Add(NewAlert(AlertKind.CallEnded, AlertAudience.Team, _worstBehaviour, serious ? AlertSeverity.Warning : AlertSeverity.Info, step.Reason, [], string.Empty, seq, at));
    }

    /// <summary>What one final customer utterance weighs.</summary>
    /// <param name="Weight">The strikes it adds.</param>
    /// <param name="Behaviour">What the caller did, as alerts and script lines name it.</param>
    /// <param name="IsAbuse">Whether it makes the call abusive (<see cref="HadAbuse"/>).</param>
    private readonly record struct Strike(double Weight, string Behaviour, bool IsAbuse);

    private static string Describe(IncidentOutcome outcome) => outcome switch
    {
        IncidentOutcome.Completed => "completed",
        IncidentOutcome.EndedByAgent => "the agent ended it",
        IncidentOutcome.CallerHungUp => "the caller hung up",
        IncidentOutcome.Transferred => "transferred",
        IncidentOutcome.Dropped => "dropped",
        _ => "ongoing",
    };

    private static string Capitalised(string sentence) =>
        sentence.Length == 0 ? sentence : string.Concat(char.ToUpperInvariant(sentence[0]).ToString(), sentence.AsSpan(1));

    private void NoteWorst(string behaviour)
    {
        if (Behaviours.Gravity(behaviour) > Behaviours.Gravity(_worstBehaviour))
        {
            _worstBehaviour = behaviour;
        }
    }

    /// <summary>The evidence spans' text, redacted and without repeats; the chunk's text, cut short, when there are none.</summary>
    private IReadOnlyList<string> Excerpts(in ChunkSignal chunk, ref ChunkExcerpts excerpts) =>
        excerpts.Spans(this, chunk) is { Count: > 0 } spans ? spans : [excerpts.Text(this, chunk)];

    /// <summary>The evidence spans' text, redacted and without repeats; empty when the classifier gave none.</summary>
    private List<string> SpanExcerpts(in ChunkSignal chunk)
    {
        var spans = chunk.Evidence;
        if (spans is null || spans.Count == 0)
        {
            return [];
        }

        var whole = chunk.Text ?? string.Empty;
        var excerpts = new List<string>(spans.Count);
        foreach (var span in spans)
        {
            // A span outside the text (a stale offset) is clipped or skipped: never an exception on the hot path.
            var start = (int)Math.Clamp(span.Start, 0L, whole.Length);
            var end = (int)Math.Clamp((long)span.Start + span.Length, start, whole.Length);
            if (end == start)
            {
                continue;
            }

            var text = Excerpt(whole[start..end]);
            if (text.Length > 0 && !excerpts.Contains(text))
            {
                excerpts.Add(text);
            }
        }

        return excerpts;
    }

    private string Excerpt(string? text)
    {
        // Redact before cutting, so a number cut in two never shows its first digits.
        var redacted = Redact((text ?? string.Empty).Trim());
        var max = _options.MaxExcerptLength;
        return redacted.Length <= max ? redacted : string.Concat(redacted.AsSpan(0, max - 1).TrimEnd(), "…");
    }

    private string Redact(string text) => _options.RedactDigits ? Redaction.RedactDigits(text) : text;

    private void RememberEvidence(IReadOnlyList<string> evidence)
    {
        var kept = _evidenceSinceLastStep ??= new List<string>(MaxEvidencePerStep);
        foreach (var excerpt in evidence)
        {
            if (kept.Count >= MaxEvidencePerStep)
            {
                // Keep the latest: they say most about why the level moves now.
                kept.RemoveAt(0);
            }

            kept.Add(excerpt);
        }
    }

    /// <summary>The evidence gathered since the last level change (this chunk's included), then forgets it.</summary>
    private IReadOnlyList<string> TakeEvidence(IReadOnlyList<string> fallback)
    {
        if (_evidenceSinceLastStep is not { Count: > 0 } kept)
        {
            return fallback;
        }

        var taken = kept.ToArray();
        kept.Clear();
        return taken;
    }

    /// <summary>One chunk's excerpts, each made the first time it is asked for: alerts, evidence and the timeline share them.</summary>
    private struct ChunkExcerpts
    {
        private string? _text;
        private List<string>? _spans;

        /// <summary>The chunk's text, redacted and cut short.</summary>
        public string Text(CallEscalation escalation, in ChunkSignal chunk) => _text ??= escalation.Excerpt(chunk.Text);

        /// <summary>The evidence spans' text, redacted and without repeats; empty when the classifier gave none.</summary>
        public List<string> Spans(CallEscalation escalation, in ChunkSignal chunk) => _spans ??= escalation.SpanExcerpts(chunk);
    }
}
