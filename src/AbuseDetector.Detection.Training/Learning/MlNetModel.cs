using AbuseDetector.Detection.Internal;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace AbuseDetector.Detection.Training.Learning;

/// <summary>
/// The product heads as an ML.NET model (<c>.zip</c>): our normalizer and featurizer as a custom mapping, then per category
/// the trained logistic regression, thresholded where our runtime flags, and our Platt calibration. Text in (column
/// <c>Text</c>); per category out: <c>{category}</c> (the flag), <c>{category}_probability</c> and <c>{category}_score</c>.
/// An application loads it with <c>MLContext.Model.Load</c> after <c>ComponentCatalog.RegisterAssembly</c> of this assembly,
/// which holds the featurizer. The service never loads it: its int16 model is compiled from the same weights.
/// </summary>
internal static class MlNetModel
{
    /// <summary>The product heads' hash size, fixed by the featurizer column's declared length.</summary>
    public const int HashBits = TextFeatures.HashBits;

    public static void Save(HeadGroup product, IReadOnlyList<TrainedHead> heads, string path)
    {
        var context = new MLContext(seed: 0);
        var input = context.Data.LoadFromEnumerable(Array.Empty<TextInput>());
        var model = Build(context, product, heads, input);

        // Written beside and moved over, so a crash mid-write never leaves a broken model behind.
        var partial = path + ".partial";
        context.Model.Save(model, input.Schema, partial);
        File.Move(partial, path, overwrite: true);
    }

    public static ITransformer Load(string path, out DataViewSchema inputSchema)
    {
        var context = new MLContext(seed: 0);
        context.ComponentCatalog.RegisterAssembly(typeof(TextFeaturizerFactory).Assembly);
        return context.Model.Load(path, out inputSchema);
    }

    private static TransformerChain<ITransformer> Build(MLContext context, HeadGroup product, IReadOnlyList<TrainedHead> heads, IDataView input)
    {
        ITransformer featurize = context.Transforms.CustomMapping(new TextFeaturizerFactory().GetMapping(), TextFeaturizerFactory.ContractName).Fit(input);
        var chain = new TransformerChain<ITransformer>(featurize);
        var data = featurize.Transform(input);
        for (var h = 0; h < product.Heads.Length; h++)
        {
            var predictor = heads[h].Predictor
                ?? throw new InvalidOperationException($"The product head '{product.Heads[h]}' was trained on scaled features and cannot run in ML.NET as it is.");
            var (slope, intercept) = (product.CalibrationSlopes[h], product.CalibrationIntercepts[h]);
            if (slope <= 0)
            {
                throw new InvalidOperationException($"The product head '{product.Heads[h]}' has a calibration slope of {slope}; its flag cannot be a score threshold.");
            }

            // p = σ(a·z + b) reaches the threshold t exactly where z = (logit(t) - b) / a.
            var threshold = product.Thresholds[h];
            var scoreThreshold = (float)((Math.Log(threshold / (1.0 - threshold)) - intercept) / slope);
            ITransformer thresholded = context.BinaryClassification.ChangeModelThreshold(predictor, scoreThreshold);
            chain = chain.Append(thresholded);
            data = thresholded.Transform(data);
            ITransformer calibrated = context.BinaryClassification.Calibrators.Platt(slope: -slope, offset: -intercept).Fit(data);
            chain = chain.Append(calibrated);
            data = calibrated.Transform(data);
            ITransformer named = context.Transforms.CopyColumns(product.Heads[h], "PredictedLabel")
                .Append(context.Transforms.CopyColumns(product.Heads[h] + "_probability", "Probability"))
                .Append(context.Transforms.CopyColumns(product.Heads[h] + "_score", "Score"))
                .Fit(data);
            chain = chain.Append(named);
            data = named.Transform(data);
        }

        return chain;
    }
}

/// <summary>The ML.NET model's input: one transcript chunk.</summary>
public sealed class TextInput
{
    /// <summary>Gets or sets the chunk's text.</summary>
    public string Text { get; set; } = string.Empty;
}

/// <summary>Our hashed features of a text, as the ML.NET model's product heads read them.</summary>
public sealed class TextFeatures
{
    /// <summary>The hash size of the product heads.</summary>
    public const int HashBits = 20;

    /// <summary>Gets or sets the sparse features: word and character n-grams and lexicon cues, each group normalized.</summary>
    [VectorType(1 << HashBits)]
    public VBuffer<float> Features { get; set; }
}

/// <summary>Lets <c>MLContext.Model.Load</c> rebuild our featurizer inside a saved model.</summary>
[CustomMappingFactoryAttribute(ContractName)]
public sealed class TextFeaturizerFactory : CustomMappingFactory<TextInput, TextFeatures>
{
    /// <summary>
    /// The name saved models know the featurizer by. It changes whenever the features do (normalizer, lexicons, cues), so
    /// a zip trained on other features fails to load instead of scoring with features it was not trained on.
    /// v2 (2026-12-07): spelled-out words, the denial cue, "safe" no longer a threat word.
    /// v3 (2026-12-07): words naming what violence leaves or an arm ("hospital", "shotgun") and more third parties.
    /// </summary>
    public const string ContractName = "AbuseDetector.TextFeatures.v3";

    /// <inheritdoc/>
    public override Action<TextInput, TextFeatures> GetMapping() => static (input, output) =>
    {
        var matrix = FeatureMatrix.ForDocuments([input.Text ?? string.Empty], TextFeatures.HashBits);
        output.Features = FeatureRows.ToVector(matrix, 0, 1 << TextFeatures.HashBits);
    };
}
