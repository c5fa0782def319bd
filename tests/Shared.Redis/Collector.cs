using System.Collections.Concurrent;

namespace AbuseDetector.Testing.Redis;

/// <summary>Runs a watch in the background and collects what it yields; an error other than cancellation is kept in <see cref="Error"/>.</summary>
/// <typeparam name="T">What the watch yields.</typeparam>
public sealed class Collector<T> : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _run;

    /// <param name="watch">Starts the watch; it ends when the token given to it is cancelled.</param>
    public Collector(Func<CancellationToken, IAsyncEnumerable<T>> watch)
    {
        _run = Task.Run(async () =>
        {
            try
            {
                await foreach (var item in watch(_stop.Token))
                {
                    Items.Enqueue(item);
                }
            }
            catch (OperationCanceledException)
            {
            }
            catch (Exception e)
            {
                Error = e;
            }
        });
    }

    /// <summary>What the watch yielded so far, in order.</summary>
    public ConcurrentQueue<T> Items { get; } = new();

    /// <summary>The exception the watch ended with, other than cancellation; null while it runs or after it was cancelled.</summary>
    public Exception? Error { get; private set; }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _run;
        _stop.Dispose();
    }
}
