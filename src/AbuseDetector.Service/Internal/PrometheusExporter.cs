using System.Diagnostics.Metrics;
using System.Text;

namespace AbuseDetector.Service.Internal;

/// <summary>
/// Serves the process's AbuseDetector meters (<c>AbuseDetector</c> and <c>AbuseDetector.*</c>) in the Prometheus text
/// exposition format 0.0.4. A <see cref="MeterListener"/> aggregates measurements as they happen, into striped cells
/// without locks or allocations on the recording path; a scrape reads the observable instruments and sums the stripes.
/// </summary>
/// <remarks>
/// Meters created by another host's <see cref="IMeterFactory"/> in the same process (tests start several services) are
/// left out, so each service reports its own figures; meters created without a factory are included.
/// </remarks>
internal sealed partial class PrometheusExporter : IDisposable
{
    /// <summary>The content type of the exposition format 0.0.4.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>The most label sets one instrument keeps; further ones are summed into one series labelled <c>otel_metric_overflow="true"</c>.</summary>
    public const int MaxSeriesPerInstrument = 1_000;

    private readonly Func<Meter, bool> _include;
    private readonly MeterListener _listener;
    private readonly Lock _gate = new();
    private readonly List<InstrumentAggregator> _instruments = [];
    private long _collection;

    /// <summary>Exports the AbuseDetector meters created by <paramref name="meterFactory"/>, and those created without a factory.</summary>
    public PrometheusExporter(IMeterFactory meterFactory)
        : this(meter => meter.Scope is null || ReferenceEquals(meter.Scope, meterFactory))
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
    }

    /// <summary>Exports the AbuseDetector meters <paramref name="include"/> accepts.</summary>
    internal PrometheusExporter(Func<Meter, bool> include)
    {
        _include = include;
        _listener = new MeterListener
        {
            InstrumentPublished = OnInstrumentPublished,
            MeasurementsCompleted = OnMeasurementsCompleted,
        };

        // One static callback per measurement type: the aggregator travels as the listener's state, so nothing is captured or allocated.
        _listener.SetMeasurementEventCallback<byte>(static (_, value, tags, state) => ((InstrumentAggregator)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<short>(static (_, value, tags, state) => ((InstrumentAggregator)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<int>(static (_, value, tags, state) => ((InstrumentAggregator)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<long>(static (_, value, tags, state) => ((InstrumentAggregator)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<float>(static (_, value, tags, state) => ((InstrumentAggregator)state!).Record((double)value, tags));
        _listener.SetMeasurementEventCallback<double>(static (_, value, tags, state) => ((InstrumentAggregator)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<decimal>(static (_, value, tags, state) => ((InstrumentAggregator)state!).Record((double)value, tags));
        _listener.Start();
    }

    /// <summary>Whether a meter's name puts it in the export: <c>AbuseDetector</c> or <c>AbuseDetector.</c> followed by anything.</summary>
    public static bool IsExportedMeterName(string name) =>
        string.Equals(name, ServiceMetrics.MeterName, StringComparison.Ordinal)
        || name.StartsWith(ServiceMetrics.MeterName + ".", StringComparison.Ordinal);

    /// <summary>Reads the observable instruments and writes every instrument's current values in the text format.</summary>
    public string Scrape()
    {
        lock (_gate)
        {
            // Observable series not reported in this collection are left out: their source has gone.
            _collection++;
            foreach (var instrument in _instruments)
            {
                instrument.Collection = _collection;
            }

            _listener.RecordObservableInstruments();
            var text = new StringBuilder(4096);
            WriteText(text, _instruments);
            return text.ToString();
        }
    }

    public void Dispose() => _listener.Dispose();

    private void OnInstrumentPublished(Instrument instrument, MeterListener listener)
    {
        if (!IsExportedMeterName(instrument.Meter.Name) || !_include(instrument.Meter) || InstrumentAggregator.Create(instrument) is not { } aggregator)
        {
            return;
        }

        lock (_gate)
        {
            _instruments.Add(aggregator);
        }

        listener.EnableMeasurementEvents(instrument, aggregator);
    }

    private void OnMeasurementsCompleted(Instrument instrument, object? state)
    {
        lock (_gate)
        {
            _instruments.Remove((InstrumentAggregator)state!);
        }
    }
}
