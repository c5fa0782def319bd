namespace AbuseDetector.Monitoring;

/// <summary>
/// Call time for the escalation engine: the call's start plus the platform's utterance offsets when it sends them, so
/// calming down is measured in call time whatever the pace of delivery (a replay at full speed decays like the call
/// did), moving on with the service's clock between events; the service's clock alone when the platform sends no
/// offsets. Never goes backwards.
/// </summary>
/// <param name="timeProvider">The service's clock.</param>
/// <param name="startedAt">When the call started.</param>
/// <param name="lastEventAt">The latest call time handed out, for a call resumed from another instance; no time handed out is earlier.</param>
/// <param name="platformTimed">Whether the platform sent offsets on the call so far, for a call resumed from another instance.</param>
internal sealed class CallClock(TimeProvider timeProvider, DateTimeOffset startedAt, DateTimeOffset? lastEventAt = null, bool platformTimed = false)
{
    private static readonly ulong LongestOffsetMs = (ulong)TimeSpan.FromDays(1).TotalMilliseconds;

    private readonly DateTimeOffset _startedAt = startedAt;
    private DateTimeOffset _last = lastEventAt is { } last && last > startedAt ? last : startedAt;
    private long _lastSeen = timeProvider.GetTimestamp();
    private bool _platformTimed = platformTimed;

    /// <summary>Gets when the call started.</summary>
    public DateTimeOffset StartedAt => _startedAt;

    /// <summary>Gets the latest call time handed out.</summary>
    public DateTimeOffset Latest => _last;

    /// <summary>Gets a value indicating whether the platform sent offsets, so call time runs on from the last one.</summary>
    public bool PlatformTimed => _platformTimed;

    /// <summary>The time of an event that ends <paramref name="offsetMs"/> into the call (0 when the platform did not say).</summary>
    public DateTimeOffset At(ulong offsetMs)
    {
        if (offsetMs == 0)
        {
            return Now();
        }

        _platformTimed = true;
        return Reached(_startedAt.AddMilliseconds(Math.Min(offsetMs, LongestOffsetMs)));
    }

    /// <summary>Call time now, with no event: for letting time pass on a quiet call. Later times never fall before it.</summary>
    public DateTimeOffset Now() => Reached(Peek());

    /// <summary>Call time now, without moving the clock: for asking how long until something is due.</summary>
    public DateTimeOffset Peek()
    {
        var now = _platformTimed ? _last + timeProvider.GetElapsedTime(_lastSeen) : timeProvider.GetUtcNow();
        return now > _last ? now : _last;
    }

    /// <summary>Moves the clock to <paramref name="candidate"/> unless it already passed it: no time handed out is ever earlier than one handed out before.</summary>
    private DateTimeOffset Reached(DateTimeOffset candidate)
    {
        if (candidate > _last)
        {
            _last = candidate;
        }

        _lastSeen = timeProvider.GetTimestamp();
        return _last;
    }
}
