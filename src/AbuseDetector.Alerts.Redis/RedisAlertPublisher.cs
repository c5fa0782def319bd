using System.Diagnostics.Metrics;
using AbuseDetector.Alerts.Redis.Internal;
using AbuseDetector.Escalation;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace AbuseDetector.Alerts.Redis;

/// <summary>
/// Publishes alerts to Redis exactly once per alert id: to the agent channel <c>{prefix}:{tenant}:agent:{agent}</c>
/// and/or the team channel <c>{prefix}:{tenant}:team:{team}</c>, each also to that agent's or team's capped history
/// stream (the channel name plus <c>:history</c>) in the same atomic step, so watchers can resume after an outage.
/// <see cref="TryEnqueue(Alert)"/> never waits on Redis: alerts go into a bounded, ordered outbox that one background
/// loop drains in order, retrying with capped backoff while Redis is down. One per process; metrics on the
/// <c>AbuseDetector.Alerts</c> meter.
/// </summary>
public sealed class RedisAlertPublisher : IAsyncDisposable
{
    /// <summary>The name of the meter the publisher's instruments are on.</summary>
    public const string MeterName = AlertMetrics.MeterName;

    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan LastRetryDelay = TimeSpan.FromSeconds(2);

    // One script call carries up to this many alerts: one round trip each would cap delivery near 1,500 alerts/s.
    private const int MaxBatch = 128;

    private readonly RedisConnection _connection;
    private readonly RedisAlertsOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly AlertMetrics _metrics;
    private readonly Lock _lock = new();
    private readonly LinkedList<Pending> _outbox = new();

    // The non-critical alerts waiting, oldest first, so an overflow finds the one to drop without walking the outbox.
    private readonly Queue<LinkedListNode<Pending>> _nonCritical = new();
    private readonly List<Pending> _inFlight = new(MaxBatch);
    private readonly SemaphoreSlim _signal = new(0);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;
    private TaskCompletionSource _idle = NewIdleSignal();
    private long _dropped;
    private bool _closed;

    // Under the lock: the loop found the outbox empty and waits for the next alert to release the signal once.
    private bool _loopWaiting;

    /// <summary>Starts the outbox loop; returns at once, also while Redis is down.</summary>
    /// <param name="connection">The process's Redis connection; not disposed with the publisher.</param>
    /// <param name="timeProvider">Time for backoff and latency, or null for the system clock.</param>
    /// <param name="logger">Logs failures and drops, or null for none.</param>
    public RedisAlertPublisher(RedisConnection connection, TimeProvider? timeProvider = null, ILogger<RedisAlertPublisher>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _connection = connection;
        _options = connection.Options;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _metrics = new AlertMetrics(() => OutboxDepth);
        _loop = Task.Run(DrainAsync);
    }

    /// <summary>The alerts waiting in the outbox, the one being published included.</summary>
    public int OutboxDepth
    {
        get
        {
            lock (_lock)
            {
                return _outbox.Count + _inFlight.Count;
            }
        }
    }

    /// <summary>How many alerts were dropped or refused since start, for any reason.</summary>
    public long DroppedCount => Interlocked.Read(ref _dropped);

    internal Meter Meter => _metrics.Meter;

    /// <summary>
    /// Puts an alert in the outbox without waiting. When the outbox is full, <see cref="RedisAlertsOptions.OverflowPolicy"/>
    /// decides: <see cref="OutboxOverflowPolicy.DropOldest"/> drops the oldest non-critical alert waiting (or this one,
    /// when it is the only non-critical one); <see cref="OutboxOverflowPolicy.RejectNew"/> refuses this one.
    /// </summary>
    /// <param name="alert">The alert.</param>
    /// <returns>False when the alert was refused or dropped at once, or the publisher is shutting down.</returns>
    public bool TryEnqueue(Alert alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        string? dropReason = null;
        var accepted = true;
        lock (_lock)
        {
            if (_closed)
            {
                dropReason = "shutdown";
                accepted = false;
            }
            else if (_outbox.Count >= _options.OutboxCapacity)
            {
                if (_options.OverflowPolicy == OutboxOverflowPolicy.RejectNew)
                {
                    dropReason = "rejected";
                    accepted = false;
                }
                else
                {
                    dropReason = "outbox_full";
                    accepted = MakeRoom(alert);
                }
            }

            if (accepted)
            {
                var node = _outbox.AddLast(Pending.Create(alert, _time));
                if (alert.Severity != AlertSeverity.Critical)
                {
                    _nonCritical.Enqueue(node);
                }

                // One wake serves a whole batch: only the alert that finds the loop waiting on an empty outbox wakes it.
                if (_loopWaiting)
                {
                    _loopWaiting = false;
                    _signal.Release();
                }
            }
        }

        if (dropReason is not null)
        {
            CountDrop(dropReason);
        }

        return accepted;
    }

    /// <summary>
    /// Publishes one alert now, bypassing the outbox (for tools and tests; the service uses <see cref="TryEnqueue(Alert)"/>
    /// so alerts keep their order). A retry with the same alert id is not delivered again.
    /// </summary>
    /// <param name="alert">The alert.</param>
    /// <param name="cancellationToken">Stops waiting; the alert may still be published.</param>
    /// <returns>True when the alert was new, false when its id was published within the dedupe window.</returns>
    /// <exception cref="RedisConnectionException">Redis is not reachable.</exception>
    public async Task<bool> PublishAsync(Alert alert, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var isNew = (await PublishBatchAsync([Pending.Create(alert, _time)], cancellationToken))[0];
        (isNew ? _metrics.Published : _metrics.Duplicates).Add(1);
        return isNew;
    }

    /// <summary>Waits until the outbox is empty: every alert enqueued before the call is published or dropped.</summary>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>True when the outbox drained in time.</returns>
    public async Task<bool> FlushAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        Task idle;
        lock (_lock)
        {
            if (_outbox.Count == 0 && _inFlight.Count == 0)
            {
                return true;
            }

            if (_idle.Task.IsCompleted)
            {
                _idle = NewIdleSignal();
            }

            idle = _idle.Task;
        }

        try
        {
            await idle.WaitAsync(timeout, _time, cancellationToken);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>Stops taking alerts, waits up to <see cref="RedisAlertsOptions.ShutdownFlushTimeout"/> for the outbox to drain, and stops the loop; alerts left are counted as dropped.</summary>
    /// <returns>A task that completes when the loop has stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        lock (_lock)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
        }

        if (!await FlushAsync(_options.ShutdownFlushTimeout))
        {
            AlertsLog.OutboxNotDrained(_logger, OutboxDepth);
        }

        await _stopping.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
            // The loop stopped mid-retry.
        }

        int left;
        lock (_lock)
        {
            left = _outbox.Count + _inFlight.Count;
            _outbox.Clear();
            _nonCritical.Clear();
            _inFlight.Clear();
        }

        for (var i = 0; i < left; i++)
        {
            CountDrop("shutdown");
        }

        _metrics.Dispose();
        _stopping.Dispose();
    }

    /// <summary>Under the lock: drops the oldest non-critical alert waiting; false when the new alert itself is the one to drop.</summary>
    private bool MakeRoom(Alert incoming)
    {
        if (_nonCritical.TryDequeue(out var oldestNonCritical))
        {
            _outbox.Remove(oldestNonCritical);
            return true;
        }

        // Every alert waiting is critical: a non-critical newcomer goes, else the oldest critical one.
        if (incoming.Severity != AlertSeverity.Critical)
        {
            return false;
        }

        _outbox.RemoveFirst();
        return true;
    }

    /// <summary>Under the lock: moves up to <see cref="MaxBatch"/> alerts from the head of the outbox to the in-flight batch.</summary>
    private void TakeBatch()
    {
        while (_inFlight.Count < MaxBatch && _outbox.First is { } first)
        {
            _outbox.RemoveFirst();
            if (first.Value.Alert.Severity != AlertSeverity.Critical)
            {
                // Non-critical alerts leave the outbox in the order they were queued, so this one heads the queue.
                _nonCritical.Dequeue();
            }

            _inFlight.Add(first.Value);
        }
    }

    private void CountDrop(string reason)
    {
        var total = Interlocked.Increment(ref _dropped);
        _metrics.Drop(reason);

        // First drop and then one line per thousand: an outage must not flood the log.
        if (total == 1 || total % 1000 == 0)
        {
            AlertsLog.AlertDropped(_logger, _options.OutboxCapacity, reason);
        }
    }

    private async Task DrainAsync()
    {
        var stopping = _stopping.Token;
        var batch = new List<Pending>(MaxBatch);
        while (!stopping.IsCancellationRequested)
        {
            batch.Clear();
            lock (_lock)
            {
                _inFlight.Clear();
                TakeBatch();
                batch.AddRange(_inFlight);
                if (batch.Count == 0)
                {
                    // Flagged under the lock TryEnqueue adds under, after finding the outbox empty: no wake is lost.
                    _idle.TrySetResult();
                    _loopWaiting = true;
                }
            }

            if (batch.Count == 0)
            {
                await _signal.WaitAsync(stopping);
                continue;
            }

            await PublishWithRetriesAsync(batch, stopping);
        }
    }

    private async Task PublishWithRetriesAsync(IReadOnlyList<Pending> batch, CancellationToken stopping)
    {
        (RedisKey[] Keys, RedisValue[] Values)? arguments = null;
        var delay = FirstRetryDelay;
        while (true)
        {
            try
            {
                // Built once for every attempt; inside the try, so an alert that cannot be written is dropped, not the loop.
                arguments ??= ScriptArguments(batch);
                var results = await PublishBatchAsync(arguments.Value.Keys, arguments.Value.Values, stopping);
                for (var i = 0; i < batch.Count; i++)
                {
                    _metrics.Latency.Record(_time.GetElapsedTime(batch[i].EnqueuedAt).TotalMilliseconds);
                    if (results[i])
                    {
                        _metrics.Published.Add(1);
                    }
                    else
                    {
                        _metrics.Duplicates.Add(1);
                    }
                }

                return;
            }
            catch (Exception e) when (RedisErrors.IsTransient(e) && !stopping.IsCancellationRequested)
            {
                // Keep the batch at the head: later alerts must not overtake it. A retry of a batch whose reply was lost (or
                // came after the timeout) publishes nothing twice: the script skips ids it has already published, and
                // tells this batch's own earlier attempt apart from another alert with the same id by its token.
                _metrics.Retries.Add(1);
                AlertsLog.AlertPublishRetrying(_logger, e.GetType().Name, (long)delay.TotalMilliseconds, OutboxDepth);
                await Task.Delay(delay, _time, stopping);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, LastRetryDelay.Ticks));
            }
            catch (Exception e) when (batch.Count > 1 && !RedisErrors.IsTransient(e) && e is not OperationCanceledException)
            {
                // One alert Redis refuses for good must not cost the batch: publish it again one alert at a time, in
                // order. Alerts the failed script call got to are not published twice: their tokens are in Redis.
                foreach (var pending in batch)
                {
                    await PublishWithRetriesAsync([pending], stopping);
                }

                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                AlertsLog.AlertPublishFailed(_logger, e);
                for (var i = 0; i < batch.Count; i++)
                {
                    CountDrop("publish_failed");
                }

                return;
            }
        }
    }

    private async Task<bool[]> PublishBatchAsync(IReadOnlyList<Pending> batch, CancellationToken cancellationToken)
    {
        var (keys, values) = ScriptArguments(batch);
        return await PublishBatchAsync(keys, values, cancellationToken);
    }

    private async Task<bool[]> PublishBatchAsync(RedisKey[] keys, RedisValue[] values, CancellationToken cancellationToken)
    {
        var flags = (RedisResult[])(await _connection.EvaluateAsync(Scripts.PublishAlerts, keys, values, cancellationToken))!;
        var isNew = new bool[flags.Length];
        for (var i = 0; i < isNew.Length; i++)
        {
            // 1: published now; 2: published by this alert's own earlier attempt, whose reply was lost; 0: another alert's.
            isNew[i] = (long)flags[i] != 0;
        }

        return isNew;
    }

    /// <summary>The keys and arguments of <see cref="Scripts.PublishAlerts"/> for a batch, built once for all its attempts.</summary>
    private (RedisKey[] Keys, RedisValue[] Values) ScriptArguments(IReadOnlyList<Pending> batch)
    {
        var keys = _connection.Keys;
        var redisKeys = new RedisKey[batch.Count * 3];
        var values = new RedisValue[4 + (batch.Count * 4)];
        values[^1] = (long)_options.AgentHistoryRetention.TotalMilliseconds;
        values[0] = (long)_options.DedupeWindow.TotalMilliseconds;
        values[1] = _options.HistoryLength;
        values[2] = _options.AgentHistoryLength;
        for (var i = 0; i < batch.Count; i++)
        {
            var alert = batch[i].Alert;
            var call = alert.Call;
            redisKeys[3 * i] = keys.AlertDedupe(call.TenantId, alert.AlertId);
            redisKeys[(3 * i) + 1] = keys.TeamHistory(call.TenantId, call.TeamId);
            redisKeys[(3 * i) + 2] = keys.AgentHistory(call.TenantId, call.AgentId);
            values[3 + (4 * i)] = AlertJson.Serialize(alert);
            values[4 + (4 * i)] = alert.Audience.HasFlag(AlertAudience.Team) ? keys.TeamChannel(call.TenantId, call.TeamId) : "";
            values[5 + (4 * i)] = alert.Audience.HasFlag(AlertAudience.Agent) ? keys.AgentChannel(call.TenantId, call.AgentId) : "";
            values[6 + (4 * i)] = batch[i].Token;
        }

        return (redisKeys, values);
    }

    private static TaskCompletionSource NewIdleSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>An alert waiting in the outbox.</summary>
    /// <param name="Alert">The alert.</param>
    /// <param name="EnqueuedAt">When it was enqueued, as a timestamp of the publisher's clock.</param>
    /// <param name="Token">
    /// Unique to this enqueue and stored as the dedupe key's value, so a retry of an attempt that ran in Redis but whose
    /// reply was lost or late is told apart from a second alert with the same id: published, not a duplicate.
    /// </param>
    private sealed record Pending(Alert Alert, long EnqueuedAt, string Token)
    {
        public static Pending Create(Alert alert, TimeProvider time) => new(alert, time.GetTimestamp(), Guid.NewGuid().ToString("N"));
    }
}
