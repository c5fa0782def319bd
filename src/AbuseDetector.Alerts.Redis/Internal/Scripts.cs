namespace AbuseDetector.Alerts.Redis.Internal;

/// <summary>
/// The Lua scripts: StackExchange.Redis 1.2.6 has no stream commands, and each script does one step atomically, so a
/// retry after a lost reply can never apply it twice. The incident scripts build keys from the prefix they are
/// given, which is fine on one server or a replica set but not on Redis Cluster.
/// </summary>
internal static class Scripts
{
    /// <summary>
    /// Publishes a batch of alerts (one or more) in order, each exactly once per alert id, in one round trip. KEYS: per
    /// alert, its dedupe key, team history stream and agent history stream. ARGV: dedupe window (ms), team history length,
    /// agent history length, then per alert its payload, team channel or "", agent channel or "" and attempt token, and
    /// last the agent history retention (ms). Each audience's history gets the alert before its channel does, so a
    /// watcher that sees it live finds it when it reads the history; an agent's history expires once the agent has had no
    /// alert for the retention. The dedupe key holds the token of the attempt that published the alert, and is set only
    /// once the histories took it: an error stops the script where it is (Redis does not undo a script's writes), and the
    /// alert it stopped at must stay unpublished, so it is not counted published when retried alone. Returns per
    /// alert 1 (published now), 2 (already published with this token: a retry of an attempt whose reply was lost) or 0
    /// (a duplicate: published by another alert with the same id).
    /// </summary>
    public const string PublishAlerts = """
        local results = {}
        local agentRetention = ARGV[#ARGV]
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
              redis.call('PUBLISH', team, payload)
            end
            if agent ~= '' then
              redis.call('PUBLISH', agent, payload)
            end
            results[i] = 1
          end
        end
        return results
        """;

    /// <summary>Reads a team's or an agent's history. KEYS: stream. ARGV: start ("-" or "(id" for after id), count. Returns XRANGE's reply.</summary>
    public const string ReadHistory = """
        return redis.call('XRANGE', KEYS[1], ARGV[1], '+', 'COUNT', ARGV[2])
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
    /// Lists incidents newest first from one index, dropping entries whose incident has expired. KEYS: index.
    /// ARGV: incident key prefix, max score, min score, limit, cutoff score. Returns the JSON of each incident.
    /// </summary>
    public const string ListIncidents = """
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[5])
        local limit = tonumber(ARGV[4])
        local found = {}
        local offset = 0
        while #found < limit do
          local ids = redis.call('ZREVRANGEBYSCORE', KEYS[1], ARGV[2], ARGV[3], 'LIMIT', offset, limit - #found)
          if #ids == 0 then
            break
          end
          for _, id in ipairs(ids) do
            local json = redis.call('GET', ARGV[1] .. id)
            if json then
              found[#found + 1] = json
              offset = offset + 1
            else
              redis.call('ZREM', KEYS[1], id)
            end
          end
        end
        return found
        """;

    /// <summary>
    /// Counts a customer's incidents since a time and returns the newest. KEYS: customer index. ARGV: incident key
    /// prefix, min score, cutoff score. Returns { count, newest JSON or false }.
    /// </summary>
    public const string CustomerHistory = """
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[3])
        local ids = redis.call('ZREVRANGEBYSCORE', KEYS[1], '+inf', ARGV[2])
        local count = 0
        local newest = false
        for _, id in ipairs(ids) do
          local json = redis.call('GET', ARGV[1] .. id)
          if json then
            count = count + 1
            if not newest then
              newest = json
            end
          else
            redis.call('ZREM', KEYS[1], id)
          end
        end
        return { count, newest }
        """;

    /// <summary>
    /// Records one call's outcome for an agent. KEYS: abusive calls sorted set, streak counter. ARGV: 1 for abusive or
    /// 0 for calm, time (unix ms), window start (unix ms), window (ms), a unique member. Returns { abusive calls in the
    /// window, abusive calls in a row }.
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
        return { redis.call('ZCOUNT', KEYS[1], ARGV[3], '+inf'), streak }
        """;
}
