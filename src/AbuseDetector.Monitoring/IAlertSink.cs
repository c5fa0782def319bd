using AbuseDetector.Escalation;

namespace AbuseDetector.Monitoring;

/// <summary>Where the alerts raised on this instance go: Redis through an outbox, or this process's watchers only.</summary>
public interface IAlertSink
{
    /// <summary>Hands an alert over for delivery. Never waits on I/O and never throws for an outage: delivery is the sink's job.</summary>
    /// <param name="alert">The alert.</param>
    void Raise(Alert alert);
}
