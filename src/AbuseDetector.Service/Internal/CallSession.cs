using AbuseDetector.Contracts.V1;
using AbuseDetector.Detection;
using AbuseDetector.Escalation;
using Alert = AbuseDetector.Escalation.Alert;
using CallEndReason = AbuseDetector.Escalation.CallEndReason;
using AlertKind = AbuseDetector.Escalation.AlertKind;

namespace AbuseDetector.Service.Internal;

/// <summary>
/// The state of one live call: the update sequence, the last final chunk's seq, one shouting baseline per speaker and
/// the call's escalation. Used by one stream's reading loop only; not thread-safe.
/// </summary>
internal sealed class CallSession(
    AbuseClassifier classifier, int maxTextLength, double threatMinProbability, CallEscalation escalation, CallClock clock, AlertDispatcher alerts, CallHistory history)
{
    private static readonly ShoutingOptions Shouting = new();

    private readonly ShoutingDetector[] _speakers = [new(Shouting), new(Shouting), new(Shouting)];
    private ulong _updateSeq;
    private ulong? _lastFinalSeq;
    private bool _snapshotKept;
    private bool _historyRecorded;

    public int Chunks { get; private set; }

    /// <summary>True once the call has ended, by a CallEnd or by <see cref="End"/> when the stream broke.</summary>
    public bool Ended => escalation.IsEnded;

    /// <summary>
    /// Scores one chunk and moves the call's escalation on, adding the assessment, then any level change and alerts, to
    /// <paramref name="updates"/>; or adds an error saying why the chunk cannot be scored. Never throws for a bad chunk.
    /// </summary>
    public void Assess(TranscriptChunk chunk, List<CallUpdate> updates)
    {
        Chunks++;
        if (CheckChunk(chunk) is { } error)
        {
            updates.Add(error);
            return;
        }

        var classification = classifier.Classify(chunk.Text);
        var shouting = MeasureShouting(chunk, _speakers[(int)chunk.Speaker]);
        var assessment = new Assessment
        {
            Seq = chunk.Seq,
            IsFinal = chunk.IsFinal,
            Speaker = chunk.Speaker,
            Shouting = shouting,
            ModelName = classifier.ModelName,
        };
        ContractMapping.AddResults(classifier, classification, chunk.Text, assessment.Scores, assessment.Evidence);
        if (chunk.IsFinal)
        {
            _lastFinalSeq = chunk.Seq;
        }

        updates.Add(new CallUpdate { Seq = ++_updateSeq, Assessment = assessment });
        var signal = new ChunkSignal(
            chunk.Seq,
            chunk.Speaker == Speaker.Agent ? CallSpeaker.Agent : CallSpeaker.Customer,
            chunk.IsFinal,
            clock.At(Math.Max(chunk.EndMs, chunk.StartMs)),
            chunk.StartMs,
            chunk.Text,
            ChunkSignal.ProtocolFlags(classification.Scores, threatMinProbability),
            shouting.IsShouting && chunk.IsFinal,
            classification.Evidence.Count == 0 ? null : StrongestSpans(classification.Evidence));
        Apply(escalation.Observe(signal), chunk.Seq, updates);
    }

    /// <summary>Moves the protocol on for something the agent did; an action of no known kind gets an error update.</summary>
    public void Act(AgentAction action, List<CallUpdate> updates)
    {
        if (action.Kind.ToEngine() is not { } kind)
        {
            updates.Add(Error(action.Seq, "INVALID_ARGUMENT", "The agent action's kind must be set to a known AgentActionKind."));
            return;
        }

        Apply(escalation.OnAgentAction(kind, action.Seq, clock.At(0), action.HasNote ? action.Note : null), action.Seq, updates);
    }

    /// <summary>Ends the call's escalation: the call_ended alert and the final incident notes, when the call had abuse.</summary>
    public void End(CallEndReason reason, List<CallUpdate> updates) => Apply(escalation.End(reason, clock.At(0)), 0, updates);

    /// <summary>An alert raised outside the engine for this call, such as a repeat-caller heads-up.</summary>
    public void Raise(Alert alert, List<CallUpdate> updates)
    {
        alerts.Raise(alert);
        updates.Add(new CallUpdate { Seq = ++_updateSeq, Alert = alert.ToContract() });
    }

    /// <summary>
    /// Raises the step's alerts and adds them to the call's own stream, except coaching alerts: those are about the agent
    /// and go to supervisors only.
    /// </summary>
    private void Apply(EscalationStep step, ulong seq, List<CallUpdate> updates)
    {
        if (step.LevelChanged)
        {
            var category = "";
            foreach (var alert in step.Alerts)
            {
                if (alert.Kind == AlertKind.LevelChanged)
                {
                    category = alert.Category;
                }
            }

            updates.Add(new CallUpdate { Seq = ++_updateSeq, Escalation = EscalationMapping.ToChange(step, seq, category) });
        }

        foreach (var alert in step.Alerts)
        {
            alerts.Raise(alert);
            if (alert.Kind != AlertKind.Coaching)
            {
                updates.Add(new CallUpdate { Seq = ++_updateSeq, Alert = alert.ToContract() });
            }
        }

        // The call ends by a CallEnd or by the agent's CALL_ENDED_BY_AGENT, whichever comes first.
        if (escalation.IsEnded && !_historyRecorded)
        {
            _historyRecorded = true;
            history.CallEnded(escalation);
        }

        // Notes are kept as soon as the call reaches final_warning, so they survive a crash before the call ends.
        if (!_snapshotKept && !escalation.IsEnded && escalation.Incident is { } ongoing)
        {
            _snapshotKept = true;
            history.Keep(ongoing);
        }
    }

    /// <summary>
    /// The spans people should read in an alert: strongest first, none overlapping a stronger one (each category's
    /// attribution marks the same words again), at most three.
    /// </summary>
    internal static IReadOnlyList<EvidenceSpan> StrongestSpans(IReadOnlyList<EvidenceSpan> spans)
    {
        const int MostSpans = 3;
        var chosen = new List<EvidenceSpan>(MostSpans);
        foreach (var span in spans.OrderByDescending(s => s.Weight))
        {
            if (!chosen.Exists(c => span.Start < c.Start + c.Length && c.Start < span.Start + span.Length))
            {
                chosen.Add(span);
                if (chosen.Count == MostSpans)
                {
                    break;
                }
            }
        }

        chosen.Sort((a, b) => a.Start.CompareTo(b.Start));
        return chosen;
    }

    private CallUpdate? CheckChunk(TranscriptChunk chunk)
    {
        if (_lastFinalSeq is { } last && chunk.Seq <= last)
        {
            return Error(chunk.Seq, "INVALID_ARGUMENT", $"seq went backwards: {chunk.Seq} is not greater than the last final chunk's seq {last}.");
        }

        if (chunk.Speaker is not (Speaker.Customer or Speaker.Agent))
        {
            return Error(chunk.Seq, "INVALID_ARGUMENT", "The chunk's speaker must be CUSTOMER or AGENT.");
        }

        if (chunk.Text.Length > maxTextLength)
        {
            return Error(chunk.Seq, "INVALID_ARGUMENT", $"The chunk's text is longer than {maxTextLength} characters.");
        }

        if (!chunk.HasLoudnessDbfs && chunk.Pcm16.Length % 2 != 0)
        {
            return Error(chunk.Seq, "INVALID_ARGUMENT", "pcm16 must hold whole 16-bit samples (an even number of bytes).");
        }

        return null;
    }

    /// <summary>An update reporting an event the call could not use.</summary>
    public CallUpdate Error(ulong seq, string code, string message)
        => new() { Seq = ++_updateSeq, Error = new ChunkError { Seq = seq, Code = code, Message = message } };

    /// <summary>
    /// Final chunks feed the speaker's baseline; partial chunks are only compared with it, so an utterance is never
    /// counted twice. A chunk without audio leaves the loudness fields at 0 and repeats the speaker's shouting state.
    /// </summary>
    private static Contracts.V1.Shouting MeasureShouting(TranscriptChunk chunk, ShoutingDetector speaker)
    {
        var cues = TextShoutingCues.Measure(chunk.Text);
        var result = new Contracts.V1.Shouting
        {
            CapsRatio = cues.CapitalsRatio,
            TextLooksShouted = cues.LooksShouted,
            IsShouting = speaker.IsShouting,
            BaselineDbfs = float.IsNaN(speaker.BaselineDbfs) ? 0 : speaker.BaselineDbfs,
        };

        float? loudness = chunk.HasLoudnessDbfs ? chunk.LoudnessDbfs
            : chunk.Pcm16.Length > 0 ? LoudnessMeter.RmsDbfs(chunk.Pcm16.Span)
            : null;
        if (loudness is not { } level)
        {
            return result;
        }

        var assessed = chunk.IsFinal ? speaker.Observe(level) : speaker.Peek(level);
        result.LoudnessDbfs = level;
        result.BaselineDbfs = float.IsNaN(assessed.BaselineDbfs) ? 0 : assessed.BaselineDbfs;
        result.ExcessDb = assessed.ExcessDb;
        result.IsLoud = assessed.IsLoud;
        result.IsShouting = assessed.IsShouting;
        return result;
    }
}
