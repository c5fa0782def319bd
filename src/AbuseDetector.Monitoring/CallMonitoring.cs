using AbuseDetector.Detection;
using AbuseDetector.Escalation;

namespace AbuseDetector.Monitoring;

/// <summary>
/// What every live call shares: the classifier, the protocol's settings and script lines, where alerts and incidents
/// go, and the rules across calls (repeat callers at start, agent wellbeing at the end). One per process.
/// </summary>
public sealed class CallMonitoring
{
    private readonly Func<AbuseClassifier> _classifier;
    private readonly ScriptBook _scripts;
    private readonly ShoutingOptions _shouting;
    private readonly TimeProvider _time;
    private readonly RepeatCallerRule _repeatCallers;
    private readonly AgentWellbeingRule _wellbeing;

    /// <summary>Initializes a new instance of the <see cref="CallMonitoring"/> class.</summary>
    /// <param name="classifier">The loaded classifier, asked for at each call start.</param>
    /// <param name="escalation">The protocol's settings, validated by the host.</param>
    /// <param name="scripts">The script lines per tenant and language.</param>
    /// <param name="shouting">The shouting detector's settings.</param>
    /// <param name="maxTextLength">The longest chunk text scored, in characters.</param>
    /// <param name="alerts">Where alerts go.</param>
    /// <param name="incidents">Where notes and counts across calls are kept.</param>
    /// <param name="history">How repeat callers and wellbeing are judged.</param>
    /// <param name="callStates">Where live calls' state is saved for another instance to resume them.</param>
    /// <param name="timeProvider">The service's clock.</param>
    public CallMonitoring(
        Func<AbuseClassifier> classifier,
        EscalationOptions escalation,
        ScriptBook scripts,
        ShoutingOptions shouting,
        int maxTextLength,
        IAlertSink alerts,
        IIncidentStore incidents,
        CallHistoryOptions history,
        ICallStateStore callStates,
        TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        ArgumentNullException.ThrowIfNull(escalation);
        ArgumentNullException.ThrowIfNull(scripts);
        ArgumentNullException.ThrowIfNull(shouting);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTextLength, 1);
        ArgumentNullException.ThrowIfNull(alerts);
        ArgumentNullException.ThrowIfNull(incidents);
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(callStates);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _classifier = classifier;
        Escalation = escalation;
        _scripts = scripts;
        _shouting = shouting;
        MaxTextLength = maxTextLength;
        Alerts = alerts;
        Incidents = incidents;
        CallStates = callStates;
        _time = timeProvider;
        _repeatCallers = new RepeatCallerRule(incidents, alerts, history, timeProvider);
        _wellbeing = new AgentWellbeingRule(incidents, alerts, history, timeProvider);
    }

    /// <summary>Gets the protocol's settings; <see cref="EscalationOptions.ThreatMinProbability"/> is the one threat bar.</summary>
    public EscalationOptions Escalation { get; }

    /// <summary>Gets the longest chunk text scored, in characters.</summary>
    public int MaxTextLength { get; }

    internal IAlertSink Alerts { get; }

    internal IIncidentStore Incidents { get; }

    /// <summary>Gets where live calls' state is saved, and their leases taken.</summary>
    public ICallStateStore CallStates { get; }

    /// <summary>
    /// Opens the monitor of a call that starts now, with the repeat-caller heads-up when the caller has incidents on
    /// record (looked up for at most <see cref="CallHistoryOptions.HistoryLookupTimeout"/>; already raised).
    /// </summary>
    /// <param name="call">Who the call is between.</param>
    /// <param name="cancellationToken">Stops waiting for the caller's history.</param>
    /// <returns>The call's monitor.</returns>
    public async Task<CallMonitor> StartAsync(CallParticipants call, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(call);
        var startedAt = _time.GetUtcNow();
        var monitor = new CallMonitor(this, _classifier(), new CallEscalation(call, startedAt, Escalation, _scripts), new CallClock(_time, startedAt), _shouting)
        {
            RepeatCallerAlert = await _repeatCallers.CheckAsync(call, cancellationToken),
        };

        // Saved from the start, so a call that moves before its first final utterance can still be resumed.
        monitor.Save();
        return monitor;
    }

    /// <summary>
    /// Opens the monitor of a call resumed from the state another instance saved: same level, strikes, baselines, warnings
    /// and notes; no repeat-caller heads-up (the call had it when it started).
    /// </summary>
    /// <param name="snapshot">The saved state.</param>
    /// <returns>The call's monitor.</returns>
    public CallMonitor Resume(CallSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var state = snapshot.Escalation;
        var escalation = CallEscalation.Restore(snapshot.Call, state, Escalation, _scripts);
        return new CallMonitor(this, _classifier(), snapshot, escalation, new CallClock(_time, state.StartedAt, snapshot.CallTime ?? state.LastEventAt, snapshot.PlatformTimed), _shouting);
    }

    /// <summary>After a call: keeps its notes and counts it for the agent's wellbeing, in the background.</summary>
    internal void CallEnded(CallEscalation escalation)
    {
        if (escalation.Incident is { } incident)
        {
            Incidents.Keep(incident);
        }

        _wellbeing.Count(escalation.Call, escalation.HadAbuse);
    }
}
