using AbuseDetector.Detection;

namespace AbuseDetector.Monitoring.Tests;

/// <summary>The committed models/default.model, loaded once per test class that asks for it (about 0.2 s).</summary>
public sealed class DefaultModel
{
    public AbuseClassifier Classifier { get; } = AbuseClassifier.Load(RepositoryFiles.Find("models/default.model"));
}
