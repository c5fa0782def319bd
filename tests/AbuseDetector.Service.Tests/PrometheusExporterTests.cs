using System.Diagnostics.Metrics;
using AbuseDetector.Service.Internal;

namespace AbuseDetector.Service.Tests;

public sealed class PrometheusExporterTests : IDisposable
{
    private readonly Meter _meter = new("AbuseDetector.Tests." + Guid.NewGuid().ToString("N"));
    private readonly PrometheusExporter _exporter;

    public PrometheusExporterTests() => _exporter = new PrometheusExporter(meter => ReferenceEquals(meter, _meter));

    public void Dispose()
    {
        _exporter.Dispose();
        _meter.Dispose();
    }

    [Fact]
    public void Scrape_CounterWithTags_TotalSuffixHelpTypeAndEscapedLabels()
    {
        // Arrange
        var counter = _meter.CreateCounter<long>("test.requests", "{request}", "Requests seen,\nwith a \\ backslash.");

        // Act
        counter.Add(2, new KeyValuePair<string, object?>("path", "a\"b\\c\nd"), new KeyValuePair<string, object?>("http.method", "GET"));
        counter.Add(3, new KeyValuePair<string, object?>("http.method", "GET"), new KeyValuePair<string, object?>("path", "a\"b\\c\nd"));
        counter.Add(1);
        var text = _exporter.Scrape();

        // Assert
        Assert.Equal(
            "# HELP test_requests_total Requests seen,\\nwith a \\\\ backslash.\n"
            + "# TYPE test_requests_total counter\n"
            + "test_requests_total{http_method=\"GET\",path=\"a\\\"b\\\\c\\nd\"} 5\n"
            + "test_requests_total 1\n",
            text);
    }

    [Fact]
    public void Scrape_DoubleCounterAndUpDownCounter_CounterSumsAndGaugeNets()
    {
        // Arrange
        var seconds = _meter.CreateCounter<double>("test.busy", "s", "Busy time.");
        var queued = _meter.CreateUpDownCounter<int>("test.queued", "{item}", "Items queued.");

        // Act
        seconds.Add(0.25);
        seconds.Add(1.5, new KeyValuePair<string, object?>("worker", 3));
        queued.Add(5);
        queued.Add(-2);
        var text = _exporter.Scrape();

        // Assert
        Assert.Equal(
            "# HELP test_busy_seconds_total Busy time.\n"
            + "# TYPE test_busy_seconds_total counter\n"
            + "test_busy_seconds_total 0.25\n"
            + "test_busy_seconds_total{worker=\"3\"} 1.5\n"
            + "# HELP test_queued Items queued.\n"
            + "# TYPE test_queued gauge\n"
            + "test_queued 3\n",
            text);
    }

    [Fact]
    public void Scrape_ObservableInstruments_CurrentValuesOnlyAndGoneSeriesDropped()
    {
        // Arrange
        var reportB = true;
        _meter.CreateObservableCounter("test.bytes_read", () => 1024L, "By", "Bytes read.");
        _meter.CreateObservableGauge("test.temperature", () => reportB
            ? [new Measurement<double>(21.5, new KeyValuePair<string, object?>("room", "a")), new Measurement<double>(-3, new KeyValuePair<string, object?>("room", "b"))]
            : new[] { new Measurement<double>(22, new KeyValuePair<string, object?>("room", "a")) });
        _meter.CreateObservableUpDownCounter("test.connections", () => 7, "{connection}");

        // Act
        var first = _exporter.Scrape();
        reportB = false;
        var second = _exporter.Scrape();

        // Assert
        Assert.Contains("# TYPE test_bytes_read_bytes_total counter\ntest_bytes_read_bytes_total 1024\n", first, StringComparison.Ordinal);
        Assert.Contains("# HELP test_connections test.connections\n# TYPE test_connections gauge\ntest_connections 7\n", first, StringComparison.Ordinal);
        Assert.Contains("test_temperature{room=\"a\"} 21.5\ntest_temperature{room=\"b\"} -3\n", first, StringComparison.Ordinal);
        Assert.Contains("test_temperature{room=\"a\"} 22\n", second, StringComparison.Ordinal);
        Assert.DoesNotContain("room=\"b\"", second, StringComparison.Ordinal);
    }

    [Fact]
    public void Scrape_HistogramWithAdvisedBuckets_CumulativeBucketsInfSumAndCount()
    {
        // Arrange
        var histogram = _meter.CreateHistogram("test.latency", "ms", "Latency.", tags: null, new InstrumentAdvice<double> { HistogramBucketBoundaries = [1, 5, 10] });

        // Act
        foreach (var value in new[] { 0.5, 1, 3, 7, 100 })
        {
            histogram.Record(value, new KeyValuePair<string, object?>("kind", "x"));
        }

        var text = _exporter.Scrape();

        // Assert
        Assert.Equal(
            "# HELP test_latency_milliseconds Latency.\n"
            + "# TYPE test_latency_milliseconds histogram\n"
            + "test_latency_milliseconds_bucket{kind=\"x\",le=\"1\"} 2\n"
            + "test_latency_milliseconds_bucket{kind=\"x\",le=\"5\"} 3\n"
            + "test_latency_milliseconds_bucket{kind=\"x\",le=\"10\"} 4\n"
            + "test_latency_milliseconds_bucket{kind=\"x\",le=\"+Inf\"} 5\n"
            + "test_latency_milliseconds_sum{kind=\"x\"} 111.5\n"
            + "test_latency_milliseconds_count{kind=\"x\"} 5\n",
            text);
    }

    [Fact]
    public void Scrape_HistogramWithoutAdvice_DefaultBuckets()
    {
        // Arrange
        var histogram = _meter.CreateHistogram<int>("test.size");

        // Act
        histogram.Record(30);
        var text = _exporter.Scrape();

        // Assert
        Assert.Equal(PrometheusExporter.InstrumentAggregator.DefaultBounds.Length + 1, text.Split('\n').Count(l => l.StartsWith("test_size_bucket", StringComparison.Ordinal)));
        Assert.Contains("test_size_bucket{le=\"25\"} 0\ntest_size_bucket{le=\"50\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("test_size_sum 30\ntest_size_count 1\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Record_ManyThreads_NoMeasurementLost()
    {
        // Arrange
        var counter = _meter.CreateCounter<long>("test.hits");
        var histogram = _meter.CreateHistogram<double>("test.spread", unit: null, description: null, tags: null, new InstrumentAdvice<double> { HistogramBucketBoundaries = [10] });
        const int PerThread = 100_000;
        var tag = new KeyValuePair<string, object?>("lane", "one");

        // Act
        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, _ =>
        {
            for (var i = 0; i < PerThread; i++)
            {
                counter.Add(1, tag);
                histogram.Record(i % 20);
            }
        });
        var text = _exporter.Scrape();

        // Assert
        Assert.Contains($"test_hits_total{{lane=\"one\"}} {4 * PerThread}\n", text, StringComparison.Ordinal);
        Assert.Contains($"test_spread_bucket{{le=\"10\"}} {4 * PerThread / 20 * 11}\n", text, StringComparison.Ordinal);
        Assert.Contains($"test_spread_count {4 * PerThread}\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Record_KnownSeries_AllocatesNothing()
    {
        // Arrange
        var counter = _meter.CreateCounter<long>("test.cheap");
        var histogram = _meter.CreateHistogram("test.cheap_latency", "ms", null, null, new InstrumentAdvice<double> { HistogramBucketBoundaries = [1, 2, 3] });
        var tag = new KeyValuePair<string, object?>("speaker", "customer");
        counter.Add(1, tag);
        histogram.Record(1.5);

        // Act
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            counter.Add(1, tag);
            histogram.Record(i % 4);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // Assert
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Scrape_MeterDisposed_InstrumentsLeaveTheExport()
    {
        // Arrange
        _meter.CreateCounter<long>("test.gone").Add(1);
        Assert.Contains("test_gone_total 1", _exporter.Scrape(), StringComparison.Ordinal);

        // Act
        _meter.Dispose();

        // Assert
        Assert.Equal(string.Empty, _exporter.Scrape());
    }

    [Theory]
    [InlineData("AbuseDetector", true)]
    [InlineData("AbuseDetector.Alerts", true)]
    [InlineData("AbuseDetectorX", false)]
    [InlineData("Microsoft.AspNetCore.Hosting", false)]
    public void IsExportedMeterName_Name_OnlyAbuseDetectorMeters(string name, bool exported)
    {
        // Act
        var result = PrometheusExporter.IsExportedMeterName(name);

        // Assert
        Assert.Equal(exported, result);
    }

    [Theory]
    [InlineData("abuse_detector.chunks", "{chunk}", "Counter", "abuse_detector_chunks_total")]
    [InlineData("abuse_detector.chunk.duration", "ms", "Histogram", "abuse_detector_chunk_duration_milliseconds")]
    [InlineData("alerts.sent_total", null, "Counter", "alerts_sent_total")]
    [InlineData("queue.size_bytes", "By", "Gauge", "queue_size_bytes")]
    [InlineData("net.throughput", "By/s", "Gauge", "net_throughput_bytes_per_second")]
    [InlineData("9lives-cat", "1", "Gauge", "_9lives_cat")]
    public void MetricName_InstrumentNameAndUnit_PrometheusName(string instrument, string? unit, string kind, string expected)
    {
        // Act
        var name = PrometheusExporter.MetricName(instrument, unit, Enum.Parse<PrometheusExporter.MetricKind>(kind));

        // Assert
        Assert.Equal(expected, name);
    }
}
