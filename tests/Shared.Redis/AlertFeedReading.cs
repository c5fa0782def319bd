using System.Runtime.CompilerServices;
using AbuseDetector.Monitoring;

namespace AbuseDetector.Testing.Redis;

/// <summary>Opens a watch and reads it, for tests that want a feed's alerts as one sequence.</summary>
public static class AlertFeedReading
{
    /// <summary>Opens the watch, yields its alerts until cancelled, and closes it.</summary>
    public static async IAsyncEnumerable<WatchedAlert> ReadAsync(this IAlertFeed feed, AlertScope scope, HistoryId? since, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var watch = await feed.WatchAsync(scope, since, cancellationToken);
        await foreach (var alert in watch.ReadAllAsync(cancellationToken))
        {
            yield return alert;
        }
    }
}
