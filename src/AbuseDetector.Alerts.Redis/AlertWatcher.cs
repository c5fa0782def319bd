using System.Globalization;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using AbuseDetector.Alerts.Redis.Internal;
using AbuseDetector.Escalation;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace AbuseDetector.Alerts.Redis;

/// <summary>
/// Receives alerts from Redis, for the CLI's <c>watch</c>, supervisor clients and softphone plugins: a team's or an
/// agent's history replayed since a stream id and then live, each alert once per alert id and in publish order.
/// </summary>
public sealed class AlertWatcher
{
    private const int PageSize = 1000;

    private readonly RedisConnection _connection;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly int _dedupeCapacity;
    private readonly TimeSpan _historyPollInterval;

    /// <summary>Creates a watcher on the process's connection.</summary>
    /// <param name="connection">The Redis connection; not disposed with the watcher.</param>
    /// <param name="dedupeCapacity">How many recent alert ids each watch remembers to drop duplicates.</param>
    /// <param name="historyPollInterval">How often a watch with history also reads it, to pick up alerts published while its subscription was reconnecting; null for 1 second.</param>
    /// <param name="timeProvider">Time for the history poll, or null for the system clock.</param>
    /// <param name="logger">Logs malformed messages, or null for none.</param>
    public AlertWatcher(RedisConnection connection, int dedupeCapacity = 10_000, TimeSpan? historyPollInterval = null, TimeProvider? timeProvider = null, ILogger<AlertWatcher>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentOutOfRangeException.ThrowIfLessThan(dedupeCapacity, 1);
        _connection = connection;
        _dedupeCapacity = dedupeCapacity;
        _historyPollInterval = historyPollInterval ?? TimeSpan.FromSeconds(1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(_historyPollInterval, TimeSpan.Zero, nameof(historyPollInterval));
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>Reads a team's history in order.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="teamId">The team.</param>
    /// <param name="sinceId">Read alerts after this stream id (exclusive), or null from the oldest kept.</param>
    /// <param name="count">The most alerts to return.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>Up to <paramref name="count"/> alerts, oldest first.</returns>
    /// <exception cref="ArgumentException"><paramref name="sinceId"/> is not a stream id such as <c>1700000000000-0</c>.</exception>
    /// <exception cref="RedisConnectionException">Redis is not reachable.</exception>
    public async Task<IReadOnlyList<AlertHistoryEntry>> ReadHistoryAsync(string tenantId, string teamId, string? sinceId, int count, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        ArgumentNullException.ThrowIfNull(teamId);
        return await ReadStreamAsync(_connection.Keys.TeamHistory(tenantId, teamId), sinceId, count, cancellationToken);
    }

    /// <summary>Reads an agent's history (the alerts whose audience includes the agent) in order.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="agentId">The agent.</param>
    /// <param name="sinceId">Read alerts after this stream id (exclusive), or null from the oldest kept.</param>
    /// <param name="count">The most alerts to return.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>Up to <paramref name="count"/> alerts, oldest first.</returns>
    /// <exception cref="ArgumentException"><paramref name="sinceId"/> is not a stream id such as <c>1700000000000-0</c>.</exception>
    /// <exception cref="RedisConnectionException">Redis is not reachable.</exception>
    public async Task<IReadOnlyList<AlertHistoryEntry>> ReadAgentHistoryAsync(string tenantId, string agentId, string? sinceId, int count, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        ArgumentNullException.ThrowIfNull(agentId);
        return await ReadStreamAsync(_connection.Keys.AgentHistory(tenantId, agentId), sinceId, count, cancellationToken);
    }

    /// <summary>
    /// Replays an agent's history since a stream id, then receives its alerts live, each alert id once and in order,
    /// the way <see cref="WatchTeamAsync"/> does for a team: a softphone plugin resuming after a reconnect gets the level
    /// changes it missed.
    /// </summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="agentId">The agent.</param>
    /// <param name="sinceId">The last stream id the client saw (exclusive), or null to replay the whole history kept.</param>
    /// <param name="cancellationToken">Ends the watch.</param>
    /// <returns>The alerts with their stream ids; keep the last id to resume after it.</returns>
    /// <exception cref="ArgumentException"><paramref name="sinceId"/> is not a stream id such as <c>1700000000000-0</c>.</exception>
    public IAsyncEnumerable<AlertHistoryEntry> WatchAgentAsync(string tenantId, string agentId, string? sinceId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        ArgumentNullException.ThrowIfNull(agentId);
        ValidateStreamId(sinceId);
        var keys = _connection.Keys;
        return WatchWithHistoryAsync(keys.AgentChannel(tenantId, agentId), keys.AgentHistory(tenantId, agentId), sinceId, cancellationToken);
    }

    /// <summary>
    /// Replays a team's history since a stream id, then receives its alerts live, each alert id once and in order: it
    /// subscribes first, then reads the history, and reads it again whenever a live alert it has not seen arrives, the
    /// connection comes back, or the poll interval passes, so an outage leaves no gap.
    /// </summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="teamId">The team.</param>
    /// <param name="sinceId">The last stream id the client saw (exclusive), or null to replay the whole history kept.</param>
    /// <param name="cancellationToken">Ends the watch.</param>
    /// <returns>The alerts with their stream ids; keep the last id to resume after it.</returns>
    /// <exception cref="ArgumentException"><paramref name="sinceId"/> is not a stream id such as <c>1700000000000-0</c>.</exception>
    public IAsyncEnumerable<AlertHistoryEntry> WatchTeamAsync(string tenantId, string teamId, string? sinceId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        ArgumentNullException.ThrowIfNull(teamId);
        ValidateStreamId(sinceId);
        var keys = _connection.Keys;
        return WatchWithHistoryAsync(keys.TeamChannel(tenantId, teamId), keys.TeamHistory(tenantId, teamId), sinceId, cancellationToken);
    }

    /// <summary>The watch of a channel whose every alert enters <paramref name="history"/> before it is published.</summary>
    private async IAsyncEnumerable<AlertHistoryEntry> WatchWithHistoryAsync(string channelName, RedisKey history, string? sinceId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Null in the queue means "read the history now".
        var events = Channel.CreateUnbounded<byte[]?>(new UnboundedChannelOptions { SingleReader = true });
        var channel = new RedisChannel(channelName, RedisChannel.PatternMode.Literal);
        Action<RedisChannel, RedisValue> handler = (_, value) => events.Writer.TryWrite(value);
        Action restored = () => events.Writer.TryWrite(null);
        var subscriber = await _connection.GetSubscriberAsync(cancellationToken);
        await subscriber.SubscribeAsync(channel, handler);
        _connection.Restored += restored;
        using var poll = _time.CreateTimer(_ => events.Writer.TryWrite(null), null, _historyPollInterval, _historyPollInterval);
        try
        {
            var seen = new BoundedIdSet(_dedupeCapacity);
            var lastId = sinceId;

            // Subscribed before reading: whatever is published meanwhile is in the history or queued here.
            events.Writer.TryWrite(null);
            await foreach (var message in events.Reader.ReadAllAsync(cancellationToken))
            {
                Alert? live = null;
                if (message is not null)
                {
                    live = TryParse(message);
                    if (live is null || seen.Contains(live.AlertId))
                    {
                        continue;
                    }
                }

                // Alerts enter the history before they are published, so reading it yields the live one in order.
                var caughtUp = await TryReadAllSinceAsync(history, lastId, cancellationToken);
                foreach (var entry in caughtUp)
                {
                    lastId = entry.StreamId;
                    if (seen.Add(entry.Alert.AlertId))
                    {
                        yield return entry;
                    }
                }

                // Not in the history read (Redis went away between the message and the read, or it was trimmed).
                if (live is not null && seen.Add(live.AlertId))
                {
                    yield return new AlertHistoryEntry("", live);
                }
            }
        }
        finally
        {
            _connection.Restored -= restored;
            await UnsubscribeAsync(subscriber, channel, handler);
        }
    }

    private async Task<IReadOnlyList<AlertHistoryEntry>> ReadStreamAsync(RedisKey history, string? sinceId, int count, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ValidateStreamId(sinceId);
        var result = await _connection.EvaluateAsync(Scripts.ReadHistory, [history], [sinceId is null ? "-" : "(" + sinceId, count], cancellationToken);

        var entries = new List<AlertHistoryEntry>();
        foreach (var entry in (RedisResult[])result!)
        {
            var parts = (RedisResult[])entry!;
            var fields = (RedisResult[])parts[1]!;
            for (var i = 0; i + 1 < fields.Length; i += 2)
            {
                if (string.Equals((string?)fields[i], "alert", StringComparison.Ordinal))
                {
                    entries.Add(new AlertHistoryEntry((string)parts[0]!, AlertJson.Parse((byte[])fields[i + 1]!)));
                }
            }
        }

        return entries;
    }

    private async Task<List<AlertHistoryEntry>> TryReadAllSinceAsync(RedisKey history, string? sinceId, CancellationToken cancellationToken)
    {
        var all = new List<AlertHistoryEntry>();
        try
        {
            while (true)
            {
                var page = await ReadStreamAsync(history, sinceId, PageSize, cancellationToken);
                all.AddRange(page);
                if (page.Count < PageSize)
                {
                    return all;
                }

                sinceId = page[^1].StreamId;
            }
        }
        catch (Exception e) when (e is RedisConnectionException or RedisTimeoutException or TimeoutException)
        {
            // Redis is down: what was read is kept, the rest comes with the next poll or reconnect.
            return all;
        }
    }

    private Alert? TryParse(byte[]? message)
    {
        try
        {
            return message is null ? null : AlertJson.Parse(message);
        }
        catch (FormatException e)
        {
            AlertsLog.AlertMalformed(_logger, e);
            return null;
        }
    }

    private static async Task UnsubscribeAsync(ISubscriber subscriber, RedisChannel channel, Action<RedisChannel, RedisValue> handler)
    {
        try
        {
            await subscriber.UnsubscribeAsync(channel, handler);
        }
        catch (RedisException)
        {
            // Redis is down: the subscription went with the connection.
        }
    }

    private static void ValidateStreamId(string? id)
    {
        if (id is null)
        {
            return;
        }

        var dash = id.IndexOf('-', StringComparison.Ordinal);
        var valid = dash < 0
            ? ulong.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out _)
            : ulong.TryParse(id.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out _)
              && ulong.TryParse(id.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out _);
        if (!valid)
        {
            throw new ArgumentException($"'{id}' is not a Redis stream id such as 1700000000000-0.", nameof(id));
        }
    }
}
