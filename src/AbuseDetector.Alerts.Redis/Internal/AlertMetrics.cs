using System.Diagnostics.Metrics;

namespace AbuseDetector.Alerts.Redis.Internal;

/// <summary>The publisher's instruments on the <c>AbuseDetector.Alerts</c> meter, from the host's meter factory or a private meter.</summary>
internal sealed class AlertMetrics : IDisposable
{
    public const string MeterName = "AbuseDetector.Alerts";

    // A meter from the factory belongs to the factory, which disposes it; a private one is ours.
    private readonly bool _ownsMeter;

    public AlertMetrics(IMeterFactory? meterFactory, Func<int> outboxDepth)
    {
        _ownsMeter = meterFactory is null;
        Meter = meterFactory?.Create(new MeterOptions(MeterName)) ?? new Meter(MeterName);
        Published = Meter.CreateCounter<long>("abuse_detector.alerts.published", "{alert}", "Alerts published to Redis for the first time.");
        Duplicates = Meter.CreateCounter<long>("abuse_detector.alerts.duplicates", "{alert}", "Publishes Redis ignored because the alert id was already published.");
        Dropped = Meter.CreateCounter<long>("abuse_detector.alerts.dropped", "{alert}", "Alerts never published; tag reason says why.");
        Retries = Meter.CreateCounter<long>("abuse_detector.alerts.publish_retries", "{attempt}", "Publish attempts retried after a Redis error that passes.");
        Latency = Meter.CreateHistogram<double>("abuse_detector.alerts.publish_latency", "ms", "From enqueue to Redis acknowledging the publish script.");
        Meter.CreateObservableGauge("abuse_detector.alerts.outbox_depth", outboxDepth, "{alert}", "Alerts waiting in the outbox, the ones being published included.");
    }

    public Meter Meter { get; }

    public Counter<long> Published { get; }

    public Counter<long> Duplicates { get; }

    public Counter<long> Dropped { get; }

    public Counter<long> Retries { get; }

    public Histogram<double> Latency { get; }

    public void Drop(string reason) => Dropped.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void Dispose()
    {
        if (_ownsMeter)
        {
            Meter.Dispose();
        }
    }
}
