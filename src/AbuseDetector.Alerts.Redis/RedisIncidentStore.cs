using AbuseDetector.Alerts.Redis.Internal;
using AbuseDetector.Escalation;
using AbuseDetector.Monitoring;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace AbuseDetector.Alerts.Redis;

/// <summary>
/// Incidents in Redis: each as JSON at <c>{prefix}:{{tenant}}:incident:{call}</c>, kept for
/// <see cref="RedisAlertsOptions.IncidentRetention"/> after the call started, and indexed newest first in sorted sets
/// scored by start time (unix ms): <c>{prefix}:{{tenant}}:incidents</c> and <c>…:incidents:team:{team}</c>,
/// <c>…:incidents:agent:{agent}</c>, <c>…:incidents:customer:{customer}</c>. Also the per-agent counts behind
/// wellbeing alerts, <c>{prefix}:{{tenant}}:wellbeing:{agent}:abusive_calls</c> (sorted set scored by call end, unix ms)
/// and <c>…:wellbeing:{agent}:streak</c>, and each team's agents who ended a call in the shift window,
/// <c>{prefix}:{{tenant}}:team:{team}:wellbeing</c> (sorted set of agent ids scored by their latest call end, unix ms,
/// read with the agents' counts by <see cref="GetTeamWellbeingAsync"/>): the sets drop what left the window, and all
/// three expire a window after the last call. <see cref="Keep"/> queues the incident and a background loop saves it
/// through <see cref="RedisWriteRetry"/>, so ending a call never waits on Redis and an outage does not lose the
/// manager's notes; reads fail at once with <see cref="IncidentStoreUnavailableException"/> while Redis is away. Dispose
/// at the end: it gives what is queued <see cref="RedisAlertsOptions.ShutdownFlushTimeout"/>.
/// </summary>
public sealed partial class RedisIncidentStore : IIncidentStore, IAsyncDisposable
{
    private readonly IConnectionMultiplexer _redis;
    private readonly RedisAlertsOptions _options;
    private readonly RedisKeys _keys;
    private readonly RedisWriteRetry _retry;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Creates the store and starts its saving loop; returns at once, also while Redis is down.</summary>
    /// <param name="redis">The process's Redis connection; not disposed with the store.</param>
    /// <param name="options">The settings; validated here.</param>
    /// <param name="retry">The retry policy shared with the publisher; its clock measures retention.</param>
    /// <param name="logger">Logs failures, or null for none.</param>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">An option is out of range.</exception>
    public RedisIncidentStore(IConnectionMultiplexer redis, RedisAlertsOptions options, RedisWriteRetry retry, ILogger<RedisIncidentStore>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(redis);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(retry);
        options.Validate();
        _redis = redis;
        _options = options;
        _keys = new RedisKeys(options.KeyPrefix);
        _retry = retry;
        _time = retry.TimeProvider;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _loop = Task.Run(SaveQueuedAsync, CancellationToken.None);
    }

    /// <summary>The most agents a team's wellbeing lists: a team is a supervisor's screen, not a call centre.</summary>
    internal const int MaxTeamAgents = 1000;

    /// <summary>How many agents' counts one round trip reads.</summary>
    private const int TeamPageSize = 250;

    private TimeSpan Retention => _options.IncidentRetention;

    /// <inheritdoc/>
    /// <exception cref="IncidentStoreUnavailableException">Redis did not answer.</exception>
    public Task<Incident?> GetAsync(string tenantId, string callId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        ArgumentNullException.ThrowIfNull(callId);
        return ReadAsync(async ct =>
        {
            var json = await _redis.GetDatabase().StringGetAsync(_keys.Incident(tenantId, callId)).WaitAsync(_options.OperationTimeout, _time, ct);
            return json.IsNull ? null : TryParse(json!);
        }, cancellationToken);
    }

    /// <summary>Lists incidents newest first, from the narrowest index the filter allows, dropping index entries whose incident expired.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="filter">Which incidents.</param>
    /// <param name="limit">The most to return.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>Up to <paramref name="limit"/> incidents, the latest started first.</returns>
    /// <exception cref="IncidentStoreUnavailableException">Redis did not answer.</exception>
    public Task<IReadOnlyList<Incident>> ListAsync(string tenantId, IncidentFilter filter, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);

        // The narrowest index answers; the other criteria are checked on the incidents, reading on to fill the limit.
        RedisKey index = filter switch
        {
            { CustomerId: { } customer } => _keys.IncidentsByCustomer(tenantId, customer),
            { AgentId: { } agent } => _keys.IncidentsByAgent(tenantId, agent),
            { TeamId: { } team } => _keys.IncidentsByTeam(tenantId, team),
            _ => _keys.Incidents(tenantId),
        };
        var to = filter.To?.ToUnixTimeMilliseconds() ?? double.PositiveInfinity;
        var from = filter.From?.ToUnixTimeMilliseconds() ?? double.NegativeInfinity;
        return ReadAsync<IReadOnlyList<Incident>>(async ct =>
        {
            var incidents = new List<Incident>();
            await foreach (var incident in ReadIndexAsync(tenantId, index, from, to, limit, ct))
            {
                if (filter.Matches(incident))
                {
                    incidents.Add(incident);
                    if (incidents.Count == limit)
                    {
                        break;
                    }
                }
            }

            return incidents;
        }, cancellationToken);
    }

    /// <inheritdoc/>
    /// <exception cref="IncidentStoreUnavailableException">Redis did not answer.</exception>
    public Task<CustomerHistory> GetCustomerHistoryAsync(string tenantId, string customerId, TimeSpan window, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        ArgumentException.ThrowIfNullOrEmpty(customerId);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        var since = (_time.GetUtcNow() - window).ToUnixTimeMilliseconds();
        return ReadAsync(async ct =>
        {
            var count = 0;
            Incident? newest = null;
            await foreach (var incident in ReadIndexAsync(tenantId, _keys.IncidentsByCustomer(tenantId, customerId), since, double.PositiveInfinity, 100, ct))
            {
                newest ??= incident;
                count++;
            }

            return newest is null ? CustomerHistory.None : new CustomerHistory(count, newest.Outcome, newest.HighestLevel, newest.StartedAt);
        }, cancellationToken);
    }

    /// <summary>
    /// Records whether an agent's call was abusive and returns the agent's recent counts; a calm call resets the streak.
    /// With a team, the agent is also listed in the team's wellbeing set, in the same script.
    /// </summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="teamId">The agent's team on this call, or empty for none.</param>
    /// <param name="agentId">The agent.</param>
    /// <param name="abusive">Whether the call had abuse on it.</param>
    /// <param name="at">When the call ended.</param>
    /// <param name="shiftWindow">How far back abusive calls count; the counts are forgotten after this long without calls.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>Abusive calls in the window and in a row.</returns>
    /// <exception cref="IncidentStoreUnavailableException">Redis did not answer or refuses writes for now.</exception>
    public Task<AgentWellbeing?> RecordCallOutcomeAsync(string tenantId, string teamId, string agentId, bool abusive, DateTimeOffset at, TimeSpan shiftWindow, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        ArgumentNullException.ThrowIfNull(teamId);
        ArgumentNullException.ThrowIfNull(agentId);
        ArgumentOutOfRangeException.ThrowIfLessThan(shiftWindow, TimeSpan.FromMilliseconds(1));
        var (keys, values) = Scripts.RecordCallOutcomeArguments(_keys, tenantId, teamId, agentId, abusive, at, shiftWindow);
        return ReadAsync<AgentWellbeing?>(async ct =>
        {
            var result = (RedisResult[])(await _redis.GetDatabase().ScriptEvaluateAsync(Scripts.RecordCallOutcome, keys, values)
                .WaitAsync(_options.OperationTimeout, _time, ct))!;
            return new AgentWellbeing((int)result[0], (int)result[1]);
        }, cancellationToken);
    }

    /// <summary>
    /// Reads a team's shift: the agents in the team's wellbeing set scored in the window (the latest
    /// <see cref="MaxTeamAgents"/> of them), then their abusive calls in the window and streaks, a page of agents per
    /// round trip.
    /// </summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="teamId">The team; not empty (calls without a team are listed for none).</param>
    /// <param name="now">The end of the window.</param>
    /// <param name="shiftWindow">How far back from <paramref name="now"/> calls count; at least a millisecond.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The agents who ended a call for the team in the window, the most abusive calls first, then by agent id.</returns>
    /// <exception cref="IncidentStoreUnavailableException">Redis did not answer.</exception>
    public Task<IReadOnlyList<AgentShiftWellbeing>> GetTeamWellbeingAsync(string tenantId, string teamId, DateTimeOffset now, TimeSpan shiftWindow, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        ArgumentException.ThrowIfNullOrEmpty(teamId);
        ArgumentOutOfRangeException.ThrowIfLessThan(shiftWindow, TimeSpan.FromMilliseconds(1));

        // Inclusive at both ends, as RecordCallOutcome counts from the window's start.
        var to = now.ToUnixTimeMilliseconds();
        var from = to - (long)shiftWindow.TotalMilliseconds;
        return ReadAsync<IReadOnlyList<AgentShiftWellbeing>>(async ct =>
        {
            var database = _redis.GetDatabase();
            var agents = await database.SortedSetRangeByScoreWithScoresAsync(_keys.WellbeingTeam(tenantId, teamId), from, to, Exclude.None, Order.Descending, 0, MaxTeamAgents)
                .WaitAsync(_options.OperationTimeout, _time, ct);
            var team = new List<AgentShiftWellbeing>(agents.Length);
            foreach (var page in agents.Chunk(TeamPageSize))
            {
                // One round trip a page: the reads go out together in a batch (one slot, thanks to the tenant's hash tag).
                var batch = database.CreateBatch();
                var counts = new Task<long>[page.Length];
                var streaks = new Task<RedisValue>[page.Length];
                for (var i = 0; i < page.Length; i++)
                {
                    var agent = (string)page[i].Element!;
                    counts[i] = batch.SortedSetLengthAsync(_keys.AbusiveCalls(tenantId, agent), from, to);
                    streaks[i] = batch.StringGetAsync(_keys.AbusiveStreak(tenantId, agent));
                }

                batch.Execute();
                await Task.WhenAll(Task.WhenAll(counts), Task.WhenAll(streaks)).WaitAsync(_options.OperationTimeout, _time, ct);
                for (var i = 0; i < page.Length; i++)
                {
                    // The streak expires with the agent's last call; a missing one is no streak.
                    var streak = await streaks[i];
                    team.Add(new AgentShiftWellbeing(
                        (string)page[i].Element!,
                        (int)await counts[i],
                        streak.IsNull ? 0 : (int)streak,
                        DateTimeOffset.FromUnixTimeMilliseconds((long)page[i].Score)));
                }
            }

            team.Sort(static (a, b) => b.AbusiveCallsInWindow != a.AbusiveCallsInWindow
                ? b.AbusiveCallsInWindow.CompareTo(a.AbusiveCallsInWindow)
                : string.CompareOrdinal(a.AgentId, b.AgentId));
            return team;
        }, cancellationToken);
    }

    /// <summary>Saves or replaces the incident of a call and indexes it, in one atomic script, once; <see cref="Keep"/> is the way that retries.</summary>
    /// <param name="incident">The incident.</param>
    /// <param name="cancellationToken">Stops waiting; the incident may still be saved.</param>
    /// <returns>True when saved, false when the call started longer ago than the retention.</returns>
    internal async Task<bool> SaveAsync(Incident incident, CancellationToken cancellationToken = default)
    {
        if (Scripts.SaveIncidentArguments(_keys, incident, _time.GetUtcNow(), Retention) is not var (keys, values))
        {
            return false;
        }

        await _redis.GetDatabase().ScriptEvaluateAsync(Scripts.SaveIncident, keys, values).WaitAsync(_options.OperationTimeout, _time, cancellationToken);
        return true;
    }

    /// <summary>
    /// The incidents of an index newest first within a score range: ids by ZREVRANGEBYSCORE a page at a time, the
    /// incidents by one MGET per page (one slot, thanks to the tenant's hash tag). Entries older than the retention are
    /// trimmed first, and entries whose incident is gone are removed as they are met.
    /// </summary>
    private async IAsyncEnumerable<Incident> ReadIndexAsync(string tenantId, RedisKey index, double from, double to, int pageSize, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Bounded, so a filter that matches little cannot walk a huge index.
        const int MaxEntries = 100_000;
        var database = _redis.GetDatabase();
        var cutoff = (_time.GetUtcNow() - Retention).ToUnixTimeMilliseconds();

        // Clean-up needs no answer: sent ahead on the same connection, it is done before the range read that follows.
        await database.SortedSetRemoveRangeByScoreAsync(index, double.NegativeInfinity, cutoff, Exclude.Stop, CommandFlags.FireAndForget);
        pageSize = Math.Clamp(pageSize, 10, 1000);
        for (var offset = 0; offset < MaxEntries;)
        {
            var ids = await database.SortedSetRangeByScoreAsync(index, from, to, Exclude.None, Order.Descending, offset, pageSize)
                .WaitAsync(_options.OperationTimeout, _time, cancellationToken);
            if (ids.Length == 0)
            {
                yield break;
            }

            var incidentKeys = new RedisKey[ids.Length];
            for (var i = 0; i < ids.Length; i++)
            {
                incidentKeys[i] = _keys.Incident(tenantId, (string)ids[i]!);
            }

            var jsons = await database.StringGetAsync(incidentKeys).WaitAsync(_options.OperationTimeout, _time, cancellationToken);
            var gone = new List<RedisValue>();
            for (var i = 0; i < ids.Length; i++)
            {
                if (jsons[i].IsNull)
                {
                    gone.Add(ids[i]);
                }
                else if (TryParse(jsons[i]) is { } incident)
                {
                    yield return incident;
                }
            }

            if (gone.Count > 0)
            {
                await database.SortedSetRemoveAsync(index, [.. gone], CommandFlags.FireAndForget);
            }

            // The ids just removed no longer count in the offset.
            offset += ids.Length - gone.Count;
            if (ids.Length < pageSize)
            {
                yield break;
            }
        }
    }

    /// <summary>
    /// The incident, or null when it cannot be read (written by a newer version, or damaged): one such entry must not fail
    /// every list, lookup and call start that meets it.
    /// </summary>
    private Incident? TryParse(RedisValue json)
    {
        try
        {
            return IncidentJson.Parse((byte[])json!);
        }
        catch (FormatException e)
        {
            AlertsLog.IncidentMalformed(_logger, e);
            return null;
        }
    }

    /// <summary>Runs a read, turning Redis being away into <see cref="IncidentStoreUnavailableException"/>.</summary>
    private async Task<T> ReadAsync<T>(Func<CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        try
        {
            return await read(cancellationToken);
        }
        catch (Exception e) when (RedisWriteRetry.IsTransient(e))
        {
            throw new IncidentStoreUnavailableException($"Redis did not answer the incident store ({e.GetType().Name}); try again later.", e);
        }
    }
}
