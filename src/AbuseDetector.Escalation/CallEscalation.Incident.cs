using AbuseDetector.Escalation.Internal;

namespace AbuseDetector.Escalation;

public sealed partial class CallEscalation
{
    private readonly List<IncidentUtterance> _timeline = [];
    private readonly List<IncidentWarning> _warnings = [];
    private readonly List<IncidentSupervisorResponse> _supervisorResponses = [];
    private DateTimeOffset? _endedAt;

    /// <summary>
    /// The incident notes, once due: when the call reached final_warning, or when it ended after abuse
    /// (<see cref="HadAbuse"/>); null before. While the call goes on this is a snapshot with outcome
    /// <see cref="IncidentOutcome.Ongoing"/>, ending at the last event seen.
    /// </summary>
    public Incident? Incident
    {
        get
        {
            var due = HighestLevel >= EscalationLevel.FinalWarning || (IsEnded && HadAbuse);
            if (!due)
            {
                return null;
            }

            return new Incident(
                _call,
                _startedAt,
                _endedAt ?? _lastEventAt,
                HighestLevel,
                _outcome,
                _timeline.ToArray(),
                _warnings.ToArray(),
                _supervisorAlerted,
                _threatRaised)
            {
                SupervisorResponses = _supervisorResponses.ToArray(),
            };
        }
    }

    /// <summary>Adds the chunk to the timeline while there is room, with the excerpts the step may already have made.</summary>
    private void Record(in ChunkSignal chunk, string speaker, bool isShouting, ref ChunkExcerpts excerpts)
    {
        if (_timeline.Count >= _options.MaxIncidentUtterances)
        {
            return;
        }

        var categories = Behaviours.CategoryNames(chunk.Flags, isShouting);
        _timeline.Add(new IncidentUtterance(chunk.Seq, speaker, chunk.At, chunk.OffsetMs, excerpts.Text(this, chunk), categories, _level)
        {
            Evidence = excerpts.Spans(this, chunk),
        });
    }

    private void AddWarning(IncidentWarning warning)
    {
        if (_warnings.Count < _options.MaxIncidentUtterances)
        {
            _warnings.Add(warning);
        }
    }
}
