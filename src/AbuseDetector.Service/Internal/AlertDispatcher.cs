using AbuseDetector.Escalation;

namespace AbuseDetector.Service.Internal;

/// <summary>
/// Where every alert raised on this instance goes: Redis when configured (through the publisher's outbox, so raising
/// never waits), else the WatchAlerts streams of this instance.
/// </summary>
internal sealed class AlertDispatcher(AlertHub hub, RedisAlerts redis)
{
    public void Raise(Alert alert)
    {
        if (redis.Publisher is { } publisher)
        {
            // WatchAlerts streams read Redis then, so they see every instance's alerts and the team's history.
            publisher.TryEnqueue(alert);
        }
        else
        {
            hub.Publish(alert);
        }
    }
}
