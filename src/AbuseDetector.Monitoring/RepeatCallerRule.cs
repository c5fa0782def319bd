using System.Globalization;
using AbuseDetector.Escalation;

namespace AbuseDetector.Monitoring;

/// <summary>At call start: a heads-up for the agent when the caller has incidents on record within the window.</summary>
internal sealed class RepeatCallerRule(IIncidentStore incidents, IAlertSink alerts, CallHistoryOptions options, TimeProvider timeProvider)
{
    /// <summary>
    /// Raises and returns the heads-up; null when the caller has no incidents, is unknown, or the store fails or does not
    /// answer within <see cref="CallHistoryOptions.HistoryLookupTimeout"/> (the call never waits longer).
    /// </summary>
    public async Task<Alert?> CheckAsync(CallParticipants call, CancellationToken cancellationToken)
    {
        if (call.CustomerId.Length == 0)
        {
            return null;
        }

        using var lookupTime = new CancellationTokenSource(options.HistoryLookupTimeout, timeProvider);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lookupTime.Token);
        CustomerHistory history;
        try
        {
            history = await incidents.GetCustomerHistoryAsync(call.TenantId, call.CustomerId, options.RepeatCallerWindow, timeout.Token).WaitAsync(timeout.Token);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // Best effort: whatever keeps the caller's history from being read (an outage, a timeout, a fault of the
            // store's), the call starts without the heads-up.
            return null;
        }

        if (history.IncidentCount == 0)
        {
            return null;
        }

        var days = options.RepeatCallerWindow.TotalDays.ToString("0.#", CultureInfo.InvariantCulture);
        var last = history.LastOutcome is { } outcome
            ? $" The last one reached {history.LastLevel?.ToName() ?? "none"} and ended {OutcomeText(outcome)}."
            : "";
        var count = history.IncidentCount == 1 ? "1 incident" : $"{history.IncidentCount} incidents";
        var alert = new Alert(
            Guid.CreateVersion7().ToString("N"),
            call,
            AlertKind.RepeatCaller,
            AlertAudience.Agent,
            EscalationLevel.None,
            "",
            history.LastLevel >= EscalationLevel.FinalWarning ? AlertSeverity.Warning : AlertSeverity.Info,
            $"This caller has {count} on record in the last {days} days.{last}",
            [],
            "",
            0,
            timeProvider.GetUtcNow());
        alerts.Raise(alert);
        return alert;
    }

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
