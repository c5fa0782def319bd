using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Reports;
using Perfolizer.Horology;
using Perfolizer.Metrology;

namespace AbuseDetector.Benchmarks;

/// <summary>
/// The one config every benchmark runs with: allocations per call, median and P95, times in µs and sizes in bytes
/// so tables compare at a glance. No job is set here, so the default job runs unless the command line names one
/// (a job set here would override --job).
/// </summary>
internal static class BenchmarkConfig
{
    public static readonly IConfig Instance = ManualConfig.Create(DefaultConfig.Instance)
        .AddDiagnoser(MemoryDiagnoser.Default)
        .AddColumn(StatisticColumn.Median, StatisticColumn.P95)
        .WithSummaryStyle(SummaryStyle.Default.WithTimeUnit(TimeUnit.Microsecond).WithSizeUnit(SizeUnit.B));
}
