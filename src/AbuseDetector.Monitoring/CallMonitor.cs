using AbuseDetector.Detection;
using AbuseDetector.Escalation;

namespace AbuseDetector.Monitoring;

/// <summary>
/// One live call: scores each chunk (classify, then shouting against the speaker's own baseline), turns it into the
/// protocol's signal, steps the call's escalation, raises the step's alerts, and keeps the incident notes and the
/// agent's wellbeing count as the call reaches them. Made by <see cref="CallMonitoring.StartAsync"/>. Used by one
/// stream at a time; not thread-safe.
/// </summary>
public sealed class CallMonitor
{
    /// <summary>The quietest and loudest levels a chunk may report: digital silence to full scale.</summary>
    public const float QuietestDbfs = LoudnessMeter.SilenceDbfs;

    /// <summary>The loudest level a chunk may report, in dBFS (full scale).</summary>
    public const float LoudestDbfs = 0f;

    private const int MostEvidenceSpans = 3;

    private readonly CallMonitoring _monitoring;
    private readonly AbuseClassifier _classifier;
    private readonly CallEscalation _escalation;
    private readonly CallClock _clock;
    private readonly ShoutingDetector _customerVoice;
    private readonly ShoutingDetector _agentVoice;
    private ulong? _lastFinalSeq;
    private ulong _lastSeq;
    private long _version;
    private bool _snapshotKept;
    private bool _endRecorded;

    internal CallMonitor(CallMonitoring monitoring, AbuseClassifier classifier, CallEscalation escalation, CallClock clock, ShoutingOptions shouting)
    {
        _monitoring = monitoring;
        _classifier = classifier;
        _escalation = escalation;
        _clock = clock;
        _customerVoice = new ShoutingDetector(shouting);
        _agentVoice = new ShoutingDetector(shouting);
        Live = new LiveCall(escalation.Call, clock.StartedAt);
    }

    /// <summary>Goes on with a call from the state another instance saved.</summary>
    internal CallMonitor(CallMonitoring monitoring, AbuseClassifier classifier, CallSnapshot snapshot, CallEscalation escalation, CallClock clock, ShoutingOptions shouting)
    {
        _monitoring = monitoring;
        _classifier = classifier;
        _escalation = escalation;
        _clock = clock;
        _customerVoice = new ShoutingDetector(shouting, snapshot.CustomerVoice);
        _agentVoice = new ShoutingDetector(shouting, snapshot.AgentVoice);
        _lastFinalSeq = snapshot.LastFinalSeq;
        _lastSeq = snapshot.LastSeq;
        _version = snapshot.Version;
        _snapshotKept = snapshot.IncidentKept;
        Live = new LiveCall(escalation.Call, clock.StartedAt, escalation.Level, snapshot.Escalation.ThreatRaised);
    }

    /// <summary>Gets what the dashboard and the agent panel see of the call, and the way their requests reach it.</summary>
    public LiveCall Live { get; }

    /// <summary>Gets who the call is between.</summary>
    public CallParticipants Call => _escalation.Call;

    /// <summary>Gets the classifier scoring this call: the same one for its whole life.</summary>
    public AbuseClassifier Classifier => _classifier;

    /// <summary>Gets the call's current level.</summary>
    public EscalationLevel Level => _escalation.Level;

    /// <summary>Gets the highest level the call has reached.</summary>
    public EscalationLevel HighestLevel => _escalation.HighestLevel;

    /// <summary>Gets a value indicating whether the call has ended.</summary>
    public bool IsEnded => _escalation.IsEnded;

    /// <summary>Gets the version of the call's state saved last (or being saved).</summary>
    public long StateVersion => _version;

    /// <summary>Gets the highest seq of the chunks and actions taken in; 0 for none.</summary>
    public ulong LastSeq => _lastSeq;

    /// <summary>Gets the repeat-caller heads-up raised when the call started, or null.</summary>
    public Alert? RepeatCallerAlert { get; internal set; }

    /// <summary>How long until the level drops if the caller stays calm (zero when due); null when nothing would drop.</summary>
    /// <returns>The time left, on the call's clock.</returns>
    public TimeSpan? TimeUntilNextCalmStep() => _escalation.NextCalmStepAt is { } due ? Max(TimeSpan.Zero, due - _clock.Peek()) : null;

    /// <summary>
    /// Scores one chunk and moves the protocol on, raising the step's alerts; or says why the chunk cannot be scored,
    /// leaving the call as it was. Never throws for a bad chunk.
    /// </summary>
    /// <param name="chunk">The chunk.</param>
    /// <returns>A <see cref="ChunkAssessment"/> or a <see cref="ChunkRejection"/>.</returns>
    public ChunkOutcome Assess(in ChunkInput chunk)
    {
        if (Check(chunk) is { } problem)
        {
            return new ChunkRejection(chunk.Seq, problem);
        }

        var classification = _classifier.Classify(chunk.Text);
        var shouting = MeasureShouting(chunk, chunk.Speaker == CallSpeaker.Agent ? _agentVoice : _customerVoice);
        if (chunk.IsFinal)
        {
            _lastFinalSeq = chunk.Seq;
        }

        Took(chunk.Seq);

        var signal = new ChunkSignal(
            chunk.Seq,
            chunk.Speaker,
            chunk.IsFinal,
            _clock.At(Math.Max(chunk.EndMs, chunk.StartMs)),
            chunk.StartMs,
            chunk.Text,
            ChunkSignal.ProtocolFlags(classification.Scores, _monitoring.Escalation.ThreatMinProbability),
            shouting.IsShouting && chunk.IsFinal,
            classification.Evidence.Count == 0 ? null : StrongestSpans(classification.Evidence),
            classification.Profanity);
        if (chunk.IsFinal && chunk.Speaker == CallSpeaker.Customer)
        {
            Live.Scored(classification.Scores[AbuseCategory.Abusive], signal.Flags, signal.IsShouting);
        }

        var step = Apply(_escalation.Observe(signal));

        // A final utterance moves the baselines and the protocol; a partial changes the state only when it raised a threat.
        if (chunk.IsFinal || !ReferenceEquals(step, EscalationStep.Unchanged(step.Level)))
        {
            Save();
        }

        return new ChunkAssessment(chunk.Seq, chunk.Speaker, chunk.IsFinal, classification, shouting, step);
    }

    /// <summary>Moves the protocol on for something the agent did, raising the step's alerts.</summary>
    /// <param name="kind">What the agent did.</param>
    /// <param name="seq">The action's seq.</param>
    /// <param name="note">What the agent typed, or null.</param>
    /// <returns>What changed.</returns>
    public EscalationStep Act(AgentActionKind kind, ulong seq, string? note)
    {
        Took(seq);
        var step = Apply(_escalation.OnAgentAction(kind, seq, _clock.At(0), note));
        Save();
        return step;
    }

    /// <summary>
    /// Acts on a request from the dashboard or the agent panel (<see cref="LiveCall.Requests"/>), raising the step's alerts,
    /// and completes it: taken, or not when the call has ended; a request the person gave up is skipped.
    /// </summary>
    /// <param name="request">The request.</param>
    /// <returns>What changed.</returns>
    public EscalationStep Handle(CallRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!request.TryTake())
        {
            // The person gave up waiting and was told nothing was done.
            return EscalationStep.Unchanged(Level);
        }

        if (IsEnded)
        {
            request.Complete(false);
            return EscalationStep.Unchanged(Level);
        }

        var step = request switch
        {
            SupervisorRequestFromPanel => Apply(_escalation.OnAgentAction(AgentActionKind.SupervisorRequested, 0, _clock.At(0), null)),
            SupervisorAnswer answer => Answer(answer),
            _ => throw new ArgumentException($"Unknown request {request.GetType().Name}.", nameof(request)),
        };
        Save();
        request.Complete(true);
        return step;
    }

    /// <summary>Ends the call: the call_ended alert and the final notes when it had abuse, and the agent's wellbeing count.</summary>
    /// <param name="reason">Why it ended.</param>
    /// <returns>What changed.</returns>
    public EscalationStep End(CallEndReason reason)
    {
        var step = Apply(_escalation.End(reason, _clock.At(0)));
        Save();
        return step;
    }

    /// <summary>Lets time pass on a quiet call, so its level drops on time rather than at the next chunk.</summary>
    /// <returns>The drop, or an unchanged step when none is due.</returns>
    public EscalationStep LetTimePass()
    {
        var step = Apply(_escalation.Advance(_clock.Now()));
        if (step.LevelChanged)
        {
            Save();
        }

        return step;
    }

    /// <summary>What another instance needs to go on with the call.</summary>
    /// <returns>A copy of the call's state now.</returns>
    public CallSnapshot Capture() => new()
    {
        Call = _escalation.Call,
        Version = _version,
        LastSeq = _lastSeq,
        LastFinalSeq = _lastFinalSeq,
        IncidentKept = _snapshotKept,
        Escalation = _escalation.Capture(),
        CustomerVoice = _customerVoice.Capture(),
        AgentVoice = _agentVoice.Capture(),
        CallTime = _clock.Latest,
        PlatformTimed = _clock.PlatformTimed,
    };

    /// <summary>
    /// Saves the call's state and lets it go, for another instance to resume it (the host is stopping); the call is
    /// not ended here.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting for the store.</param>
    /// <returns>True when the state was saved and the call can be resumed elsewhere.</returns>
    public Task<bool> HandOverAsync(CancellationToken cancellationToken = default)
    {
        _version++;
        return _monitoring.CallStates.HandOverAsync(Capture(), cancellationToken);
    }

    /// <summary>
    /// The spans people should read in an alert: strongest first, none overlapping a stronger one (each category's
    /// attribution marks the same words again), at most three, in text order.
    /// </summary>
    internal static IReadOnlyList<EvidenceSpan> StrongestSpans(IReadOnlyList<EvidenceSpan> spans)
    {
        var chosen = new List<EvidenceSpan>(MostEvidenceSpans);
        foreach (var span in spans.OrderByDescending(s => s.Weight))
        {
            if (!chosen.Exists(c => span.Start < c.Start + c.Length && c.Start < span.Start + span.Length))
            {
                chosen.Add(span);
                if (chosen.Count == MostEvidenceSpans)
                {
                    break;
                }
            }
        }

        chosen.Sort((a, b) => a.Start.CompareTo(b.Start));
        return chosen;
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private void Took(ulong seq)
    {
        if (seq > _lastSeq)
        {
            _lastSeq = seq;
        }
    }

    /// <summary>Saves the call's state in the background, numbered after the last one saved.</summary>
    internal void Save()
    {
        var store = _monitoring.CallStates;
        if (store.KeepsState)
        {
            _version++;
            store.Save(Capture());
        }
    }

    private EscalationStep Answer(SupervisorAnswer answer)
    {
        var at = _clock.At(0);
        var step = _escalation.OnSupervisorResponse(answer.Supervisor, answer.Joining, answer.AlertId, at);
        Live.Stepped(step, new IncidentSupervisorResponse(answer.Supervisor, answer.Joining, at, answer.AlertId));
        return ApplyAlerts(step);
    }

    private EscalationStep Apply(EscalationStep step)
    {
        Live.Stepped(step, null);
        return ApplyAlerts(step);
    }

    private EscalationStep ApplyAlerts(EscalationStep step)
    {
        foreach (var alert in step.Alerts)
        {
            _monitoring.Alerts.Raise(alert);
        }

        // The call ends by a CallEnd or by the agent's CALL_ENDED_BY_AGENT, whichever comes first.
        if (_escalation.IsEnded && !_endRecorded)
        {
            _endRecorded = true;
            _monitoring.CallEnded(_escalation);
        }

        // Notes are kept as soon as the call reaches final_warning, so they survive a crash before the call ends.
        if (!_snapshotKept && !_escalation.IsEnded && _escalation.Incident is { } ongoing)
        {
            _snapshotKept = true;
            _monitoring.Incidents.Keep(ongoing);
        }

        return step;
    }

    private string? Check(in ChunkInput chunk)
    {
        if (_lastFinalSeq is { } last && chunk.Seq <= last)
        {
            return $"seq went backwards: {chunk.Seq} is not greater than the last final chunk's seq {last}.";
        }

        var maxTextLength = _monitoring.MaxTextLength;
        if (chunk.Text.Length > maxTextLength)
        {
            return $"The chunk's text is longer than {maxTextLength} characters.";
        }

        if (chunk.LoudnessDbfs is { } level)
        {
            // A level no microphone can report (one +85 would pin the baseline and hide shouting for the rest of the call).
            if (!float.IsFinite(level) || level > LoudestDbfs || level < QuietestDbfs)
            {
                return FormattableString.Invariant($"loudness_dbfs must be a level from {QuietestDbfs} to {LoudestDbfs} dBFS; {level} is not.");
            }
        }
        else if (chunk.Pcm16.Length % 2 != 0)
        {
            return "pcm16 must hold whole 16-bit samples (an even number of bytes).";
        }

        return null;
    }

    /// <summary>
    /// Final chunks feed the speaker's baseline; partial chunks are only compared with it, so an utterance is never
    /// counted twice. A chunk without loudness or audio repeats the speaker's shouting state. Shouting is loudness
    /// sustained over <see cref="ShoutingOptions.SustainedUtterances"/> (at least two) final utterances; the text cues
    /// (capitals, "!!!") are reported but never count as shouting, so one loud or all-caps utterance never adds a strike.
    /// </summary>
    private static ShoutingMeasure MeasureShouting(in ChunkInput chunk, ShoutingDetector voice)
    {
        var cues = TextShoutingCues.Measure(chunk.Text);
        float? loudness = chunk.LoudnessDbfs ?? (chunk.Pcm16.Length > 0 ? LoudnessMeter.RmsDbfs(chunk.Pcm16.Span) : null);
        if (loudness is not { } level)
        {
            return new ShoutingMeasure(cues.CapitalsRatio, cues.LooksShouted, null, voice.BaselineDbfs, 0, false, voice.IsShouting);
        }

        var assessed = chunk.IsFinal ? voice.Observe(level) : voice.Peek(level);
        return new ShoutingMeasure(cues.CapitalsRatio, cues.LooksShouted, level, assessed.BaselineDbfs, assessed.ExcessDb, assessed.IsLoud, assessed.IsShouting);
    }
}
