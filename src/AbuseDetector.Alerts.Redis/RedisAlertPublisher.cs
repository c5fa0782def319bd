using System.Diagnostics.Metrics;
using AbuseDetector.Alerts.Redis.Internal;
using AbuseDetector.Escalation;
using AbuseDetector.Monitoring;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace AbuseDetector.Alerts.Redis;

/// <summary>
/// Publishes alerts to Redis exactly once per alert id: to the agent channel <c>{prefix}:{{tenant}}:agent:{agent}</c>
/// and/or the team channel <c>{prefix}:{{tenant}}:team:{team}</c>, each also to that agent's or team's capped history
/// stream (the channel name plus <c>:history</c>) in the same atomic script, so watchers can resume after an outage.
/// <see cref="Raise"/> never waits on Redis: alerts go into a bounded, ordered outbox that one background loop drains
/// in batches of up to 128 alerts of one tenant per script call (each tenant's alerts in order; tenants do not wait on
/// each other's order), keeping a batch at the head while
/// <see cref="RedisWriteRetry"/> retries errors that pass (an outage, OOM, LOADING, a refused password, ...), so
/// nothing overtakes it and nothing is dropped for them; an error that will not pass drops the one alert at fault.
/// </summary>
/// <remarks>
/// <para>
/// With <see cref="RedisAlertsOptions.OutboxJournalPath"/> set, every alert taken into the outbox is appended to a
/// journal on local disk before <see cref="Raise"/> returns, and a completion record is appended once its batch is
/// published (or the alert dropped). <see cref="StartAsync"/> replays the journal: alerts with no completion record go
/// back into the outbox first, in their original order, with their original attempt tokens, so after a crash every
/// alert raised before it is delivered exactly once per alert id (the dedupe key makes a replay of one that reached
/// Redis a no-op). Appends are written to the file at once, so a crash of the process loses none; when they are forced
/// to disk follows <see cref="RedisAlertsOptions.JournalFlush"/>: <see cref="JournalFlushPolicy.EveryWrite"/> fsyncs
/// each append (Raise then waits for the disk), <see cref="JournalFlushPolicy.EverySecond"/> (the default) once a second,
/// <see cref="JournalFlushPolicy.OperatingSystem"/> never. The journal is compacted to the alerts still waiting once it
/// passes <see cref="RedisAlertsOptions.MaxJournalBytes"/>, off the raising threads.
/// </para>
/// <para>
/// Life cycle: construct, <see cref="StartAsync"/> once (replays the journal, starts the loop; alerts raised before it
/// wait and are published after the replayed ones), <see cref="DisposeAsync"/> once at the end (drains for
/// <see cref="RedisAlertsOptions.ShutdownFlushTimeout"/>; what is left stays in the journal, or is dropped without one).
/// One per process. Metrics on the <c>AbuseDetector.Alerts</c> meter.
/// </para>
/// </remarks>
public sealed class RedisAlertPublisher : IAlertSink, IAsyncDisposable
{
    /// <summary>The name of the meter the publisher's instruments are on.</summary>
    public const string MeterName = AlertMetrics.MeterName;

    // One script call carries up to this many alerts: one round trip each would cap delivery near 1,500 alerts/s.
    private const int MaxBatch = 128;

    // How deep a batch looks for its tenant's alerts past other tenants' alerts.
    private const int MaxBatchScan = 4 * MaxBatch;

    private readonly IConnectionMultiplexer _redis;
    private readonly RedisAlertsOptions _options;
    private readonly RedisKeys _keys;
    private readonly RedisWriteRetry _retry;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly AlertMetrics _metrics;
    private readonly Action<Exception, TimeSpan> _onRetry;
    private readonly Lock _lock = new();
    private readonly LinkedList<OutboxItem> _outbox = new();

    // The non-critical alerts waiting, oldest first, so an overflow finds the one to drop without walking the outbox.
    private readonly Queue<LinkedListNode<OutboxItem>> _nonCritical = new();
    private readonly List<OutboxItem> _inFlight = new(MaxBatch);
    private readonly SemaphoreSlim _signal = new(0);
    private readonly CancellationTokenSource _stopping = new();
    private readonly long[] _dropsByReason = new long[DropReasons.All.Length];
    private OutboxJournal? _journal;
    private Task? _loop;
    private Task _compaction = Task.CompletedTask;
    private readonly DrainedSignal _drained = new();
    private long _dropped;
    private long _journalFailures;
    private bool _starting;
    private bool _closed;

    // Under the lock: the loop found the outbox empty and waits for the next alert to release the signal once.
    private bool _loopWaiting;

    /// <summary>Prepares the publisher; nothing is read or published until <see cref="StartAsync"/>.</summary>
    /// <param name="redis">The process's Redis connection; not disposed with the publisher.</param>
    /// <param name="options">The settings; validated here.</param>
    /// <param name="retry">The retry policy shared with the incident store; its clock times backoff and latency.</param>
    /// <param name="meterFactory">Creates the <c>AbuseDetector.Alerts</c> meter, or null for a private meter.</param>
    /// <param name="logger">Logs failures and drops, or null for none.</param>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">An option is out of range.</exception>
    public RedisAlertPublisher(IConnectionMultiplexer redis, RedisAlertsOptions options, RedisWriteRetry retry, IMeterFactory? meterFactory = null, ILogger<RedisAlertPublisher>? logger = null)
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
        _metrics = new AlertMetrics(meterFactory, () => OutboxDepth);
        _onRetry = (error, delay) =>
        {
            _metrics.Retries.Add(1);
            AlertsLog.AlertPublishRetrying(_logger, error.GetType().Name, (long)delay.TotalMilliseconds, OutboxDepth);
        };
    }

    /// <summary>Gets the alerts waiting in the outbox, the ones being published included.</summary>
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

    /// <summary>Gets how many alerts were dropped or refused since start, for any reason.</summary>
    public long DroppedCount => Interlocked.Read(ref _dropped);

    internal Meter Meter => _metrics.Meter;

    /// <summary>
    /// Opens and replays the journal (when <see cref="RedisAlertsOptions.OutboxJournalPath"/> is set) and starts the loop
    /// that publishes the outbox. Call once, before or soon after the first alert; returns without waiting for Redis.
    /// </summary>
    /// <param name="cancellationToken">Stops opening the journal.</param>
    /// <returns>A task that completes when the loop runs.</returns>
    /// <exception cref="IOException">The journal is held by another instance, is not a journal, or cannot be written; the message names OutboxJournalPath.</exception>
    /// <exception cref="InvalidOperationException">Started twice, or after disposal.</exception>
    /// <exception cref="ObjectDisposedException">Disposed while starting.</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (_starting || _closed)
            {
                throw new InvalidOperationException("The alert publisher can be started once, before it is disposed.");
            }

            _starting = true;
        }

        OutboxJournal? journal = null;
        List<OutboxItem> replayed = [];
        if (_options.OutboxJournalPath is { } path)
        {
            try
            {
                (journal, replayed) = await Task.Run(() => OutboxJournal.Open(path, _options.JournalFlush, _options.MaxJournalBytes, _time, _logger), cancellationToken);
            }
            catch
            {
                // Another try may follow, once the other instance has let go of the file.
                lock (_lock)
                {
                    _starting = false;
                }

                throw;
            }
        }

        lock (_lock)
        {
            if (_closed)
            {
                journal?.Dispose();
                throw new ObjectDisposedException(nameof(RedisAlertPublisher), "The alert publisher was disposed while it started.");
            }

            // The journal's alerts are older than any raised while it opened: they go first.
            var early = _outbox.ToList();
            _outbox.Clear();
            _nonCritical.Clear();
            foreach (var item in replayed)
            {
                Add(item);
            }

            _journal = journal;
            foreach (var item in early)
            {
                TryAppendToJournal(item);
                Add(item);
            }
        }

        _loop = Task.Run(DrainAsync, CancellationToken.None);
    }

    /// <summary>
    /// Hands an alert over for delivery without waiting on Redis: into the outbox and the journal. When the outbox is full,
    /// <see cref="RedisAlertsOptions.OverflowPolicy"/> decides which alert is dropped (counted and logged with its reason).
    /// </summary>
    /// <param name="alert">The alert.</param>
    public void Raise(Alert alert) => TryEnqueue(alert);

    /// <summary>
    /// Puts an alert in the outbox (and the journal) without waiting on Redis. When the outbox is full,
    /// <see cref="RedisAlertsOptions.OverflowPolicy"/> decides: <see cref="OutboxOverflowPolicy.DropOldest"/> drops the
    /// oldest non-critical alert waiting (or this one, when it is the only non-critical one);
    /// <see cref="OutboxOverflowPolicy.RejectNew"/> refuses this one.
    /// </summary>
    /// <param name="alert">The alert.</param>
    /// <returns>False when the alert was refused or dropped at once, or the publisher is shutting down.</returns>
    internal bool TryEnqueue(Alert alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        byte[] payload;
        try
        {
            payload = AlertJson.Serialize(alert);
        }
        catch (ArgumentOutOfRangeException e)
        {
            // An enumeration value the contract has no name for: this alert cannot be published, ever.
            AlertsLog.AlertPublishFailed(_logger, e);
            CountDrop(DropReasons.PublishFailed);
            return false;
        }

        var item = new OutboxItem(alert, payload, OutboxItem.NewToken(), _time.GetTimestamp());
        string? dropReason = null;
        var accepted = true;
        lock (_lock)
        {
            if (_closed)
            {
                dropReason = DropReasons.Shutdown;
                accepted = false;
            }
            else if (_outbox.Count >= _options.OutboxCapacity)
            {
                if (_options.OverflowPolicy == OutboxOverflowPolicy.RejectNew)
                {
                    dropReason = DropReasons.Rejected;
                    accepted = false;
                }
                else
                {
                    dropReason = DropReasons.OutboxFull;
                    accepted = MakeRoom(alert);
                }
            }

            if (accepted)
            {
                TryAppendToJournal(item);
                Add(item);

                // One wake serves a whole batch: only the alert that finds the loop waiting on an empty outbox wakes it.
                if (_loopWaiting)
                {
                    _loopWaiting = false;
                    _signal.Release();
                }

                StartCompactionIfDue();
            }
        }

        if (dropReason is not null)
        {
            CountDrop(dropReason);
        }

        return accepted;
    }

    /// <summary>
    /// Publishes one alert now, bypassing the outbox and its retries (for tools and tests; the service uses
    /// <see cref="Raise"/> so alerts keep their order). A retry with the same alert id is not delivered again.
    /// </summary>
    /// <param name="alert">The alert.</param>
    /// <param name="cancellationToken">Stops waiting; the alert may still be published.</param>
    /// <returns>True when the alert was new, false when its id was published within the dedupe window.</returns>
    /// <exception cref="RedisException">Redis is not reachable or refused the alert.</exception>
    internal async Task<bool> PublishAsync(Alert alert, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var item = new OutboxItem(alert, AlertJson.Serialize(alert), OutboxItem.NewToken(), _time.GetTimestamp());
        var isNew = (await EvaluateAsync([item], cancellationToken))[0];
        (isNew ? _metrics.Published : _metrics.Duplicates).Add(1);
        return isNew;
    }

    /// <summary>Waits until the outbox is empty: every alert enqueued before the call is published or dropped.</summary>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>True when the outbox drained in time.</returns>
    public async Task<bool> FlushAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        Task drained;
        lock (_lock)
        {
            if (_outbox.Count == 0 && _inFlight.Count == 0)
            {
                return true;
            }

            drained = _drained.Arm();
        }

        return await DrainedSignal.WaitAsync(drained, timeout, _time, cancellationToken);
    }

    /// <summary>
    /// Stops taking alerts, waits up to <see cref="RedisAlertsOptions.ShutdownFlushTimeout"/> for the outbox to drain, and
    /// stops the loop. Alerts left stay in the journal for the next start when there is one (logged as left, not
    /// dropped); without a journal they are counted as dropped (<c>shutdown</c>).
    /// </summary>
    /// <returns>A task that completes when the loop has stopped and the journal is closed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (!Close())
        {
            return;
        }

        if (_loop is not null)
        {
            await FlushAsync(_options.ShutdownFlushTimeout);
        }

        await StopLoopAsync();
        int left;
        OutboxJournal? journal;
        lock (_lock)
        {
            left = _outbox.Count + _inFlight.Count;
            _outbox.Clear();
            _nonCritical.Clear();
            _inFlight.Clear();
            journal = _journal;
            _journal = null;
        }

        if (left > 0 && journal is not null)
        {
            AlertsLog.OutboxLeftInJournal(_logger, left);
        }
        else if (left > 0)
        {
            AlertsLog.OutboxNotDrained(_logger, left);
            for (var i = 0; i < left; i++)
            {
                CountDrop(DropReasons.Shutdown);
            }
        }

        journal?.Dispose();
        _metrics.Dispose();
        _stopping.Dispose();
    }

    /// <summary>
    /// Stops as a crash would, for tests: the loop ends where it is and the journal is closed with no completion
    /// records for the alerts waiting, and nothing is flushed, counted or logged.
    /// </summary>
    internal async Task AbandonAsync()
    {
        if (Close())
        {
            await StopLoopAsync();
            _journal?.Dispose();
        }
    }

    private bool Close()
    {
        lock (_lock)
        {
            if (_closed)
            {
                return false;
            }

            _closed = true;
            return true;
        }
    }

    private async Task StopLoopAsync()
    {
        await _stopping.CancelAsync();
        if (_loop is not null)
        {
            try
            {
                await _loop;
            }
            catch (OperationCanceledException)
            {
                // The loop stopped mid-retry.
            }
        }

        await _compaction;
    }

    /// <summary>Under the lock: adds an alert at the tail of the outbox.</summary>
    private void Add(OutboxItem item)
    {
        var node = _outbox.AddLast(item);
        if (item.Alert.Severity != AlertSeverity.Critical)
        {
            _nonCritical.Enqueue(node);
        }
    }

    /// <summary>Under the lock: drops the oldest non-critical alert waiting; false when the new alert itself is the one to drop.</summary>
    private bool MakeRoom(Alert incoming)
    {
        LinkedListNode<OutboxItem>? dropped = null;
        while (dropped is null && _nonCritical.TryDequeue(out var oldestNonCritical))
        {
            // A node already taken for publishing is no longer in the outbox.
            dropped = oldestNonCritical.List is null ? null : oldestNonCritical;
        }

        if (dropped is null)
        {
            // Every alert waiting is critical: a non-critical newcomer goes, else the oldest critical one.
            if (incoming.Severity != AlertSeverity.Critical)
            {
                return false;
            }

            dropped = _outbox.First!;
        }

        _outbox.Remove(dropped);
        TryCompleteInJournal([dropped.Value]);
        return true;
    }

    /// <summary>
    /// Under the lock: moves up to <see cref="MaxBatch"/> alerts of the head alert's tenant to the in-flight batch, in
    /// order, looking at most <see cref="MaxBatchScan"/> alerts deep. One tenant per script call keeps its keys in the
    /// tenant's hash slot; other tenants' alerts it passes over keep their own order and are no one else's business.
    /// </summary>
    private void TakeBatch()
    {
        if (_outbox.First is not { } head)
        {
            return;
        }

        var tenant = head.Value.Alert.Call.TenantId;
        var node = head;
        for (var scanned = 0; node is not null && _inFlight.Count < MaxBatch && scanned < MaxBatchScan; scanned++)
        {
            var next = node.Next;
            if (string.Equals(node.Value.Alert.Call.TenantId, tenant, StringComparison.Ordinal))
            {
                _outbox.Remove(node);
                _inFlight.Add(node.Value);
            }

            node = next;
        }

        // Taken alerts leave their nodes in the non-critical queue; those at its front go now, the rest when they get there.
        while (_nonCritical.TryPeek(out var oldest) && oldest.List is null)
        {
            _nonCritical.Dequeue();
        }
    }

    private void TryAppendToJournal(OutboxItem item)
    {
        if (_journal is { } journal)
        {
            try
            {
                journal.Append(item);
            }
            catch (IOException e)
            {
                JournalFailed(e);
            }
        }
    }

    private void TryCompleteInJournal(IEnumerable<OutboxItem> items)
    {
        if (_journal is { } journal)
        {
            try
            {
                journal.Complete(items);
            }
            catch (IOException e)
            {
                JournalFailed(e);
            }
        }
    }

    private void JournalFailed(IOException e)
    {
        // First failure and then one line per thousand: a full disk must not flood the log.
        var failures = Interlocked.Increment(ref _journalFailures);
        if (failures == 1 || failures % 1000 == 0)
        {
            AlertsLog.OutboxJournalWriteFailed(_logger, e);
        }
    }

    /// <summary>Under the lock: starts compacting the journal in the background when it has grown past its limit.</summary>
    private void StartCompactionIfDue()
    {
        if (_journal is not { NeedsCompaction: true } journal || _closed)
        {
            return;
        }

        List<OutboxItem> snapshot = [.. _inFlight, .. _outbox];
        journal.BeginCompaction();
        _compaction = Task.Run(() => Compact(journal, snapshot));
    }

    private void Compact(OutboxJournal journal, List<OutboxItem> snapshot)
    {
        try
        {
            journal.WriteSnapshot(snapshot);
            lock (_lock)
            {
                journal.FinishCompaction();
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            lock (_lock)
            {
                journal.AbortCompaction();
            }

            AlertsLog.OutboxJournalCompactionFailed(_logger, e);
        }
    }

    private void CountDrop(string reason)
    {
        Interlocked.Increment(ref _dropped);
        _metrics.Drop(reason);
        var index = Array.IndexOf(DropReasons.All, reason);
        var count = Interlocked.Increment(ref _dropsByReason[index]);

        // First drop of each reason and then one line per thousand: an outage must not flood the log.
        if (count != 1 && count % 1000 != 0)
        {
            return;
        }

        switch (reason)
        {
            case DropReasons.OutboxFull: AlertsLog.AlertDropped(_logger, _options.OutboxCapacity, count); break;
            case DropReasons.Rejected: AlertsLog.AlertRejected(_logger, _options.OutboxCapacity, count); break;
            case DropReasons.Shutdown: AlertsLog.AlertDroppedAtShutdown(_logger, count); break;
            default: AlertsLog.AlertDroppedPublishFailed(_logger, count); break;
        }
    }

    private async Task DrainAsync()
    {
        var stopping = _stopping.Token;
        while (!stopping.IsCancellationRequested)
        {
            List<OutboxItem> batch;
            lock (_lock)
            {
                TakeBatch();
                batch = [.. _inFlight];
                if (batch.Count == 0)
                {
                    // Flagged under the lock TryEnqueue adds under, after finding the outbox empty: no wake is lost.
                    _drained.Set();
                    _loopWaiting = true;
                }
            }

            if (batch.Count == 0)
            {
                await _signal.WaitAsync(stopping);
                continue;
            }

            await PublishWithRetriesAsync(batch, stopping);
            lock (_lock)
            {
                TryCompleteInJournal(batch);
                _inFlight.Clear();
                StartCompactionIfDue();
            }
        }
    }

    private async Task PublishWithRetriesAsync(IReadOnlyList<OutboxItem> batch, CancellationToken stopping)
    {
        try
        {
            // Errors that pass are retried inside with the batch kept at the head: later alerts must not overtake it. A
            // retry of a batch whose reply was lost (or came after the timeout) publishes nothing twice: the script skips
            // ids it has already published, and tells this batch's own earlier attempt apart by its token.
            var results = await _retry.ExecuteAsync(
                static (state, cancellationToken) => state.Self.EvaluateAsync(state.Batch, cancellationToken),
                (Self: this, Batch: batch),
                _onRetry,
                stopping);
            for (var i = 0; i < batch.Count; i++)
            {
                _metrics.Latency.Record(_time.GetElapsedTime(batch[i].EnqueuedAt).TotalMilliseconds);
                (results[i] ? _metrics.Published : _metrics.Duplicates).Add(1);
            }
        }
        catch (Exception e) when (batch.Count > 1 && e is not OperationCanceledException)
        {
            // One alert Redis refuses for good must not cost the batch: publish it again one alert at a time, in
            // order. Alerts the failed script call got to are not published twice: their tokens are in Redis.
            foreach (var item in batch)
            {
                await PublishWithRetriesAsync([item], stopping);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            AlertsLog.AlertPublishFailed(_logger, e);
            CountDrop(DropReasons.PublishFailed);
        }
    }

    private async ValueTask<bool[]> EvaluateAsync(IReadOnlyList<OutboxItem> batch, CancellationToken cancellationToken)
    {
        // Made per attempt, for the connection as it is now: one that came back may have found a cluster (shard channels).
        var arguments = Scripts.PublishAlertsArguments(_keys, _options, batch, ShardedPubSub.IsOffered(_redis));
        var result = await _redis.GetDatabase()
            .ScriptEvaluateAsync(Scripts.PublishAlerts, arguments.Keys, arguments.Values)
            .WaitAsync(_options.OperationTimeout, _time, cancellationToken);
        var flags = (RedisResult[])result!;
        var isNew = new bool[flags.Length];
        for (var i = 0; i < isNew.Length; i++)
        {
            // 1: published now; 2: published by this alert's own earlier attempt, whose reply was lost; 0: another alert's.
            isNew[i] = (long)flags[i] != 0;
        }

        return isNew;
    }

    /// <summary>The <c>reason</c> tag of <c>abuse_detector.alerts.dropped</c>.</summary>
    private static class DropReasons
    {
        public const string OutboxFull = "outbox_full";
        public const string Rejected = "rejected";
        public const string Shutdown = "shutdown";
        public const string PublishFailed = "publish_failed";

        public static readonly string[] All = [OutboxFull, Rejected, Shutdown, PublishFailed];
    }
}
