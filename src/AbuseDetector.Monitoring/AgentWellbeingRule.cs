using System.Globalization;
using AbuseDetector.Escalation;

namespace AbuseDetector.Monitoring;

/// <summary>
/// After each call: counts it for the agent (and the agent for the call's team), and tells the team once when the agent has taken
/// <see cref="CallHistoryOptions.WellbeingCallsInARow"/> abusive calls in a row or
/// <see cref="CallHistoryOptions.WellbeingCallsPerShift"/> in the shift window.
/// </summary>
internal sealed class AgentWellbeingRule(IIncidentStore incidents, IAlertSink alerts, CallHistoryOptions options, TimeProvider timeProvider)
{
    /// <summary>Counts the call in the background; a call the store cannot count (an outage, shutdown) is not counted.</summary>
    public void Count(CallParticipants call, bool abusive)
    {
        if (call.AgentId.Length > 0)
        {
            _ = CountAsync(call, abusive);
        }
    }

    private async Task CountAsync(CallParticipants call, bool abusive)
    {
        var now = timeProvider.GetUtcNow();
        AgentWellbeing? wellbeing;
        try
        {
            wellbeing = await incidents.RecordCallOutcomeAsync(call.TenantId, call.TeamId, call.AgentId, abusive, now, options.WellbeingShiftWindow);
        }
        catch (Exception)
        {
            // Counting runs after the call, in the background: a count the store cannot take (an outage, the connection
            // closing at shutdown, a fault of its own, which it logs) is lost, never the call.
            return;
        }

        // Once as each threshold is crossed, not on every abusive call after it.
        if (!abusive || wellbeing is null
            || (wellbeing.AbusiveCallsInARow != options.WellbeingCallsInARow && wellbeing.AbusiveCallsInWindow != options.WellbeingCallsPerShift))
        {
            return;
        }

        var hours = options.WellbeingShiftWindow.TotalHours.ToString("0.#", CultureInfo.InvariantCulture);
        alerts.Raise(new Alert(
            Guid.CreateVersion7().ToString("N"),
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
