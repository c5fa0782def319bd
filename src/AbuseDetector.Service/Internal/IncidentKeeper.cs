using System.Threading.Channels;
using AbuseDetector.Alerts.Redis;
using AbuseDetector.Escalation;

namespace AbuseDetector.Service.Internal;

/// <summary>
/// Saves incident notes to Redis in the background, retrying while Redis is away, so ending a call never waits on
/// Redis and an outage does not lose the manager's notes. A later save of the same call replaces an earlier one.
/// </summary>
internal sealed class IncidentKeeper : BackgroundService
{
    public const int Capacity = 10_000;

    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LongestRetryDelay = TimeSpan.FromSeconds(2);

    private readonly RedisAlerts _redis;
    private readonly ILogger<IncidentKeeper> _logger;
    private readonly Channel<Incident> _pending;
    private int _waiting;

    public IncidentKeeper(RedisAlerts redis, ILogger<IncidentKeeper> logger)
    {
        _redis = redis;
        _logger = logger;

        // A full queue (a long outage) gives up the oldest notes, and says so, so the count stays true.
        _pending = Channel.CreateBounded<Incident>(
            new BoundedChannelOptions(Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.DropOldest },
            dropped =>
            {
                Interlocked.Decrement(ref _waiting);
                ServiceLog.IncidentDropped(logger, Capacity);
            });
    }

    /// <summary>Incidents not yet saved.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    /// <summary>Queues the notes for saving; nothing happens when Redis is off.</summary>
    public void Keep(Incident incident)
    {
        if (_redis.Enabled && _pending.Writer.TryWrite(incident))
        {
            Interlocked.Increment(ref _waiting);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Calls have drained by now; give the last notes the same chance as the last alerts before stopping the loop.
        _pending.Writer.TryComplete();
        var deadline = Task.Delay(TimeSpan.FromSeconds(5), cancellationToken);
        while (Waiting > 0 && !deadline.IsCompleted)
        {
            await Task.WhenAny(deadline, Task.Delay(50, CancellationToken.None));
        }

        if (Waiting > 0)
        {
            ServiceLog.IncidentsLeftAtShutdown(_logger, Waiting);
        }

        await base.StopAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var incident in _pending.Reader.ReadAllAsync(stoppingToken))
            {
                await SaveAsync(incident, stoppingToken);
                Interlocked.Decrement(ref _waiting);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task SaveAsync(Incident incident, CancellationToken stoppingToken)
    {
        var delay = FirstRetryDelay;
        while (_redis.Incidents is { } store)
        {
            try
            {
                await store.SaveAsync(incident, stoppingToken);
                return;
            }
            catch (Exception ex) when (RedisErrors.IsTransient(ex))
            {
                ServiceLog.IncidentSaveFailed(_logger, ex.Message);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Retrying an error that will come again would hold up every incident queued behind this one.
                ServiceLog.IncidentNotSaved(_logger, ex);
                return;
            }

            await Task.Delay(delay, stoppingToken);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, LongestRetryDelay.Ticks));
        }
    }
}
