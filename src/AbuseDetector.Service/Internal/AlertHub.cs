using System.Collections.Immutable;
using System.Threading.Channels;
using AbuseDetector.Escalation;

namespace AbuseDetector.Service.Internal;

/// <summary>
/// Fans the alerts raised on this instance out to WatchAlerts streams. Raising never waits: a watcher that falls
/// behind by more than its buffer is ended (its reader fails with <see cref="AlertWatcherOverflowException"/>) rather
/// than silently losing alerts or slowing calls down.
/// </summary>
internal sealed class AlertHub
{
    public const int WatcherBufferSize = 1024;

    private readonly Lock _gate = new();
    private ImmutableArray<AlertWatcher> _watchers = [];

    public int WatcherCount => _watchers.Length;

    /// <summary>Alerts of one team (team audience) or one agent (agent audience) of a tenant, from now on.</summary>
    public AlertWatcher Watch(string tenantId, string? teamId, string? agentId)
    {
        var watcher = new AlertWatcher(this, tenantId, teamId, agentId);
        lock (_gate)
        {
            _watchers = _watchers.Add(watcher);
        }

        return watcher;
    }

    public void Publish(Alert alert)
    {
        foreach (var watcher in _watchers)
        {
            if (watcher.Wants(alert))
            {
                watcher.Offer(alert);
            }
        }
    }

    private void Remove(AlertWatcher watcher)
    {
        lock (_gate)
        {
            _watchers = _watchers.Remove(watcher);
        }
    }

    /// <summary>One WatchAlerts stream's queue; dispose it when the stream ends.</summary>
    internal sealed class AlertWatcher : IDisposable
    {
        private readonly AlertHub _hub;
        private readonly string _tenantId;
        private readonly string? _teamId;
        private readonly string? _agentId;
        private readonly Channel<Alert> _queue = Channel.CreateBounded<Alert>(new BoundedChannelOptions(WatcherBufferSize) { SingleReader = true });

        public AlertWatcher(AlertHub hub, string tenantId, string? teamId, string? agentId)
        {
            _hub = hub;
            _tenantId = tenantId;
            _teamId = teamId;
            _agentId = agentId;
        }

        public ChannelReader<Alert> Alerts => _queue.Reader;

        public bool Wants(Alert alert) =>
            string.Equals(alert.Call.TenantId, _tenantId, StringComparison.Ordinal)
            && ((_teamId is not null && (alert.Audience & AlertAudience.Team) != 0 && string.Equals(alert.Call.TeamId, _teamId, StringComparison.Ordinal))
                || (_agentId is not null && (alert.Audience & AlertAudience.Agent) != 0 && string.Equals(alert.Call.AgentId, _agentId, StringComparison.Ordinal)));

        public void Offer(Alert alert)
        {
            if (!_queue.Writer.TryWrite(alert))
            {
                _queue.Writer.TryComplete(new AlertWatcherOverflowException());
            }
        }

        public void Dispose()
        {
            _hub.Remove(this);
            _queue.Writer.TryComplete();
        }
    }
}

/// <summary>A watcher read too slowly and more than <see cref="AlertHub.WatcherBufferSize"/> alerts waited for it.</summary>
internal sealed class AlertWatcherOverflowException() : Exception("The watcher fell more than 1024 alerts behind.");
