using AbuseDetector.Escalation;

namespace AbuseDetector.Monitoring.Tests;

/// <summary>Alerts built by hand, for the feed and scope tests.</summary>
internal static class Alerts
{
    public static Alert For(string tenantId, string teamId, string agentId, AlertAudience audience, string? id = null) => new(
        id ?? Guid.NewGuid().ToString("N"),
        new CallParticipants(tenantId, "call-1", agentId, teamId, "", "en"),
        AlertKind.LevelChanged,
        audience,
        EscalationLevel.Notice,
        "insult",
        AlertSeverity.Info,
        "The level rose from none to notice: the caller insulted the agent.",
        [],
        "",
        1,
        Monitors.CallStart);
}
