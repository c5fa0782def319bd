using AbuseDetector.Escalation;

namespace AbuseDetector.Alerts.Redis;

/// <summary>One alert from a team's or an agent's history stream.</summary>
/// <param name="StreamId">The Redis stream id (<c>ms-seq</c>): pass the last one seen to resume after it; empty for an alert that only came live.</param>
/// <param name="Alert">The alert.</param>
public sealed record AlertHistoryEntry(string StreamId, Alert Alert);
