namespace AbuseDetector.Alerts.Redis.Internal;

/// <summary>
/// Tells flushers that a queue has drained. Its owner calls <see cref="Arm"/> and <see cref="Set"/> under the queue's
/// own lock, so a flusher that found work left cannot miss the moment the queue empties.
/// </summary>
internal sealed class DrainedSignal
{
    private TaskCompletionSource _drained = New();

    /// <summary>Under the owner's lock, with work left: a task that completes when the queue is next found empty.</summary>
    public Task Arm()
    {
        if (_drained.Task.IsCompleted)
        {
            _drained = New();
        }

        return _drained.Task;
    }

    /// <summary>Under the owner's lock: the queue is empty.</summary>
    public void Set() => _drained.TrySetResult();

    /// <summary>Waits for an armed task; false when the timeout passed first.</summary>
    public static async Task<bool> WaitAsync(Task drained, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        try
        {
            await drained.WaitAsync(timeout, time, cancellationToken);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private static TaskCompletionSource New() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
