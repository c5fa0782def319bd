using AbuseDetector.Detection;
using AbuseDetector.Detection.Internal;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;

namespace AbuseDetector.Benchmarks;

/// <summary>
/// The first call in a fresh process, JIT included: one invocation per process, ten processes. The char-folding
/// table is built once per process, on load or on the first non-ASCII text; BuildFoldTable times it alone.
/// Allocations are measured after the first call, so they leave out the one-off ones.
/// </summary>
[SimpleJob(RunStrategy.ColdStart, launchCount: 10, warmupCount: 0, iterationCount: 1, id: "Cold")]
public class ColdStartBenchmarks : LoadBenchmarksBase
{
    [Benchmark]
    public AbuseScores LoadThenScoreAscii() => AbuseClassifier.Load(ModelPath).Score("hello");

    [Benchmark]
    public void BuildFoldTable() => CharFolding.Prepare();
}
