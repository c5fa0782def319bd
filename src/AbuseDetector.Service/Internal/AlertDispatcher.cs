using AbuseDetector.Escalation;

namespace AbuseDetector.Service.Internal;

/// <summary>Where every alert raised on this instance goes: the WatchAlerts streams here, and Redis when configured.</summary>
internal sealed class AlertDispatcher(AlertHub hub)
{
    /// <summary>Hands the alert on without waiting: Redis delivery goes through its outbox.</summary>
    public void Raise(Alert alert)
    {
        hub.Publish(alert);
    }
}
