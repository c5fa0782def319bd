using System.Globalization;
using AbuseDetector.Alerts.Redis.Internal;
using AbuseDetector.Escalation;
using StackExchange.Redis;

namespace AbuseDetector.Alerts.Redis;

/// <summary>
/// Incidents in Redis: each as JSON at <c>{prefix}:{tenant}:incident:{call}</c>, kept for
/// <see cref="RedisAlertsOptions.IncidentRetention"/> after the call started, and indexed newest first in sorted sets
/// scored by start time (unix ms): <c>{prefix}:{tenant}:incidents</c> and <c>…:incidents:team:{team}</c>,
/// <c>…:incidents:agent:{agent}</c>, <c>…:incidents:customer:{customer}</c>. Also the per-agent counts behind
/// wellbeing alerts at <c>{prefix}:{tenant}:wellbeing:{agent}:…</c>.
/// </summary>
public sealed class RedisIncidentStore
{
    private readonly RedisConnection _connection;
    private readonly RedisKeys _keys;
    private readonly TimeProvider _time;

    /// <summary>Creates a store on the process's connection.</summary>
    /// <param name="connection">The Redis connection; not disposed with the store.</param>
    /// <param name="timeProvider">The clock retention is measured with, or null for the system clock.</param>
    public RedisIncidentStore(RedisConnection connection, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _connection = connection;
        _keys = connection.Keys;
        _time = timeProvider ?? TimeProvider.System;
    }

    private TimeSpan Retention => _connection.Options.IncidentRetention;

    /// <summary>Saves or replaces the incident of a call and indexes it, in one atomic script; an incident already past retention is not saved.</summary>
    /// <param name="incident">The incident.</param>
    /// <param name="cancellationToken">Stops waiting; the incident may still be saved.</param>
    /// <returns>True when saved, false when the call started longer ago than the retention.</returns>
    /// <exception cref="RedisConnectionException">Redis is not reachable.</exception>
    public async Task<bool> SaveAsync(Incident incident, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(incident);
        var call = incident.Call;
        var now = _time.GetUtcNow();
        var keepFor = incident.StartedAt + Retention - now;
        if (keepFor <= TimeSpan.Zero)
        {
            return false;
        }

        var keys = new List<RedisKey>
        {
            _keys.Incident(call.TenantId, call.CallId),
            _keys.Incidents(call.TenantId),
            _keys.IncidentsByTeam(call.TenantId, call.TeamId),
            _keys.IncidentsByAgent(call.TenantId, call.AgentId),
        };
        if (call.CustomerId.Length > 0)
        {
            keys.Add(_keys.IncidentsByCustomer(call.TenantId, call.CustomerId));
        }

        await _connection.EvaluateAsync(
            Scripts.SaveIncident,
            [.. keys],
            [
                IncidentJson.Serialize(incident),
                Math.Max(1L, (long)Math.Ceiling(keepFor.TotalMilliseconds)),
                incident.StartedAt.ToUnixTimeMilliseconds(),
                call.CallId,
                Cutoff(now),
                (long)Retention.TotalMilliseconds,
            ], cancellationToken);
        return true;
    }

    /// <summary>Reads the incident of a call.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="callId">The call.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The incident, or null when there is none or it expired.</returns>
    /// <exception cref="RedisConnectionException">Redis is not reachable.</exception>
    public async Task<Incident?> GetAsync(string tenantId, string callId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        ArgumentNullException.ThrowIfNull(callId);
        var database = await _connection.GetDatabaseAsync(cancellationToken);
        var json = await database.StringGetAsync(_keys.Incident(tenantId, callId)).WaitAsync(_connection.Options.OperationTimeout, cancellationToken);
        return json.IsNull ? null : IncidentJson.Parse((byte[])json!);
    }

    /// <summary>Lists incidents newest first, dropping index entries whose incident expired.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="filter">Which incidents, or null for all of the tenant's.</param>
    /// <param name="limit">The most incidents to return.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>Up to <paramref name="limit"/> incidents, the latest started first.</returns>
    /// <exception cref="RedisConnectionException">Redis is not reachable.</exception>
    public async Task<IReadOnlyList<Incident>> ListAsync(string tenantId, IncidentFilter? filter = null, int limit = 100, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        filter ??= new IncidentFilter();

        // The narrowest index answers; other criteria are checked on the incidents, reading more to fill the limit.
        var (index, criteria) = filter switch
        {
            { CustomerId: { } customer } => (_keys.IncidentsByCustomer(tenantId, customer), (filter.AgentId is null ? 0 : 1) + (filter.TeamId is null ? 0 : 1)),
            { AgentId: { } agent } => (_keys.IncidentsByAgent(tenantId, agent), filter.TeamId is null ? 0 : 1),
            { TeamId: { } team } => (_keys.IncidentsByTeam(tenantId, team), 0),
            _ => (_keys.Incidents(tenantId), 0),
        };
        var read = criteria == 0 ? limit : (int)Math.Min(100_000L, limit * 10L);

        var result = await _connection.EvaluateAsync(
            Scripts.ListIncidents,
            [index],
            [
                _keys.IncidentPrefix(tenantId),
                filter.To is { } to ? to.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture) : "+inf",
                filter.From is { } from ? from.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture) : "-inf",
                read,
                Cutoff(_time.GetUtcNow()),
            ], cancellationToken);

        var incidents = new List<Incident>();
        foreach (var json in (RedisResult[])result!)
        {
            var incident = IncidentJson.Parse((byte[])json!);
            if (Matches(incident, filter))
            {
                incidents.Add(incident);
                if (incidents.Count == limit)
                {
                    break;
                }
            }
        }

        return incidents;
    }

    /// <summary>Counts a caller's incidents in a recent window and describes the newest, from the customer index.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="customerId">The caller.</param>
    /// <param name="window">How far back to look, from now.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The count and the newest incident's outcome and level.</returns>
    /// <exception cref="RedisConnectionException">Redis is not reachable.</exception>
    public async Task<CustomerHistory> GetCustomerHistoryAsync(string tenantId, string customerId, TimeSpan window, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        ArgumentException.ThrowIfNullOrEmpty(customerId);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        var now = _time.GetUtcNow();
        var result = (RedisResult[])(await _connection.EvaluateAsync(
            Scripts.CustomerHistory,
            [_keys.IncidentsByCustomer(tenantId, customerId)],
            [_keys.IncidentPrefix(tenantId), (now - window).ToUnixTimeMilliseconds(), Cutoff(now)], cancellationToken))!;

        var count = (int)result[0];
        if (count == 0 || result[1].IsNull)
        {
            return new CustomerHistory(0, null, null, null);
        }

        var newest = IncidentJson.Parse((byte[])result[1]!);
        return new CustomerHistory(count, newest.Outcome, newest.HighestLevel, newest.StartedAt);
    }

    /// <summary>Records whether an agent's call was abusive and returns the agent's recent counts; a calm call resets the streak.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="agentId">The agent.</param>
    /// <param name="abusive">Whether the call had abuse on it.</param>
    /// <param name="at">When the call ended.</param>
    /// <param name="shiftWindow">How far back abusive calls count; the counts are forgotten after this long without calls.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>Abusive calls in the window and in a row.</returns>
    /// <exception cref="RedisConnectionException">Redis is not reachable.</exception>
    public async Task<AgentWellbeing> RecordCallOutcomeAsync(string tenantId, string agentId, bool abusive, DateTimeOffset at, TimeSpan shiftWindow, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        ArgumentNullException.ThrowIfNull(agentId);
        ArgumentOutOfRangeException.ThrowIfLessThan(shiftWindow, TimeSpan.FromMilliseconds(1));
        var atMs = at.ToUnixTimeMilliseconds();
        var result = (RedisResult[])(await _connection.EvaluateAsync(
            Scripts.RecordCallOutcome,
            [_keys.AbusiveCalls(tenantId, agentId), _keys.AbusiveStreak(tenantId, agentId)],
            [
                abusive ? "1" : "0",
                atMs,
                atMs - (long)shiftWindow.TotalMilliseconds,
                (long)shiftWindow.TotalMilliseconds,
                string.Create(CultureInfo.InvariantCulture, $"{atMs}:{Guid.NewGuid():N}"),
            ], cancellationToken))!;
        return new AgentWellbeing((int)result[0], (int)result[1]);
    }

    private long Cutoff(DateTimeOffset now) => (now - Retention).ToUnixTimeMilliseconds();

    private static bool Matches(Incident incident, IncidentFilter filter) =>
        (filter.TeamId is null || string.Equals(incident.Call.TeamId, filter.TeamId, StringComparison.Ordinal))
        && (filter.AgentId is null || string.Equals(incident.Call.AgentId, filter.AgentId, StringComparison.Ordinal))
        && (filter.CustomerId is null || string.Equals(incident.Call.CustomerId, filter.CustomerId, StringComparison.Ordinal));
}
