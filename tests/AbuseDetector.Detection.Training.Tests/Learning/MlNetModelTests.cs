using AbuseDetector.Detection.Training.Data;
using AbuseDetector.Detection.Training.Learning;
using AbuseDetector.Tests;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace AbuseDetector.Detection.Training.Tests.Learning;

/// <summary>
/// Product heads trained with ML.NET on our call-domain training lines, saved as the <c>.zip</c> model and compiled to the
/// runtime's int16 model: loaded back with <c>MLContext.Model.Load</c>, the zip flags the call-domain test set as the runtime does.
/// </summary>
public sealed class MlNetModelTests : IClassFixture<MlNetModelTests.CallDomainModel>
{
    private readonly CallDomainModel _model;

    public MlNetModelTests(CallDomainModel model)
    {
        _model = model;
    }

    [Fact]
    public void Load_SavedModel_FlagsTheCallTestSetAsTheRuntimeClassifierDoes()
    {
        // Arrange
        var texts = CallDomainData.Read(RepositoryFiles.Find("tests/data/call-domain-test.jsonl"), "test", Split.Test).Select(e => e.Text).ToList();
        var loaded = MlNetModel.Load(_model.ZipPath, out _);
        var context = new MLContext(seed: 0);

        // Act
        var scored = loaded.Transform(context.Data.LoadFromEnumerable(texts.Select(t => new TextInput { Text = t })));

        // Assert
        var flagged = 0;
        foreach (var category in AbuseCategories.All)
        {
            var head = category.ToName();
            var zipFlags = scored.GetColumn<bool>(head).ToList();
            var zipProbabilities = scored.GetColumn<float>(head + "_probability").ToList();
            for (var i = 0; i < texts.Count; i++)
            {
                var runtime = _model.Classifier.Score(texts[i]);
                // Each head's own flag: the rules that join heads (abusive needs a content flag, an insult to "you" is directed) run outside the zip.
                var runtimeFlag = runtime[category] >= _model.Classifier.ThresholdOf(category);
                Assert.True(runtimeFlag == zipFlags[i], $"{head} on \"{texts[i]}\": runtime {runtime[category]:F4}, zip {zipProbabilities[i]:F4}, threshold {_model.Classifier.ThresholdOf(category):F4}");
                Assert.Equal(runtime[category], zipProbabilities[i], 0.001);
                flagged += zipFlags[i] ? 1 : 0;
            }
        }

        Assert.True(flagged > texts.Count / 4, $"only {flagged} flags on {texts.Count} lines: the heads learned little");
    }

    [Fact]
    public void Save_ExistingFile_ReplacedWholeAndNoPartialFileLeft()
    {
        // Arrange
        using var folder = new TempDirectory();
        var path = folder.PathOf("again.mlnet.zip");
        File.WriteAllText(path, "an older model");

        // Act
        _model.Trained.SaveMlNet(path);

        // Assert
        Assert.NotNull(MlNetModel.Load(path, out var schema));
        Assert.NotNull(schema.GetColumnOrNull(nameof(TextInput.Text)));
        Assert.False(File.Exists(path + ".partial"));
    }

    /// <summary>Trains once per class: ML.NET's L-BFGS over 2^20 hashed features of a few thousand lines.</summary>
    public sealed class CallDomainModel : IDisposable
    {
        private readonly TempDirectory _folder = new();

        public CallDomainModel()
        {
            var train = CallDomainData.Read(RepositoryFiles.Find("models/data/call-domain-train.jsonl"), "call-domain", Split.Train);
            var validation = CallDomainData.Read(RepositoryFiles.Find("models/data/call-domain-validation.jsonl"), "call-domain", Split.Validation);
            List<Example> learnable = [.. train, .. validation];
            var documents = FeatureMatrix.ForDocuments([.. learnable.Select(e => e.Text)], MlNetModel.HashBits);
            var (product, heads, _) = ModelTrainer.TrainGroup(AbuseClassifier.ProductGroup, Heads.Product, MlNetModel.HashBits, documents, learnable, train.Count, new TrainerOptions { NaiveBayesScaling = false }, TextWriter.Null);
            var parameters = TestModels.Model(product);
            Classifier = new AbuseClassifier(parameters);
            ModelTrainer.Calibrate(Classifier, validation, productBeta: 0.75, TextWriter.Null);
            Trained = new TrainedModel(parameters, heads);
            ZipPath = _folder.PathOf("call-domain.mlnet.zip");
            Trained.SaveMlNet(ZipPath);
        }

        internal TrainedModel Trained { get; }

        public AbuseClassifier Classifier { get; }

        public string ZipPath { get; }

        public void Dispose() => _folder.Dispose();
    }
}
