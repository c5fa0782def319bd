using AbuseDetector.Detection.Internal;
using AbuseDetector.Detection.Training.Learning;

namespace AbuseDetector.Cli;

internal static class TrainCommand
{
    public static int Run(CommandLine line, TextWriter output)
    {
        var data = line.Require("data", "<shared data folder>");
        var outPath = line.Require("out", "<model path>");
        var callData = line.Get("call-data") ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(outPath))!, "data", "call-domain-train.jsonl");
        var givenValidation = line.Get("call-validation");
        var seed = line.GetInt("seed", 20261122);
        var name = line.Get("name") ?? Path.GetFileNameWithoutExtension(outPath);
        line.RejectUnknown();
        line.RejectPositional("train");
        if (!Directory.Exists(data))
        {
            throw new UsageException($"The data folder '{data}' does not exist.");
        }

        if (!File.Exists(callData))
        {
            throw new UsageException($"The call-domain data '{callData}' does not exist; pass --call-data.");
        }

        // Worked out only now: the training file exists, so its folder is a real one.
        var callValidation = givenValidation ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(callData))!, "call-domain-validation.jsonl");

        if (!File.Exists(callValidation))
        {
            throw new UsageException($"The call-domain validation data '{callValidation}' does not exist; pass --call-validation.");
        }

        var options = new TrainingOptions { DataFolder = data, CallDomainPath = callData, CallValidationPath = callValidation, Seed = seed, ModelName = name };
        var model = ModelTrainer.Train(options, TimeProvider.System, output);
        ModelFile.Save(model.Parameters, outPath);
        output.WriteLine($"Wrote {outPath} ({new FileInfo(outPath).Length / (1024.0 * 1024.0):F1} MiB).");
        var mlNetPath = Path.ChangeExtension(outPath, ".mlnet.zip");
        model.SaveMlNet(mlNetPath);
        output.WriteLine($"Wrote {mlNetPath} ({new FileInfo(mlNetPath).Length / (1024.0 * 1024.0):F1} MiB), the product heads as an ML.NET model.");
        return 0;
    }
}
