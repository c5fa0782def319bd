using System.Runtime.CompilerServices;
using System.Threading.Channels;
using AbuseDetector.Alerts.Redis.Internal;
using AbuseDetector.Monitoring;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace AbuseDetector.Alerts.Redis;

/// <summary>
/// The alerts of one team or agent from Redis, for WatchAlerts, supervisor clients and softphone plugins: the history
/// stream replayed after a <see cref="HistoryId"/>, then live, each alert once per alert id and in publish order. A watch
/// subscribes to the channel first, then reads the history (XRANGE), and reads it again whenever a live alert it has not
/// seen arrives, the connection comes back, or the poll interval passes, so an outage leaves no gap.
/// </summary>
public sealed class RedisAlertFeed : IAlertFeed
{
    private const int PageSize = 1000;

    // Live messages only say "read the history": when a slow watcher lets them pile up, the next read catches up anyway.
    private const int LiveBuffer = 1024;

    private readonly IConnectionMultiplexer _redis;
    private readonly RedisAlertsOptions _options;
    private readonly RedisKeys _keys;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly int _dedupeCapacity;
    private readonly TimeSpan _historyPollInterval;

    /// <summary>Creates a feed on the process's connection.</summary>
    /// <param name="redis">The Redis connection; not disposed with the feed.</param>
    /// <param name="options">The key prefix and the operation timeout.</param>
    /// <param name="historyPollInterval">How often a watch also reads the history, to pick up alerts published while its subscription was reconnecting; null for 1 second.</param>
    /// <param name="dedupeCapacity">How many recent alert ids each watch remembers to drop duplicates.</param>
    /// <param name="timeProvider">Time for the history poll and timeouts, or null for the system clock.</param>
    /// <param name="logger">Logs malformed messages, or null for none.</param>
    public RedisAlertFeed(IConnectionMultiplexer redis, RedisAlertsOptions options, TimeSpan? historyPollInterval = null, int dedupeCapacity = 10_000, TimeProvider? timeProvider = null, ILogger<RedisAlertFeed>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(redis);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(dedupeCapacity, 1);
        _historyPollInterval = historyPollInterval ?? TimeSpan.FromSeconds(1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(_historyPollInterval, TimeSpan.Zero, nameof(historyPollInterval));
        _redis = redis;
        _options = options;
        _keys = new RedisKeys(options.KeyPrefix);
        _dedupeCapacity = dedupeCapacity;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <inheritdoc/>
    public bool KeepsHistory => true;

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="scope"/> names both a team and an agent, or neither.</exception>
    public async Task<IAlertWatch> WatchAsync(AlertScope scope, HistoryId? since, CancellationToken cancellationToken = default)
    {
        CheckScope(scope);

        // Null in the queue means "read the history now". A live message only says that too: the history has it, in order.
        var events = Channel.CreateBounded<byte[]?>(new BoundedChannelOptions(LiveBuffer) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });
        var sharded = ShardedPubSub.IsOffered(_redis);
        var channel = ShardedPubSub.Channel(_keys.Channel(scope, sharded), sharded);
        var history = new RedisKey(_keys.History(scope));
        var subscriber = _redis.GetSubscriber();
        Action<RedisChannel, RedisValue> onMessage = (_, message) => events.Writer.TryWrite((byte[]?)message);
        try
        {
            // Subscribed before reading: whatever is published meanwhile is in the history or queued here. A live-only
            // watch starts at the history's newest entry, so it still reads its way past gaps.
            await subscriber.SubscribeAsync(channel, onMessage).WaitAsync(_options.OperationTimeout, _time, cancellationToken);
            var last = since ?? await NewestAsync(history, cancellationToken);
            return new RedisAlertWatch(this, subscriber, channel, onMessage, history, events, last);
        }
        catch (Exception e) when (e is RedisException or TimeoutException or OperationCanceledException)
        {
            // The library registers the handler before its round trip: remove it, or it outlives the failed watch.
            await UnsubscribeAsync(subscriber, channel, onMessage);
            if (e is OperationCanceledException)
            {
                throw;
            }

            throw new AlertFeedUnavailableException("Redis did not answer, so the watch could not start.", e);
        }
    }

    /// <summary>Reads a team's or an agent's history in order.</summary>
    /// <param name="scope">Whose history.</param>
    /// <param name="after">Read alerts after this id (exclusive); <see cref="HistoryId.Start"/> for the oldest kept.</param>
    /// <param name="count">The most entries to read.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>Up to <paramref name="count"/> alerts with their history ids, oldest first (entries that are not alert JSON are skipped).</returns>
    /// <exception cref="ArgumentException"><paramref name="scope"/> names both a team and an agent, or neither.</exception>
    /// <exception cref="RedisException">Redis is not reachable.</exception>
    public async Task<IReadOnlyList<WatchedAlert>> ReadHistoryAsync(AlertScope scope, HistoryId after, int count, CancellationToken cancellationToken = default)
    {
        CheckScope(scope);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        return (await ReadPageAsync(_keys.History(scope), after, count, cancellationToken)).Alerts;
    }

    /// <summary>The id of the history's newest entry, or the start when it is empty.</summary>
    private async Task<HistoryId> NewestAsync(RedisKey history, CancellationToken cancellationToken)
    {
        var newest = await _redis.GetDatabase().StreamRangeAsync(history, "-", "+", 1, Order.Descending)
            .WaitAsync(_options.OperationTimeout, _time, cancellationToken);
        return newest.Length > 0 && HistoryId.TryParse(newest[0].Id.ToString(), out var id) ? id : HistoryId.Start;
    }

    /// <summary>One page of the history after an id: the alerts read, and the id of the last entry read (of any kind).</summary>
    private async Task<(List<WatchedAlert> Alerts, HistoryId Last, int Entries)> ReadPageAsync(RedisKey history, HistoryId after, int count, CancellationToken cancellationToken)
    {
        RedisValue from = after == HistoryId.Start ? "-" : "(" + after.ToString();
        var entries = await _redis.GetDatabase().StreamRangeAsync(history, from, "+", count)
            .WaitAsync(_options.OperationTimeout, _time, cancellationToken);
        var alerts = new List<WatchedAlert>(entries.Length);
        var last = after;
        foreach (var entry in entries)
        {
            // The one rule for history ids, also for what Redis hands back.
            if (!HistoryId.TryParse(entry.Id.ToString(), out var id))
            {
                AlertsLog.AlertMalformed(_logger, new FormatException($"Redis returned a stream entry whose id is not {HistoryId.Expected}."));
                continue;
            }

            last = id;
            try
            {
                var json = entry["alert"];
                alerts.Add(new WatchedAlert(id.ToString(), json.IsNull ? throw new FormatException("The entry has no 'alert' field.") : AlertJson.Parse((byte[])json!)));
            }
            catch (FormatException e)
            {
                AlertsLog.AlertMalformed(_logger, e);
            }
        }

        return (alerts, last, entries.Length);
    }

    private async Task<(List<WatchedAlert> Alerts, HistoryId Last)> TryReadAllAfterAsync(RedisKey history, HistoryId after, CancellationToken cancellationToken)
    {
        var all = new List<WatchedAlert>();
        try
        {
            while (true)
            {
                var (alerts, last, entries) = await ReadPageAsync(history, after, PageSize, cancellationToken);
                all.AddRange(alerts);
                after = last;
                if (entries < PageSize)
                {
                    return (all, after);
                }
            }
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            // Redis is down: what was read is kept, the rest comes with the next poll or reconnect.
            return (all, after);
        }
    }

    private WatchedAlert? TryParse(byte[] message)
    {
        try
        {
            return new WatchedAlert("", AlertJson.Parse(message));
        }
        catch (FormatException e)
        {
            AlertsLog.AlertMalformed(_logger, e);
            return null;
        }
    }

    private static void CheckScope(AlertScope scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(scope.TenantId, nameof(scope));
        if ((scope.TeamId is null) == (scope.AgentId is null))
        {
            throw new ArgumentException("A Redis alert watch is for one team or one agent: set exactly one of TeamId and AgentId.", nameof(scope));
        }
    }

    private static async Task UnsubscribeAsync(ISubscriber subscriber, RedisChannel channel, Action<RedisChannel, RedisValue> onMessage)
    {
        try
        {
            await subscriber.UnsubscribeAsync(channel, onMessage);
        }
        catch (RedisException)
        {
            // Redis is down: the handler is gone from this process; the server dropped the subscription with the connection.
        }
    }

    /// <summary>One open watch: reads the history whenever a live alert, a reconnect or the poll says so.</summary>
    private sealed class RedisAlertWatch : IAlertWatch
    {
        private readonly RedisAlertFeed _feed;
        private readonly ISubscriber _subscriber;
        private readonly RedisChannel _channel;
        private readonly Action<RedisChannel, RedisValue> _onMessage;
        private readonly RedisKey _history;
        private readonly Channel<byte[]?> _events;
        private readonly EventHandler<ConnectionFailedEventArgs> _restored;
        private readonly ITimer _poll;
        private HistoryId _last;
        private int _disposed;

        public RedisAlertWatch(
            RedisAlertFeed feed, ISubscriber subscriber, RedisChannel channel, Action<RedisChannel, RedisValue> onMessage, RedisKey history, Channel<byte[]?> events, HistoryId last)
        {
            _feed = feed;
            _subscriber = subscriber;
            _channel = channel;
            _onMessage = onMessage;
            _history = history;
            _events = events;
            _last = last;
            _restored = (_, _) => events.Writer.TryWrite(null);
            feed._redis.ConnectionRestored += _restored;
            _poll = feed._time.CreateTimer(static state => ((Channel<byte[]?>)state!).Writer.TryWrite(null), events, feed._historyPollInterval, feed._historyPollInterval);
            events.Writer.TryWrite(null);
        }

        public async IAsyncEnumerable<WatchedAlert> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            var seen = new BoundedIdSet(_feed._dedupeCapacity);
            await foreach (var message in _events.Reader.ReadAllAsync(cancellationToken))
            {
                WatchedAlert? arrived = null;
                if (message is not null)
                {
                    arrived = _feed.TryParse(message);
                    if (arrived is null || seen.Contains(arrived.Alert.AlertId))
                    {
                        continue;
                    }
                }

                // Alerts enter the history before they are published, so reading it yields the live one in order.
                var (caughtUp, newLast) = await _feed.TryReadAllAfterAsync(_history, _last, cancellationToken);
                _last = newLast;
                foreach (var entry in caughtUp)
                {
                    if (seen.Add(entry.Alert.AlertId))
                    {
                        yield return entry;
                    }
                }

                // Not in the history read (Redis went away between the message and the read, or it was trimmed).
                if (arrived is not null && seen.Add(arrived.Alert.AlertId))
                {
                    yield return arrived;
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 1)
            {
                return;
            }

            _feed._redis.ConnectionRestored -= _restored;
            await _poll.DisposeAsync();
            _events.Writer.TryComplete();
            await UnsubscribeAsync(_subscriber, _channel, _onMessage);
        }
    }
}
