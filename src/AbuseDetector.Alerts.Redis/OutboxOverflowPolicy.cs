namespace AbuseDetector.Alerts.Redis;

/// <summary>What <see cref="RedisAlertPublisher.Raise(Escalation.Alert)"/> does when the outbox is full.</summary>
public enum OutboxOverflowPolicy
{
    /// <summary>
    /// Make room by dropping the oldest non-critical alert (the new one included); a critical alert is dropped only
    /// when every waiting alert and the new one are critical.
    /// </summary>
    DropOldest,

    /// <summary>Refuse the new alert (counted as dropped, reason <c>rejected</c>).</summary>
    RejectNew,
}
