using System.Globalization;
using AbuseDetector.Escalation;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AbuseDetector.Service.Internal;

/// <summary>
/// What the service learns across calls, from Redis: the repeat_caller heads-up at call start, incident notes kept
/// for the manager, and agent_wellbeing alerts when an agent takes several abusive calls. Does nothing when Redis is off.
/// </summary>
internal sealed class CallHistory(
    RedisAlerts redis,
    IncidentKeeper incidents,
    AlertDispatcher alerts,
    TimeProvider timeProvider,
    IOptions<AbuseDetectorAlertOptions> options,
    ILogger<CallHistory> logger)
{
    /// <summary>
    /// A heads-up for the agent when the caller has incidents within the window; null when they have none, the
    /// customer is unknown, or Redis does not answer within the lookup timeout (the call never waits longer).
    /// </summary>
    public async Task<Alert?> RepeatCallerAsync(CallParticipants call, CancellationToken cancellationToken)
    {
        if (redis.Incidents is not { } store || call.CustomerId.Length == 0 || redis.Connection is not { IsConnected: true })
        {
            return null;
        }

        var settings = options.Value;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.HistoryLookupTimeout);
        try
        {
            var history = await store.GetCustomerHistoryAsync(call.TenantId, call.CustomerId, settings.RepeatCallerWindow, timeout.Token).WaitAsync(timeout.Token);
            if (history.IncidentCount == 0)
            {
                return null;
            }

            var days = settings.RepeatCallerWindow.TotalDays.ToString("0.#", CultureInfo.InvariantCulture);
            var last = history.LastOutcome is { } outcome
                ? $" The last one reached {history.LastLevel?.ToName() ?? "none"} and ended {OutcomeText(outcome)}."
                : "";
            var calls = history.IncidentCount == 1 ? "1 incident" : $"{history.IncidentCount} incidents";
            return new Alert(
                NewAlertId(),
                call,
                AlertKind.RepeatCaller,
                AlertAudience.Agent,
                EscalationLevel.None,
                "",
                history.LastLevel >= EscalationLevel.FinalWarning ? AlertSeverity.Warning : AlertSeverity.Info,
                $"This caller has {calls} on record in the last {days} days.{last}",
                [],
                "",
                0,
                timeProvider.GetUtcNow());
        }
        catch (Exception ex) when (ex is OperationCanceledException or TimeoutException or RedisException)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ServiceLog.CallHistoryUnavailable(logger);
            return null;
        }
    }

    /// <summary>Keeps the notes of a call that has them (an ongoing snapshot replaces nothing but an earlier snapshot).</summary>
    public void Keep(Incident incident) => incidents.Keep(incident);

    /// <summary>After a call: keeps its notes and counts it for the agent's wellbeing, in the background.</summary>
    public void CallEnded(CallEscalation escalation)
    {
        if (escalation.Incident is { } incident)
        {
            incidents.Keep(incident);
        }

        if (redis.Incidents is { } store && escalation.Call.AgentId.Length > 0)
        {
            _ = CountForWellbeingAsync(store, escalation.Call, escalation.HadAbuse);
        }
    }

    private async Task CountForWellbeingAsync(Alerts.Redis.RedisIncidentStore store, CallParticipants call, bool abusive)
    {
        var settings = options.Value;
        try
        {
            var now = timeProvider.GetUtcNow();
            var wellbeing = await store.RecordCallOutcomeAsync(call.TenantId, call.AgentId, abusive, now, settings.WellbeingShiftWindow);

            // Alert once as each threshold is crossed, not on every abusive call after it.
            if (abusive && (wellbeing.AbusiveCallsInARow == settings.WellbeingCallsInARow || wellbeing.AbusiveCallsInWindow == settings.WellbeingCallsPerShift))
            {
                var hours = settings.WellbeingShiftWindow.TotalHours.ToString("0.#", CultureInfo.InvariantCulture);
                alerts.Raise(new Alert(
                    NewAlertId(),
                    call,
                    AlertKind.AgentWellbeing,
                    AlertAudience.Team,
                    EscalationLevel.None,
                    "",
                    AlertSeverity.Warning,
                    $"Agent {call.AgentId} has taken {wellbeing.AbusiveCallsInARow} abusive calls in a row and {wellbeing.AbusiveCallsInWindow} in the last {hours} hours; consider offering a break.",
                    [],
                    "",
                    0,
                    now));
            }
        }
        catch (Exception ex) when (ex is TimeoutException or RedisException)
        {
            // Wellbeing counts are best effort: a call during an outage is simply not counted.
            ServiceLog.CallHistoryUnavailable(logger);
        }
    }

    private static string NewAlertId() => Guid.CreateVersion7().ToString("N");

    private static string OutcomeText(IncidentOutcome outcome) => outcome switch
    {
        IncidentOutcome.EndedByAgent => "with the agent ending the call",
        IncidentOutcome.CallerHungUp => "with the caller hanging up",
        IncidentOutcome.Transferred => "with a transfer",
        IncidentOutcome.Dropped => "with the call dropping",
        IncidentOutcome.Ongoing => "while still ongoing",
        _ => "normally",
    };
}
