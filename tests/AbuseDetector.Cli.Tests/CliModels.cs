using AbuseDetector.Detection;
using AbuseDetector.Detection.Internal;
using AbuseDetector.Detection.Training.Learning;
using AbuseDetector.Tests;

namespace AbuseDetector.Cli.Tests;

/// <summary>
/// Model files for the command line tests, written once per test class into a temporary folder:
/// one trained on <see cref="TinyCorpus"/>, two whose verdicts are fixed by their biases, and broken ones.
/// </summary>
public sealed class CliModels : IDisposable
{
    private const int HashBits = 12;

    private static readonly HashSet<string> ToxicWords = new(StringComparer.Ordinal)
    {
        "bloody", "fuck", "fucking", "shit", "idiot", "moron", "stupid", "useless", "pathetic", "clown", "muppet", "kill", "hurt",
    };

    private readonly TempDirectory _folder = new();

    public CliModels()
    {
        Trained = Save("trained.model", TrainOnTinyCorpus());
        FlagsEverything = Save("flags-everything.model", BiasOnly(5f));
        FlagsNothing = Save("flags-nothing.model", BiasOnly(-5f));
        Corrupt = _folder.PathOf("corrupt.model");
        var bytes = File.ReadAllBytes(Trained);
        bytes[bytes.Length / 2] ^= 0x10;
        File.WriteAllBytes(Corrupt, bytes);
        Empty = _folder.PathOf("empty.model");
        File.WriteAllBytes(Empty, []);
        Missing = _folder.PathOf("missing.model");
    }

    public string Folder => _folder.FullPath;

    public string Trained { get; }

    public string FlagsEverything { get; }

    public string FlagsNothing { get; }

    public string Corrupt { get; }

    public string Empty { get; }

    public string Missing { get; }

    public string PathOf(string name) => _folder.PathOf(name);

    public void Dispose() => _folder.Dispose();

    /// <summary>Product heads trained on the tiny corpus with the real trainer, and a token head for toxic spans.</summary>
    internal static ModelParameters TrainOnTinyCorpus()
    {
        var texts = TinyCorpus.Texts;
        var documents = FeatureMatrix.ForDocuments(texts, HashBits);
        var heads = new HeadWeights[6];
        for (var h = 0; h < heads.Length; h++)
        {
            var rows = TinyCorpus.Lines.Select((line, i) => new TrainingRow(i, line.Labels[h], 1f)).ToList();
            heads[h] = HeadTrainer.TrainHead(documents, rows, 1 << HashBits, new TrainerOptions()).Weights;
        }

        var ranges = new List<(int Text, int Start, int Length)>();
        var tokens = FeatureMatrix.ForTokens(texts, HashBits, ranges);
        var tokenRows = ranges.Select((r, i) => new TrainingRow(i, ToxicWords.Contains(texts[r.Text].Substring(r.Start, r.Length)) ? 1f : 0f, 1f)).ToList();
        var toxicToken = HeadTrainer.TrainHead(tokens, tokenRows, 1 << HashBits, new TrainerOptions { NaiveBayesScaling = false }).Weights;

        return TestModels.Model(
            ModelTrainer.Quantize(AbuseClassifier.ProductGroup, FeatureScope.Document, HashBits, TestModels.ProductHeads, heads),
            ModelTrainer.Quantize(AbuseClassifier.SpanGroup, FeatureScope.Token, HashBits, ["toxic_token"], [toxicToken]));
    }

    /// <summary>Zero weights: every head's probability is σ(bias) on any text, so σ(5) flags all and σ(-5) none.</summary>
    internal static ModelParameters BiasOnly(float bias)
    {
        var zero = new HeadWeights(new float[1 << TestModels.SmallHashBits], bias);
        var heads = TestModels.ProductHeads;
        return TestModels.Model(ModelTrainer.Quantize(AbuseClassifier.ProductGroup, FeatureScope.Document, TestModels.SmallHashBits, heads, [.. heads.Select(_ => zero)]));
    }

    private string Save(string name, ModelParameters model)
    {
        var path = _folder.PathOf(name);
        ModelFile.Save(model, path);
        return path;
    }
}
