using System.Security.Cryptography;
using System.Text;

namespace AbuseDetector.Escalation;

/// <summary>
/// Everything a <see cref="CallEscalation"/> knows about its call, so another instance can go on where this one stopped.
/// Bounded: the incident lists are capped by <see cref="EscalationOptions.MaxIncidentUtterances"/> and the evidence by five.
/// </summary>
public sealed record CallEscalationState
{
    /// <summary>Gets when the call started.</summary>
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>Gets the alerts raised so far: the next alert's ordinal, from which its id is made.</summary>
    public required int AlertsRaised { get; init; }

    /// <summary>Gets the current level.</summary>
    public required EscalationLevel Level { get; init; }

    /// <summary>Gets the highest level reached.</summary>
    public required EscalationLevel HighestLevel { get; init; }

    /// <summary>Gets the strikes towards the next level.</summary>
    public required double Strikes { get; init; }

    /// <summary>Gets when the last strike came.</summary>
    public DateTimeOffset? LastStrikeAt { get; init; }

    /// <summary>Gets when the current calm period started.</summary>
    public required DateTimeOffset CalmSince { get; init; }

    /// <summary>Gets the calm final utterances in a row.</summary>
    public required int CalmUtterances { get; init; }

    /// <summary>Gets a value indicating whether the level dropped since it last rose.</summary>
    public required bool CalmedDown { get; init; }

    /// <summary>Gets the level at which the agent reported giving the warning, if at the current one.</summary>
    public EscalationLevel? AgentWarnedAtLevel { get; init; }

    /// <summary>Gets the start offset of the utterance whose partial raised a threat alert, until its final.</summary>
    public ulong? OpenThreatOffsetMs { get; init; }

    /// <summary>Gets the seq of the last final customer utterance.</summary>
    public ulong? LastCustomerFinalSeq { get; init; }

    /// <summary>Gets a value indicating whether the caller is on hold.</summary>
    public required bool OnHold { get; init; }

    /// <summary>Gets a value indicating whether the caller abused the agent.</summary>
    public required bool HadAbuse { get; init; }

    /// <summary>Gets a value indicating whether a threat alert was raised.</summary>
    public required bool ThreatRaised { get; init; }

    /// <summary>Gets a value indicating whether the team was told about the call.</summary>
    public required bool SupervisorAlerted { get; init; }

    /// <summary>Gets a value indicating whether the team was told when the call reached the supervisor level.</summary>
    public required bool SupervisorToldAtThreshold { get; init; }

    /// <summary>Gets a value indicating whether the team was told when the call reached end_call_permitted.</summary>
    public required bool SupervisorToldAtEndCall { get; init; }

    /// <summary>Gets when the last coaching alert was raised.</summary>
    public DateTimeOffset? LastCoachingAt { get; init; }

    /// <summary>Gets the gravest behaviour seen, as alerts name it.</summary>
    public required string WorstBehaviour { get; init; }

    /// <summary>Gets when the last event came.</summary>
    public required DateTimeOffset LastEventAt { get; init; }

    /// <summary>Gets how the call ended, or <see cref="IncidentOutcome.Ongoing"/>.</summary>
    public required IncidentOutcome Outcome { get; init; }

    /// <summary>Gets when the call ended.</summary>
    public DateTimeOffset? EndedAt { get; init; }

    /// <summary>Gets the evidence gathered since the last level change.</summary>
    public IReadOnlyList<string> EvidenceSinceLastStep { get; init; } = [];

    /// <summary>Gets the incident timeline so far.</summary>
    public IReadOnlyList<IncidentUtterance> Timeline { get; init; } = [];

    /// <summary>Gets the warnings given so far.</summary>
    public IReadOnlyList<IncidentWarning> Warnings { get; init; } = [];

    /// <summary>Gets the supervisors' answers so far.</summary>
    public IReadOnlyList<IncidentSupervisorResponse> SupervisorResponses { get; init; } = [];
}

public sealed partial class CallEscalation
{
    /// <summary>
    /// Goes on with a call another <see cref="CallEscalation"/> started, from the state it captured: same level, strikes,
    /// warnings and incident notes, and alert ids that carry on from the same ordinal.
    /// </summary>
    /// <param name="call">Who the call is between.</param>
    /// <param name="state">The state <see cref="Capture"/> gave.</param>
    /// <param name="options">The thresholds and timings.</param>
    /// <param name="scripts">The script lines.</param>
    /// <returns>The call's protocol, as it was.</returns>
    public static CallEscalation Restore(CallParticipants call, CallEscalationState state, EscalationOptions options, ScriptBook scripts)
    {
        ArgumentNullException.ThrowIfNull(state);
        var escalation = new CallEscalation(call, state.StartedAt, options, scripts)
        {
            _alertsRaised = state.AlertsRaised,
            _level = state.Level,
            HighestLevel = state.HighestLevel,
            _strikes = state.Strikes,
            _lastStrikeAt = state.LastStrikeAt,
            _calmSince = state.CalmSince,
            _calmUtterances = state.CalmUtterances,
            _calmedDown = state.CalmedDown,
            _agentWarnedAtLevel = state.AgentWarnedAtLevel,
            _openThreatOffsetMs = state.OpenThreatOffsetMs,
            _lastCustomerFinalSeq = state.LastCustomerFinalSeq,
            _onHold = state.OnHold,
            _hadAbuse = state.HadAbuse,
            _threatRaised = state.ThreatRaised,
            _supervisorAlerted = state.SupervisorAlerted,
            _supervisorToldAtThreshold = state.SupervisorToldAtThreshold,
            _supervisorToldAtEndCall = state.SupervisorToldAtEndCall,
            _lastCoachingAt = state.LastCoachingAt,
            _worstBehaviour = state.WorstBehaviour,
            _lastEventAt = state.LastEventAt,
            _outcome = state.Outcome,
            _endedAt = state.EndedAt,
            _evidenceSinceLastStep = state.EvidenceSinceLastStep.Count == 0 ? null : [.. state.EvidenceSinceLastStep],
        };

        // Capped again, so a state saved under larger limits cannot grow this call past its own.
        var room = options.MaxIncidentUtterances;
        escalation._timeline.AddRange(state.Timeline.Take(room));
        escalation._warnings.AddRange(state.Warnings.Take(room));
        escalation._supervisorResponses.AddRange(state.SupervisorResponses.Take(MostSupervisorResponses));
        return escalation;
    }

    /// <summary>Everything this call's protocol knows, to go on elsewhere with <see cref="Restore"/>.</summary>
    /// <returns>A copy: later events do not change it.</returns>
    public CallEscalationState Capture() => new()
    {
        StartedAt = _startedAt,
        AlertsRaised = _alertsRaised,
        Level = _level,
        HighestLevel = HighestLevel,
        Strikes = _strikes,
        LastStrikeAt = _lastStrikeAt,
        CalmSince = _calmSince,
        CalmUtterances = _calmUtterances,
        CalmedDown = _calmedDown,
        AgentWarnedAtLevel = _agentWarnedAtLevel,
        OpenThreatOffsetMs = _openThreatOffsetMs,
        LastCustomerFinalSeq = _lastCustomerFinalSeq,
        OnHold = _onHold,
        HadAbuse = _hadAbuse,
        ThreatRaised = _threatRaised,
        SupervisorAlerted = _supervisorAlerted,
        SupervisorToldAtThreshold = _supervisorToldAtThreshold,
        SupervisorToldAtEndCall = _supervisorToldAtEndCall,
        LastCoachingAt = _lastCoachingAt,
        WorstBehaviour = _worstBehaviour,
        LastEventAt = _lastEventAt,
        Outcome = _outcome,
        EndedAt = _endedAt,
        EvidenceSinceLastStep = _evidenceSinceLastStep is { Count: > 0 } evidence ? evidence.ToArray() : [],
        Timeline = _timeline.Count == 0 ? [] : _timeline.ToArray(),
        Warnings = _warnings.Count == 0 ? [] : _warnings.ToArray(),
        SupervisorResponses = _supervisorResponses.Count == 0 ? [] : _supervisorResponses.ToArray(),
    };

    /// <summary>
    /// The id of the call's alert with this ordinal: the same on every instance, so an alert raised again after a resume
    /// (its event replayed because the state saved before it) keeps its id and is published once.
    /// </summary>
    private static string CallAlertId(CallParticipants call, DateTimeOffset startedAt, int ordinal)
    {
        var name = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{call.TenantId}\n{call.CallId}\n{startedAt.UtcTicks}\n{ordinal}");
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(name), hash);
        return Convert.ToHexStringLower(hash[..16]);
    }
}
