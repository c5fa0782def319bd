using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using AbuseDetector.Detection;

namespace AbuseDetector.Benchmarks;

/// <summary>Finds the model and the call-domain data, and holds the utterances the benchmarks score.</summary>
internal static class BenchmarkInputs
{
    public const string ModelVariable = "ABUSE_DETECTOR_MODEL";
    public const string DefaultModel = "models/default.model";
    public const string CallData = "models/data/call-domain-train.jsonl";

    public const string Clean5 = "where is my refund please";
    public const string Clean20 = "i have been waiting on the line for forty minutes and nobody can tell me where my refund has gone";
    public const string Abusive20 = "you are a useless fucking idiot and if you put me on hold again i will come down there myself";
    public const string Clean100 =
        "i am calling about my home insurance claim again because i sent the photos of the water damage "
        + "three weeks ago and the adjuster said someone would ring me back within five working days but nobody has "
        + "called and every time i phone i get put on hold for ages and then passed to another department who tell me "
        + "they cannot see any notes on the file so i have to explain the whole thing from the start and honestly i "
        + "am getting tired of it so can you please tell me what is actually happening with my claim today";

    /// <summary>The model file every benchmark process loads; the host process has already checked it exists.</summary>
    public static string ModelPath => TryFindModel(out var path, out var problem) ? path : throw new InvalidOperationException(problem);

    /// <summary>Finds the model and sets <see cref="ModelVariable"/> to its full path, so benchmark processes load the same file.</summary>
    public static bool TryPublishModelPath([NotNullWhen(false)] out string? problem)
    {
        if (!TryFindModel(out var path, out problem))
        {
            return false;
        }

        Environment.SetEnvironmentVariable(ModelVariable, path);
        return true;
    }

    /// <summary>Up to <paramref name="count"/> texts spread over the call-domain data (every third line), optionally only those of a word count.</summary>
    public static string[] ReadCallTexts(int count, int minWords = 0, int maxWords = int.MaxValue)
    {
        var path = FindAbove(CallData) ?? throw new InvalidOperationException($"No call-domain data found: run from a checkout that has {CallData}.");
        return File.ReadLines(path)
            .Where((_, index) => index % 3 == 0)
            .Select(line => JsonDocument.Parse(line).RootElement.GetProperty("text").GetString()!)
            .Where(text => text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length is var words && words >= minWords && words <= maxWords)
            .Take(count)
            .ToArray();
    }

    /// <summary>Fails when an utterance is not what its name says, so a benchmark never measures the wrong path.</summary>
    public static void CheckUtterances(AbuseClassifier classifier)
    {
        Check(Clean5, 5, abusive: false);
        Check(Clean20, 20, abusive: false);
        Check(Abusive20, 20, abusive: true);
        Check(Clean100, 100, abusive: false);

        void Check(string text, int words, bool abusive)
        {
            var actualWords = text.Split(' ').Length;
            var flagged = classifier.Score(text).Flags != AbuseFlags.None;
            if (actualWords != words || flagged != abusive)
            {
                throw new InvalidOperationException($"Utterance \"{text}\" has {actualWords} words (want {words}) and flagged={flagged} (want {abusive}).");
            }
        }
    }

    private static bool TryFindModel([NotNullWhen(true)] out string? path, [NotNullWhen(false)] out string? problem)
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(ModelVariable);
        path = string.IsNullOrEmpty(fromEnvironment) ? FindAbove(DefaultModel) : Path.GetFullPath(fromEnvironment);
        problem = path is null
            ? $"No model found: set {ModelVariable} or run from a checkout that has {DefaultModel}."
            : File.Exists(path) ? null : $"{ModelVariable} points to {path}, which does not exist.";
        return problem is null;
    }

    private static string? FindAbove(string relativePath)
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                var candidate = Path.Combine(directory.FullName, relativePath);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }
}
