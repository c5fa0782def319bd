using AbuseDetector.Alerts.Redis.Internal;
using AbuseDetector.Escalation;

namespace AbuseDetector.Alerts.Redis;

/// <summary>The background saving behind <see cref="Keep"/>.</summary>
public sealed partial class RedisIncidentStore
{
    /// <summary>The most calls whose incidents wait to be saved; past it the oldest waiting is dropped, and logged.</summary>
    public const int QueueCapacity = 10_000;

    private readonly Lock _queueLock = new();

    // Waiting incidents in order, one per call: a later save of the same call replaces the earlier one in place.
    private readonly LinkedList<Incident> _queue = new();
    private readonly Dictionary<(string Tenant, string Call), LinkedListNode<Incident>> _queued = [];
    private readonly SemaphoreSlim _signal = new(0);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;
    private readonly DrainedSignal _drained = new();
    private bool _saving;
    private bool _closed;

    /// <summary>Gets how many incidents wait to be saved, the one being saved included.</summary>
    public int Waiting
    {
        get
        {
            lock (_queueLock)
            {
                return _queue.Count + (_saving ? 1 : 0);
            }
        }
    }

    /// <summary>Queues the incident to be saved (or replaces the one of the same call still waiting); never waits. Ignored once the store is disposed.</summary>
    /// <param name="incident">The notes.</param>
    public void Keep(Incident incident)
    {
        ArgumentNullException.ThrowIfNull(incident);
        var dropped = false;
        lock (_queueLock)
        {
            if (_closed)
            {
                return;
            }

            var key = (incident.Call.TenantId, incident.Call.CallId);
            if (_queued.TryGetValue(key, out var waiting))
            {
                waiting.Value = incident;
                return;
            }

            // A full queue (a long outage) gives up the oldest notes, and says so.
            if (_queue.Count >= QueueCapacity)
            {
                var oldest = _queue.First!.Value;
                _queue.RemoveFirst();
                _queued.Remove((oldest.Call.TenantId, oldest.Call.CallId));
                dropped = true;
            }

            _queued[key] = _queue.AddLast(incident);
        }

        if (dropped)
        {
            AlertsLog.IncidentDropped(_logger, QueueCapacity);
        }

        _signal.Release();
    }

    /// <summary>Waits until every incident queued before the call is saved or given up.</summary>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>True when the queue emptied in time.</returns>
    public async Task<bool> FlushAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        Task drained;
        lock (_queueLock)
        {
            if (_queue.Count == 0 && !_saving)
            {
                return true;
            }

            drained = _drained.Arm();
        }

        return await DrainedSignal.WaitAsync(drained, timeout, _time, cancellationToken);
    }

    /// <summary>Stops taking incidents, gives those queued up to <see cref="RedisAlertsOptions.ShutdownFlushTimeout"/>, and stops the loop; those left are logged.</summary>
    /// <returns>A task that completes when the loop has stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        lock (_queueLock)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
        }

        await FlushAsync(_options.ShutdownFlushTimeout);
        await _stopping.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
            // Stopped mid-retry.
        }

        var left = Waiting;
        if (left > 0)
        {
            AlertsLog.IncidentsLeftAtShutdown(_logger, left);
        }

        _stopping.Dispose();
    }

    private async Task SaveQueuedAsync()
    {
        var stopping = _stopping.Token;
        Action<Exception, TimeSpan> onRetry = (error, delay) => AlertsLog.IncidentSaveRetrying(_logger, error.GetType().Name, (long)delay.TotalMilliseconds, Waiting);
        while (true)
        {
            await _signal.WaitAsync(stopping);
            Incident incident;
            lock (_queueLock)
            {
                if (_queue.First is not { } first)
                {
                    // Every release has its incident, but one replaced in place or dropped leaves a spare release.
                    continue;
                }

                incident = first.Value;
                _queue.RemoveFirst();
                _queued.Remove((incident.Call.TenantId, incident.Call.CallId));
                _saving = true;
            }

            try
            {
                await _retry.ExecuteAsync(static (state, ct) => new ValueTask<bool>(state.Self.SaveAsync(state.Incident, ct)), (Self: this, Incident: incident), onRetry, stopping);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Retrying an error that will come again would hold up every incident queued behind this one.
                AlertsLog.IncidentNotSaved(_logger, e);
            }

            // Cancelled, it stays counted as waiting: it was not saved.
            lock (_queueLock)
            {
                _saving = false;
                if (_queue.Count == 0)
                {
                    _drained.Set();
                }
            }
        }
    }
}
