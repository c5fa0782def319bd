using AbuseDetector.Escalation;

namespace AbuseDetector.Alerts.Redis;

/// <summary>Which incidents <see cref="RedisIncidentStore.ListAsync"/> returns; every criterion given must match.</summary>
/// <param name="TeamId">Only this team's incidents, or null for any team.</param>
/// <param name="AgentId">Only this agent's incidents, or null for any agent.</param>
/// <param name="CustomerId">Only this caller's incidents, or null for any caller.</param>
/// <param name="From">Only calls started at or after this time, or null.</param>
/// <param name="To">Only calls started at or before this time, or null.</param>
public sealed record IncidentFilter(string? TeamId = null, string? AgentId = null, string? CustomerId = null, DateTimeOffset? From = null, DateTimeOffset? To = null);

/// <summary>A caller's recent incidents, for repeat-caller alerts.</summary>
/// <param name="IncidentCount">Incidents on record in the window.</param>
/// <param name="LastOutcome">How the newest of them ended, or null when there is none.</param>
/// <param name="LastLevel">The highest level the newest of them reached, or null when there is none.</param>
/// <param name="LastStartedAt">When the newest of them started, or null when there is none.</param>
public sealed record CustomerHistory(int IncidentCount, IncidentOutcome? LastOutcome, EscalationLevel? LastLevel, DateTimeOffset? LastStartedAt);

/// <summary>An agent's recent abusive calls, for wellbeing alerts; the caller decides when to alert.</summary>
/// <param name="AbusiveCallsInWindow">Abusive calls in the shift window.</param>
/// <param name="AbusiveCallsInARow">Abusive calls since the agent's last calm call.</param>
public sealed record AgentWellbeing(int AbusiveCallsInWindow, int AbusiveCallsInARow);
