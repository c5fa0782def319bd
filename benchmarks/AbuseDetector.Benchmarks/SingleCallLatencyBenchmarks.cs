using System.Globalization;
using AbuseDetector.Detection;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace AbuseDetector.Benchmarks;

/// <summary>
/// The latency of single calls, tail included: every iteration is one call on the next of 500 varied call-domain
/// utterances of 18 to 22 words (a repeated text would keep its weight rows cached), so the median and P99 columns are
/// of single calls, each measured on its own, caches as the harness leaves them between calls.
/// </summary>
[Config(typeof(SingleCallConfig))]
public class SingleCallLatencyBenchmarks
{
    private AbuseClassifier _classifier = null!;
    private string[] _texts = [];
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _classifier = AbuseClassifier.Load(BenchmarkInputs.ModelPath);
        _texts = BenchmarkInputs.ReadCallTexts(500, minWords: 18, maxWords: 22);
    }

    [Benchmark(Baseline = true)]
    public AbuseScores Score() => _classifier.Score(NextText());

    [Benchmark]
    public Classification Classify() => _classifier.Classify(NextText());

    private string NextText()
    {
        var text = _texts[_next];
        _next = (_next + 1) % _texts.Length;
        return text;
    }

    private sealed class SingleCallConfig : ManualConfig
    {
        public SingleCallConfig()
        {
            AddJob(Job.Default.WithInvocationCount(1).WithUnrollFactor(1).WithWarmupCount(200).WithIterationCount(5000).WithId("single-call"));
            AddColumn(new P99Column());
        }
    }

    /// <summary>The 99th percentile of the measurements, in µs.</summary>
    private sealed class P99Column : IColumn
    {
        public string Id => nameof(P99Column);

        public string ColumnName => "P99";

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Statistics;

        public int PriorityInCategory => 10;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Time;

        public string Legend => "99th percentile of all measurements";

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

        public bool IsAvailable(Summary summary) => true;

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) =>
            summary[benchmarkCase]?.ResultStatistics is { } statistics
                ? string.Create(CultureInfo.InvariantCulture, $"{statistics.Percentiles.Percentile(99) / 1000:F2} μs")
                : "-";
    }
}
