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
    public IAsyncEnumerable<WatchedAlert> WatchAsync(AlertScope scope, HistoryId? since, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        if (since is not null)
        {
            throw new AlertHistoryNotKeptException();
        }

        // Registered now, not at the first MoveNext, so no alert raised after this call is missed; removed when the watch is
        // cancelled or its reading ends, whichever comes first (a watch cancelled before its first read is never read).
        var watcher = new Watcher(scope) { Owner = this };
        lock (_gate)
        {
            _watchers = _watchers.Add(watcher);
        }

        watcher.Cancellation = cancellationToken.UnsafeRegister(static state => ((Watcher)state!).Owner.Remove((Watcher)state!), watcher);
        return ReadAsync(watcher, cancellationToken);
    }

    private void Remove(Watcher watcher)
    {
        lock (_gate)
        {
            _watchers = _watchers.Remove(watcher);
        }
    }

    private async IAsyncEnumerable<WatchedAlert> ReadAsync(Watcher watcher, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var alert in watcher.Queue.Reader.ReadAllAsync(cancellationToken))
            {
                yield return new WatchedAlert("", alert);
            }
        }
        finally
        {
            await watcher.Cancellation.DisposeAsync();
            Remove(watcher);
        }
    }

    private sealed class Watcher(AlertScope scope)
    {
        public AlertScope Scope { get; } = scope;

        public required InProcessAlerts Owner { get; init; }

        public CancellationTokenRegistration Cancellation { get; set; }

        public Channel<Alert> Queue { get; } = Channel.CreateBounded<Alert>(new BoundedChannelOptions(WatcherBufferSize) { SingleReader = true });

        public void Offer(Alert alert)
        {
            if (!Queue.Writer.TryWrite(alert))
            {
                Queue.Writer.TryComplete(new AlertFeedOverflowException(WatcherBufferSize));
            }
        }
    }
}
