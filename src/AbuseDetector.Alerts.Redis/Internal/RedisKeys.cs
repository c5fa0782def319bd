namespace AbuseDetector.Alerts.Redis.Internal;

/// <summary>
/// The key and channel layout. Every key starts with <c>{prefix}:{{tenant}}:</c>, the tenant in braces as the Redis
/// Cluster hash tag, so all of a tenant's keys share one slot and a script may touch any of them together. Channels for
/// PUBLISH (a standalone server, Sentinel) are not bound to a slot and keep the names plugins subscribe to,
/// <c>{prefix}:{tenant}:agent:{id}</c>; shard channels (SPUBLISH, on a cluster) are, so they carry the hash tag too,
/// <c>{prefix}:{{tenant}}:agent:{id}</c>, and a script may publish to them. Tenants never share a key or a channel.
/// Identifiers are used as given: they come from the platform, and Redis keys are binary-safe.
/// </summary>
internal sealed class RedisKeys(string prefix)
{
    public string AgentChannel(string tenant, string agent, bool sharded) =>
        sharded ? $"{prefix}:{{{tenant}}}:agent:{agent}" : $"{prefix}:{tenant}:agent:{agent}";

    public string AgentHistory(string tenant, string agent) => $"{prefix}:{{{tenant}}}:agent:{agent}:history";

    public string TeamChannel(string tenant, string team, bool sharded) =>
        sharded ? $"{prefix}:{{{tenant}}}:team:{team}" : $"{prefix}:{tenant}:team:{team}";

    public string TeamHistory(string tenant, string team) => $"{prefix}:{{{tenant}}}:team:{team}:history";

    public string AlertDedupe(string tenant, string alertId) => $"{prefix}:{{{tenant}}}:alert:{alertId}";

    public string Incident(string tenant, string callId) => $"{prefix}:{{{tenant}}}:incident:{callId}";

    public string Incidents(string tenant) => $"{prefix}:{{{tenant}}}:incidents";

    public string IncidentsByTeam(string tenant, string team) => $"{prefix}:{{{tenant}}}:incidents:team:{team}";

    public string IncidentsByAgent(string tenant, string agent) => $"{prefix}:{{{tenant}}}:incidents:agent:{agent}";

    public string IncidentsByCustomer(string tenant, string customer) => $"{prefix}:{{{tenant}}}:incidents:customer:{customer}";

    public string AbusiveCalls(string tenant, string agent) => $"{prefix}:{{{tenant}}}:wellbeing:{agent}:abusive_calls";

    public string AbusiveStreak(string tenant, string agent) => $"{prefix}:{{{tenant}}}:wellbeing:{agent}:streak";

    public string CallState(string tenant, string callId) => $"{prefix}:{{{tenant}}}:call:{callId}:state";

    public string CallTimeline(string tenant, string callId) => $"{prefix}:{{{tenant}}}:call:{callId}:timeline";

    public string CallLease(string tenant, string callId) => $"{prefix}:{{{tenant}}}:call:{callId}:lease";

    public string WellbeingTeam(string tenant, string team) => $"{prefix}:{{{tenant}}}:team:{team}:wellbeing";

    /// <summary>The history stream of a team or an agent.</summary>
    public string History(Monitoring.AlertScope scope) =>
        scope.TeamId is { } team ? TeamHistory(scope.TenantId, team) : AgentHistory(scope.TenantId, scope.AgentId!);

    /// <summary>The channel of a team or an agent.</summary>
    public string Channel(Monitoring.AlertScope scope, bool sharded) =>
        scope.TeamId is { } team ? TeamChannel(scope.TenantId, team, sharded) : AgentChannel(scope.TenantId, scope.AgentId!, sharded);
}
