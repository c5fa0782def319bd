using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using AbuseDetector.Escalation;

namespace AbuseDetector.Monitoring;

/// <summary>
/// Alerts delivered within this process only, to the watchers open on it: the delivery when Redis is off. Keeps no
/// history. Raising never waits: a watcher that falls more than <see cref="WatcherBufferSize"/> alerts behind is ended
/// with <see cref="AlertFeedOverflowException"/> rather than losing alerts silently or slowing calls down.
/// </summary>
public sealed class InProcessAlerts : IAlertSink, IAlertFeed
{
    /// <summary>How many alerts wait for one watcher before it is ended.</summary>
    public const int WatcherBufferSize = 1024;

    private readonly Lock _gate = new();
    private ImmutableArray<Watcher> _watchers = [];

    /// <inheritdoc/>
    public bool KeepsHistory => false;

    /// <summary>Gets the watches open now.</summary>
    public int WatcherCount => _watchers.Length;

    /// <inheritdoc/>
    public void Raise(Alert alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        foreach (var watcher in _watchers)
        {
            if (watcher.Scope.Includes(alert))
            {
                watcher.Offer(alert);
            }
        }
    }

    /// <inheritdoc/>
    public Task<IAlertWatch> WatchAsync(AlertScope scope, HistoryId? since, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        if (since is not null)
        {
            throw new AlertHistoryNotKeptException();
        }

        var watcher = new Watcher(this, scope);
        lock (_gate)
        {
            _watchers = _watchers.Add(watcher);
        }

        return Task.FromResult<IAlertWatch>(watcher);
    }

    private void Remove(Watcher watcher)
    {
        lock (_gate)
        {
            _watchers = _watchers.Remove(watcher);
        }
    }

    private sealed class Watcher(InProcessAlerts owner, AlertScope scope) : IAlertWatch
    {
        private readonly Channel<Alert> _queue = Channel.CreateBounded<Alert>(new BoundedChannelOptions(WatcherBufferSize) { SingleReader = true });

        public AlertScope Scope { get; } = scope;

        public void Offer(Alert alert)
        {
            if (!_queue.Writer.TryWrite(alert))
            {
                _queue.Writer.TryComplete(new AlertFeedOverflowException(WatcherBufferSize));
            }
        }

        public async IAsyncEnumerable<WatchedAlert> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await foreach (var alert in _queue.Reader.ReadAllAsync(cancellationToken))
            {
                yield return new WatchedAlert("", alert);
            }
        }

        public ValueTask DisposeAsync()
        {
            owner.Remove(this);
            _queue.Writer.TryComplete();
            return ValueTask.CompletedTask;
        }
    }
}
