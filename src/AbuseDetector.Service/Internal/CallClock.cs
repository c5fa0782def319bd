namespace AbuseDetector.Service.Internal;

/// <summary>
/// Call time for the escalation engine: the call's start plus the platform's utterance offsets when it sends them, so
/// calming down is measured in call time whatever the pace of delivery (a replay at full speed decays like the call
/// did); the service's clock when the platform sends no offsets. Never goes backwards.
/// </summary>
internal sealed class CallClock(TimeProvider timeProvider, DateTimeOffset startedAt)
{
    private readonly DateTimeOffset _startedAt = startedAt;
    private DateTimeOffset _last = startedAt;
    private bool _platformTimed;

    /// <summary>The time of an event that ends <paramref name="offsetMs"/> into the call (0 when the platform did not say).</summary>
    public DateTimeOffset At(ulong offsetMs)
    {
        DateTimeOffset candidate;
        if (offsetMs > 0)
        {
            _platformTimed = true;
            candidate = _startedAt.AddMilliseconds(Math.Min(offsetMs, (ulong)TimeSpan.FromDays(1).TotalMilliseconds));
        }
        else
        {
            candidate = _platformTimed ? _last : timeProvider.GetUtcNow();
        }

        if (candidate > _last)
        {
            _last = candidate;
        }

        return _last;
    }
}
