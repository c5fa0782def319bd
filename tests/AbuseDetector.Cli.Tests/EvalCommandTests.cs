using System.Text.Json;
using AbuseDetector.Detection.Training.Learning;

namespace AbuseDetector.Cli.Tests;

public sealed class EvalCommandTests : IClassFixture<CliModels>
{
    // Four lines: an insult at the agent, a clean line, swearing at a printer, another clean line.
    private static readonly string[] Lines =
    [
        """{"text": "you are an idiot", "labels": {"swearing": 0, "insult": 1, "threat": 0, "hate": 0, "abusive": 1, "directed": 1}, "kind": "insult"}""",
        """{"text": "my router is broken", "labels": {"swearing": 0, "insult": 0, "threat": 0, "hate": 0, "abusive": 0, "directed": 0}, "kind": "clean"}""",
        """{"text": "this bloody printer", "labels": {"swearing": 1, "insult": 0, "threat": 0, "hate": 0, "abusive": 0, "directed": 0}}""",
        """{"text": "thanks for your help", "labels": {"swearing": 0, "insult": 0, "threat": 0, "hate": 0, "abusive": 0, "directed": 0}}""",
    ];

    private readonly CliModels _models;

    public EvalCommandTests(CliModels models)
    {
        _models = models;
    }

    [Fact]
    public void Run_JsonlWithModelThatFlagsEverything_MatchesHandCountedMetrics()
    {
        // Every line is flagged for every category.
        // swearing: 1 of 4 lines is gold → tp 1, fp 3 → P 0.25, R 1, F1 0.4, support 1.
        // The two clean lines both raise flags → false-alarm rate 1.

        // Act
        using var json = EvalJson("everything.jsonl", _models.FlagsEverything);

        // Assert
        var root = json.RootElement;
        Assert.Equal("everything.jsonl", root.GetProperty("set").GetString());
        Assert.Equal(4, root.GetProperty("items").GetInt32());
        var perCategory = root.GetProperty("per_category");
        Assert.Equal(["swearing", "insult", "threat", "hate", "abusive", "directed"], perCategory.EnumerateObject().Select(p => p.Name));
        var swearing = perCategory.GetProperty("swearing");
        Assert.Equal(0.25, swearing.GetProperty("precision").GetDouble());
        Assert.Equal(1, swearing.GetProperty("recall").GetDouble());
        Assert.Equal(0.4, swearing.GetProperty("f1").GetDouble());
        Assert.Equal(1, swearing.GetProperty("support").GetInt32());
        Assert.Equal(0, perCategory.GetProperty("threat").GetProperty("f1").GetDouble());
        Assert.Equal(1, root.GetProperty("false_alarm_rate").GetDouble());
        Assert.Equal(2, root.GetProperty("clean_items").GetInt32());
    }

    [Fact]
    public void Run_JsonlWithModelThatFlagsNothing_HasNoFalseAlarmsAndNoRecall()
    {
        // Act
        using var json = EvalJson("nothing.jsonl", _models.FlagsNothing);

        // Assert
        var root = json.RootElement;
        Assert.Equal(0, root.GetProperty("false_alarm_rate").GetDouble());
        Assert.Equal(0, root.GetProperty("per_category").GetProperty("insult").GetProperty("recall").GetDouble());
        Assert.Equal(0, root.GetProperty("macro_f1").GetDouble());
    }

    [Fact]
    public void Run_JsonlWithTrainedModel_ReportsEveryKey()
    {
        // Act
        using var json = EvalJson("trained.jsonl", _models.Trained);

        // Assert
        var root = json.RootElement;
        Assert.InRange(root.GetProperty("false_alarm_rate").GetDouble(), 0, 1);
        Assert.InRange(root.GetProperty("macro_f1").GetDouble(), 0, 1);
        Assert.Equal(6, root.GetProperty("per_category").EnumerateObject().Count());
        Assert.True(root.TryGetProperty("items_per_second", out _));
    }

    [Fact]
    public void Run_TextOutput_ShowsFalseAlarmsAndEachCategory()
    {
        // Arrange
        var path = WriteJsonl("text.jsonl", Lines);

        // Act
        var result = CliProcess.Run("eval", "--jsonl", path, "--model", _models.FlagsEverything);

        // Assert
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("false-alarm rate 100.00 % of 2 clean lines", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("swearing         P 0.250  R 1.000  F1 0.400  (n=1)", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_JsonlWithABadLine_OneSentenceNamingTheLineAndExitOne()
    {
        // Arrange
        var path = WriteJsonl("bad.jsonl", Lines[0], "{\"text\": \"cut off");

        // Act
        var result = CliProcess.Run("eval", "--jsonl", path, "--model", _models.Trained);

        // Assert
        CliAssert.FailsWithOneSentence(result, 1, $"{path}:2:");
    }

    [Fact]
    public void Run_JsonlWithALineThatIsNotAnObject_OneSentenceAndExitOne()
    {
        // Arrange
        var path = WriteJsonl("array.jsonl", Lines[0], "[1, 2, 3]");

        // Act
        var result = CliProcess.Run("eval", "--jsonl", path, "--model", _models.Trained);

        // Assert
        CliAssert.FailsWithOneSentence(result, 1, $"{path}:2:");
    }

    [Fact]
    public void Run_MissingDataFolder_OneSentenceAndExitTwo()
    {
        // Act
        var result = CliProcess.Run("eval", "--set", "olid-a", "--data", _models.PathOf("no-such-folder"), "--model", _models.Trained);

        // Assert
        CliAssert.FailsWithOneSentence(result, 2, "no-such-folder' does not exist");
    }

    [Fact]
    public void Run_MissingJsonl_OneSentenceAndExitTwo()
    {
        // Act
        var result = CliProcess.Run("eval", "--jsonl", _models.PathOf("absent.jsonl"), "--model", _models.Trained);

        // Assert
        CliAssert.FailsWithOneSentence(result, 2, "absent.jsonl' does not exist");
    }

    [Theory]
    [InlineData(new string[] { }, "Pass either --set")]
    [InlineData(new[] { "--set", "olid-a", "--jsonl", "x.jsonl" }, "Pass either --set")]
    [InlineData(new[] { "--set", "nonsense", "--data", "." }, "Unknown set 'nonsense'")]
    [InlineData(new[] { "--set", "olid-a" }, "--set needs --data")]
    [InlineData(new[] { "--jsonl", "x.jsonl", "-json" }, "eval takes no text arguments, but got '-json'")]
    [InlineData(new[] { "--jsonl", "x.jsonl", "--verbose", "yes" }, "Unknown option --verbose")]
    public void Run_BadArguments_OneSentenceAndExitTwo(string[] arguments, string mentions)
    {
        // Act
        var result = CliProcess.Run(["eval", .. arguments]);

        // Assert
        CliAssert.FailsWithOneSentence(result, 2, mentions);
    }

    [Fact]
    public void Run_CorruptModel_OneSentenceAndExitOne()
    {
        // Arrange
        var path = WriteJsonl("corrupt-model.jsonl", Lines);

        // Act
        var result = CliProcess.Run("eval", "--jsonl", path, "--model", _models.Corrupt);

        // Assert
        CliAssert.FailsWithOneSentence(result, 1, "corrupt or truncated");
    }

    [Fact]
    public void ToJson_Result_RoundsAndOmitsWhatIsMissing()
    {
        // Arrange
        var result = new EvaluationResult
        {
            Set = "olid-a",
            Items = 3,
            MacroF1 = 2.0 / 3,
            PerClass = new Dictionary<string, ClassScore>(StringComparer.Ordinal) { ["OFF"] = ClassScore.From(1, 1, 0) },
            ItemsPerSecond = 1234.6,
        };

        // Act
        using var json = JsonDocument.Parse(EvalCommand.ToJson(result));

        // Assert
        var root = json.RootElement;
        Assert.Equal(0.6667, root.GetProperty("macro_f1").GetDouble());
        Assert.Equal(0.5, root.GetProperty("per_class").GetProperty("OFF").GetProperty("precision").GetDouble());
        Assert.Equal(1235, root.GetProperty("items_per_second").GetDouble());
        Assert.False(root.TryGetProperty("per_category", out _));
        Assert.False(root.TryGetProperty("false_alarm_rate", out _));
        Assert.False(root.TryGetProperty("span_f1", out _));
    }

    /// <summary>Runs eval --json on <see cref="Lines"/> written to <paramref name="fileName"/>; fails unless it exits 0.</summary>
    private JsonDocument EvalJson(string fileName, string model)
    {
        var path = WriteJsonl(fileName, Lines);
        var result = CliProcess.Run("eval", "--jsonl", path, "--model", model, "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        return JsonDocument.Parse(result.StandardOutput);
    }

    private string WriteJsonl(string name, params string[] lines)
    {
        var path = _models.PathOf(name);
        File.WriteAllText(path, string.Join("\n", lines) + "\n");
        return path;
    }
}
