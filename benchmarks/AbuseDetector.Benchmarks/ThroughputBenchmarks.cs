using AbuseDetector.Detection;
using BenchmarkDotNet.Attributes;

namespace AbuseDetector.Benchmarks;

/// <summary>A batch of varied call-domain utterances on one thread; items/s = <see cref="BatchSize"/> / mean.</summary>
[MaxIterationCount(30)]
public class ThroughputBenchmarks
{
    public const int BatchSize = 1000;

    private AbuseClassifier _classifier = null!;
    private string[] _batch = [];

    [GlobalSetup]
    public void Setup()
    {
        _classifier = AbuseClassifier.Load(BenchmarkInputs.ModelPath);
        _batch = BenchmarkInputs.ReadCallTexts(BatchSize);
    }

    [Benchmark(Baseline = true)]
    public int ScoreBatch()
    {
        var flagged = 0;
        foreach (var text in _batch)
        {
            if (_classifier.Score(text).Flags != AbuseFlags.None)
            {
                flagged++;
            }
        }

        return flagged;
    }

    [Benchmark]
    public int ClassifyBatch()
    {
        var spans = 0;
        foreach (var text in _batch)
        {
            spans += _classifier.Classify(text).Evidence.Count;
        }

        return spans;
    }
}
