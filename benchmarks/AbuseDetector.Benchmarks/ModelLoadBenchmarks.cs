using AbuseDetector.Detection;
using BenchmarkDotNet.Attributes;

namespace AbuseDetector.Benchmarks;

/// <summary>
/// Loading the model from disk, every invocation, in a process that has loaded it before. The first-load cost
/// (JIT, char-folding table) is in <see cref="ColdStartBenchmarks"/>.
/// </summary>
[MaxIterationCount(30)]
public class ModelLoadBenchmarks
{
    private string _path = null!;

    [GlobalSetup]
    public void Setup() => _path = BenchmarkInputs.ModelPath;

    [Benchmark(Baseline = true)]
    public AbuseClassifier Load() => AbuseClassifier.Load(_path);

    [Benchmark]
    public AbuseScores LoadThenScoreNonAscii() => AbuseClassifier.Load(_path).Score("héllo");
}
