using AbuseDetector.Detection;
using BenchmarkDotNet.Attributes;

namespace AbuseDetector.Benchmarks;

/// <summary>One call utterance at a time: Score by length and content, and Classify with and without evidence.</summary>
public class ClassifierBenchmarks
{
    private AbuseClassifier _classifier = null!;

    [GlobalSetup]
    public void Setup()
    {
        _classifier = AbuseClassifier.Load(BenchmarkInputs.ModelPath);
        BenchmarkInputs.CheckUtterances(_classifier);
    }

    [Benchmark(Baseline = true)]
    public AbuseScores Score_Clean20Words() => _classifier.Score(BenchmarkInputs.Clean20);

    [Benchmark]
    public AbuseScores Score_Abusive20Words() => _classifier.Score(BenchmarkInputs.Abusive20);

    [Benchmark]
    public AbuseScores Score_Clean5Words() => _classifier.Score(BenchmarkInputs.Clean5);

    [Benchmark]
    public AbuseScores Score_Clean100Words() => _classifier.Score(BenchmarkInputs.Clean100);

    [Benchmark]
    public Classification Classify_Clean20Words() => _classifier.Classify(BenchmarkInputs.Clean20);

    [Benchmark]
    public Classification Classify_Abusive20Words() => _classifier.Classify(BenchmarkInputs.Abusive20);
}
