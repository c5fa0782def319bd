using System.Globalization;
using AbuseDetector.Escalation;
using StackExchange.Redis;

namespace AbuseDetector.Alerts.Redis.Internal;

/// <summary>
/// The Lua scripts, kept only where a step must be atomic: publishing a batch exactly once, saving an incident with
/// its indexes, counting a call for wellbeing, and a live call's lease and state. Reads are native commands. Every key a script touches is passed in
/// KEYS and carries the tenant's hash tag, so each call stays in one Redis Cluster slot; the builders below are the
/// one place their arguments are made.
/// </summary>
internal static class Scripts
{
    /// <summary>
    /// Publishes a batch of alerts of one tenant in order, each exactly once per alert id, in one round trip. KEYS: per
    /// alert, its dedupe key, team history stream and agent history stream. ARGV: dedupe window (ms), team history length,
    /// agent history length, then per alert its payload, team channel or "", agent channel or "" and attempt token, then
    /// the publish command (PUBLISH, or SPUBLISH for shard channels, which carry the tenant's hash tag and so hash to the
    /// script's slot) and last the agent history retention (ms). Each audience's history gets the alert before its
    /// channel does, so a watcher that sees it live finds it when it reads the history; an agent's history expires once
    /// the agent has had no alert for the retention. The dedupe key holds the token of the attempt that published the
    /// alert, and is set only once the histories took it: an error stops the script where it is (Redis does not undo a
    /// script's writes), and the alert it stopped at must stay unpublished, so it is not counted published when retried
    /// alone. Returns per alert 1 (published now), 2 (already published with this token: a retry of an attempt whose
    /// reply was lost) or 0 (a duplicate: published by another alert with the same id).
    /// </summary>
    public const string PublishAlerts = """
        local results = {}
        local agentRetention = ARGV[#ARGV]
        local publish = ARGV[#ARGV - 1]
        for i = 1, #KEYS / 3 do
          local dedupe, teamHistory, agentHistory = KEYS[3 * i - 2], KEYS[3 * i - 1], KEYS[3 * i]
          local payload, team, agent, token = ARGV[4 * i], ARGV[4 * i + 1], ARGV[4 * i + 2], ARGV[4 * i + 3]
          local published = redis.call('GET', dedupe)
          if published then
            results[i] = published == token and 2 or 0
          else
            if team ~= '' then
              redis.call('XADD', teamHistory, 'MAXLEN', '~', ARGV[2], '*', 'alert', payload)
            end
            if agent ~= '' then
              redis.call('XADD', agentHistory, 'MAXLEN', '~', ARGV[3], '*', 'alert', payload)
              redis.call('PEXPIRE', agentHistory, agentRetention)
            end
            redis.call('SET', dedupe, token, 'PX', ARGV[1])
            if team ~= '' then
              redis.call(publish, team, payload)
            end
            if agent ~= '' then
              redis.call(publish, agent, payload)
            end
            results[i] = 1
          end
        end
        return results
        """;

    /// <summary>
    /// Takes the lease of a call starting on this instance and clears any state left by an earlier call with the same id.
    /// KEYS: lease, state, timeline. ARGV: owner, lease time (ms). Returns 1, or 0 when another instance holds the call.
    /// </summary>
    public const string ClaimCall = """
        local holder = redis.call('GET', KEYS[1])
        if holder and holder ~= ARGV[1] then
          return 0
        end
        redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
        redis.call('DEL', KEYS[2], KEYS[3])
        return 1
        """;

    /// <summary>
    /// Takes the lease of a call to resume it and reads its state. KEYS: lease, state, timeline. ARGV: owner, lease time
    /// (ms), the version the state must still be at or "" for any. Returns {'ok', json, timeline entries}, {'held'} (also
    /// when the state moved on from that version), {'unknown'} or {'ended'}.
    /// </summary>
    public const string ResumeCall = """
        local holder = redis.call('GET', KEYS[1])
        if holder and holder ~= ARGV[1] then
          return {'held'}
        end
        local state = redis.call('HMGET', KEYS[2], 'ended', 'json', 'version')
        if state[1] == '1' then
          return {'ended'}
        end
        if not state[2] then
          return {'unknown'}
        end
        if ARGV[3] ~= '' and state[3] ~= ARGV[3] then
          return {'held'}
        end
        redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
        return {'ok', state[2], redis.call('LRANGE', KEYS[3], 0, -1)}
        """;

    /// <summary>
    /// Saves a call's state unless a newer one is saved or another instance holds the call, appends the incident
    /// timeline's new entries (the timeline only grows, so each entry is sent once), and renews (or takes back, once
    /// expired) the lease; an ended call, or one handed over, lets its lease go. KEYS: lease, state, timeline. ARGV:
    /// owner, lease time (ms), version, json, ended (0/1), retention (ms), hand over (0/1), entries already saved, then the
    /// new entries. Returns 1 when saved; 2 when not, because the timeline in Redis is not as long as the entries already
    /// saved say (a save was lost: the same version goes again with the whole timeline); 0 when not saved otherwise.
    /// </summary>
    public const string SaveCall = """
        local holder = redis.call('GET', KEYS[1])
        if holder and holder ~= ARGV[1] then
          return 0
        end
        local saved = tonumber(redis.call('HGET', KEYS[2], 'version') or '0')
        if saved >= tonumber(ARGV[3]) then
          return 0
        end
        local from = tonumber(ARGV[8])
        if ARGV[5] ~= '1' and from ~= 0 and redis.call('LLEN', KEYS[3]) ~= from then
          return 2
        end
        redis.call('HSET', KEYS[2], 'version', ARGV[3], 'ended', ARGV[5], 'json', ARGV[4])
        redis.call('PEXPIRE', KEYS[2], ARGV[6])
        if ARGV[5] == '1' then
          redis.call('DEL', KEYS[3])
        else
          if from == 0 then
            redis.call('DEL', KEYS[3])
          end
          if #ARGV > 8 then
            redis.call('RPUSH', KEYS[3], unpack(ARGV, 9))
          end
          redis.call('PEXPIRE', KEYS[3], ARGV[6])
        end
        if ARGV[5] == '1' or ARGV[7] == '1' then
          redis.call('DEL', KEYS[1])
        else
          redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
        end
        return 1
        """;

    /// <summary>
    /// Renews the lease of a call live on this instance and keeps its state from expiring; a lease gone (the call ended, or
    /// Redis lost it) is left for the next save to take. KEYS: lease, state, timeline. ARGV: owner, lease time (ms),
    /// retention (ms). Returns 1, or 0 when another instance holds the call now.
    /// </summary>
    public const string RenewCall = """
        local holder = redis.call('GET', KEYS[1])
        if not holder then
          return 1
        end
        if holder ~= ARGV[1] then
          return 0
        end
        redis.call('PEXPIRE', KEYS[1], ARGV[2])
        redis.call('PEXPIRE', KEYS[2], ARGV[3])
        redis.call('PEXPIRE', KEYS[3], ARGV[3])
        return 1
        """;

    /// <summary>
    /// Saves an incident and indexes it. KEYS: incident key, then the index sorted sets. ARGV: JSON, time to keep it (ms),
    /// score (start, unix ms), call id, cutoff score (older entries are trimmed), retention (ms, for the indexes).
    /// </summary>
    public const string SaveIncident = """
        redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
        for i = 2, #KEYS do
          redis.call('ZADD', KEYS[i], ARGV[3], ARGV[4])
          redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', '(' .. ARGV[5])
          redis.call('PEXPIRE', KEYS[i], ARGV[6])
        end
        return 1
        """;

    /// <summary>
    /// Records one call's outcome for an agent. KEYS: abusive calls sorted set, streak counter, and, when the call has a
    /// team, the team's sorted set of agents. ARGV: 1 for abusive or 0 for calm, time (unix ms), window start (unix ms),
    /// window (ms), a unique member, the agent. The team's set scores each agent by its latest call (GT: a call recorded
    /// late does not move an agent back) and, like the abusive calls, drops what left the window and expires a window
    /// after the last call. Returns { abusive calls in the window, abusive calls in a row }.
    /// </summary>
    public const string RecordCallOutcome = """
        local streak
        if ARGV[1] == '1' then
          redis.call('ZADD', KEYS[1], ARGV[2], ARGV[5])
          streak = redis.call('INCR', KEYS[2])
        else
          redis.call('SET', KEYS[2], '0')
          streak = 0
        end
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[3])
        redis.call('PEXPIRE', KEYS[1], ARGV[4])
        redis.call('PEXPIRE', KEYS[2], ARGV[4])
        if KEYS[3] then
          redis.call('ZADD', KEYS[3], 'GT', ARGV[2], ARGV[6])
          redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', '(' .. ARGV[3])
          redis.call('PEXPIRE', KEYS[3], ARGV[4])
        end
        return { redis.call('ZCOUNT', KEYS[1], ARGV[3], '+inf'), streak }
        """;

    /// <summary>The keys and arguments of <see cref="PublishAlerts"/> for a batch of one tenant's alerts, over sharded pub/sub or not (<see cref="ShardedPubSub"/>).</summary>
    public static (RedisKey[] Keys, RedisValue[] Values) PublishAlertsArguments(RedisKeys keys, RedisAlertsOptions options, IReadOnlyList<OutboxItem> batch, bool sharded)
    {
        var redisKeys = new RedisKey[batch.Count * 3];
        var values = new RedisValue[5 + (batch.Count * 4)];
        values[0] = (long)options.DedupeWindow.TotalMilliseconds;
        values[1] = options.HistoryLength;
        values[2] = options.AgentHistoryLength;
        values[^2] = ShardedPubSub.PublishCommand(sharded);
        values[^1] = (long)options.AgentHistoryRetention.TotalMilliseconds;
        for (var i = 0; i < batch.Count; i++)
        {
            var alert = batch[i].Alert;
            var call = alert.Call;
            redisKeys[3 * i] = keys.AlertDedupe(call.TenantId, alert.AlertId);
            redisKeys[(3 * i) + 1] = keys.TeamHistory(call.TenantId, call.TeamId);
            redisKeys[(3 * i) + 2] = keys.AgentHistory(call.TenantId, call.AgentId);
            values[3 + (4 * i)] = batch[i].Payload;
            values[4 + (4 * i)] = alert.Audience.HasFlag(AlertAudience.Team) ? keys.TeamChannel(call.TenantId, call.TeamId, sharded) : "";
            values[5 + (4 * i)] = alert.Audience.HasFlag(AlertAudience.Agent) ? keys.AgentChannel(call.TenantId, call.AgentId, sharded) : "";
            values[6 + (4 * i)] = batch[i].Token;
        }

        return (redisKeys, values);
    }

    /// <summary>The keys and arguments of <see cref="SaveIncident"/>; null when the incident is already past its retention.</summary>
    public static (RedisKey[] Keys, RedisValue[] Values)? SaveIncidentArguments(RedisKeys keys, Incident incident, DateTimeOffset now, TimeSpan retention)
    {
        var keepFor = incident.StartedAt + retention - now;
        if (keepFor <= TimeSpan.Zero)
        {
            return null;
        }

        var call = incident.Call;
        var redisKeys = new List<RedisKey>(5)
        {
            keys.Incident(call.TenantId, call.CallId),
            keys.Incidents(call.TenantId),
            keys.IncidentsByTeam(call.TenantId, call.TeamId),
            keys.IncidentsByAgent(call.TenantId, call.AgentId),
        };
        if (call.CustomerId.Length > 0)
        {
            redisKeys.Add(keys.IncidentsByCustomer(call.TenantId, call.CustomerId));
        }

        RedisValue[] values =
        [
            IncidentJson.Serialize(incident),
            Math.Max(1L, (long)Math.Ceiling(keepFor.TotalMilliseconds)),
            incident.StartedAt.ToUnixTimeMilliseconds(),
            call.CallId,
            (now - retention).ToUnixTimeMilliseconds(),
            (long)retention.TotalMilliseconds,
        ];
        return ([.. redisKeys], values);
    }

    /// <summary>The keys and arguments of <see cref="RecordCallOutcome"/>; an empty team adds no team key.</summary>
    public static (RedisKey[] Keys, RedisValue[] Values) RecordCallOutcomeArguments(RedisKeys keys, string tenantId, string teamId, string agentId, bool abusive, DateTimeOffset at, TimeSpan shiftWindow)
    {
        var atMs = at.ToUnixTimeMilliseconds();
        RedisKey[] redisKeys = teamId.Length == 0
            ? [keys.AbusiveCalls(tenantId, agentId), keys.AbusiveStreak(tenantId, agentId)]
            : [keys.AbusiveCalls(tenantId, agentId), keys.AbusiveStreak(tenantId, agentId), keys.WellbeingTeam(tenantId, teamId)];
        return (
            redisKeys,
            [
                abusive ? "1" : "0",
                atMs,
                atMs - (long)shiftWindow.TotalMilliseconds,
                (long)shiftWindow.TotalMilliseconds,
                string.Create(CultureInfo.InvariantCulture, $"{atMs}:{Guid.NewGuid():N}"),
                agentId,
            ]);
    }
}
