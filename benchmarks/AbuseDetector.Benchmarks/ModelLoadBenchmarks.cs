using AbuseDetector.Detection;
using BenchmarkDotNet.Attributes;

namespace AbuseDetector.Benchmarks;

/// <summary>Loading the model from disk, alone and followed by a first non-ASCII score; the subclasses choose warm or cold.</summary>
public abstract class LoadBenchmarksBase
{
    protected string ModelPath { get; private set; } = null!;

    [GlobalSetup]
    public void Setup() => ModelPath = BenchmarkInputs.ModelPath;

    [Benchmark(Baseline = true)]
    public AbuseClassifier Load() => AbuseClassifier.Load(ModelPath);

    [Benchmark]
    public AbuseScores LoadThenScoreNonAscii() => AbuseClassifier.Load(ModelPath).Score("héllo");
}

/// <summary>
/// Loading the model from disk, every invocation, in a process that has loaded it before. The first-load cost
/// (JIT, char-folding table) is in <see cref="ColdStartBenchmarks"/>.
/// </summary>
[MaxIterationCount(30)]
public class ModelLoadBenchmarks : LoadBenchmarksBase;
