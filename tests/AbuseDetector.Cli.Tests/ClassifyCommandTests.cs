using System.Text.Json;
using AbuseDetector.Detection;

namespace AbuseDetector.Cli.Tests;

public sealed class ClassifyCommandTests : IClassFixture<CliModels>
{
    private readonly CliModels _models;

    public ClassifyCommandTests(CliModels models)
    {
        _models = models;
    }

    [Fact]
    public void Run_JsonForOneText_ScoresEveryCategory()
    {
        // Arrange
        const string Text = "you are a useless idiot";

        // Act
        var result = CliProcess.Run("classify", "--model", _models.Trained, "--json", Text);

        // Assert
        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.StandardOutput);
        var root = json.RootElement;
        Assert.Equal(Text, root.GetProperty("text").GetString());
        var scores = root.GetProperty("scores");
        Assert.Equal(["swearing", "insult", "threat", "hate", "abusive", "directed"], scores.EnumerateObject().Select(p => p.Name));
        Assert.All(scores.EnumerateObject(), p => Assert.InRange(p.Value.GetDouble(), 0, 1));
        Assert.All(root.GetProperty("flags").EnumerateArray(), f => Assert.True(AbuseCategories.TryParse(f.GetString()!, out _)));
        AssertEvidenceMatchesText(root, Text);
    }

    [Fact]
    public void Run_TrainedModel_ScoresTheInsultAboveTheCleanLine()
    {
        // Arrange: two lines on standard input, one JSON object per line back.
        var input = new CliRun { StandardInput = "you stupid useless idiot\nplease check my broadband\n" };

        // Act
        var result = CliProcess.Run(input, "classify", "--model", _models.Trained, "--json");

        // Assert
        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        using var insult = JsonDocument.Parse(lines[0]);
        using var clean = JsonDocument.Parse(lines[1]);
        Assert.Equal("please check my broadband", clean.RootElement.GetProperty("text").GetString());
        Assert.True(
            insult.RootElement.GetProperty("scores").GetProperty("insult").GetDouble() >
            clean.RootElement.GetProperty("scores").GetProperty("insult").GetDouble());
    }

    [Fact]
    public void Run_ModelThatFlagsEverything_ListsEveryFlag()
    {
        // Act
        var result = CliProcess.Run("classify", "--model", _models.FlagsEverything, "--json", "anything at all");

        // Assert
        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.StandardOutput);
        Assert.Equal(
            ["swearing", "insult", "threat", "hate", "abusive", "directed"],
            json.RootElement.GetProperty("flags").EnumerateArray().Select(f => f.GetString()));
        Assert.All(json.RootElement.GetProperty("scores").EnumerateObject(), p => Assert.Equal(0.9933, p.Value.GetDouble()));
    }

    [Fact]
    public void Run_TextOutput_SaysCleanAndListsTheScores()
    {
        // Act: σ(-5) = 0.0067 on every head.
        var result = CliProcess.Run("classify", "--model", _models.FlagsNothing, "thanks for your help");

        // Assert
        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("clean: thanks for your help", lines[0]);
        Assert.Equal("  swearing 0.007  insult 0.007  threat 0.007  hate 0.007  abusive 0.007  directed 0.007", lines[1]);
    }

    [Fact]
    public void Run_ModelFromTheEnvironment_IsUsedWithoutModelOption()
    {
        // Arrange
        var run = new CliRun { Environment = { ["ABUSE_DETECTOR_MODEL"] = _models.FlagsNothing } };

        // Act
        var result = CliProcess.Run(run, "classify", "hello");

        // Assert
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith("clean: hello", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_ModelOption_WinsOverTheEnvironment()
    {
        // Arrange
        var run = new CliRun { Environment = { ["ABUSE_DETECTOR_MODEL"] = _models.Corrupt } };

        // Act
        var result = CliProcess.Run(run, "classify", "--model", _models.FlagsNothing, "hello");

        // Assert
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [Fact]
    public void Run_CorruptModelFromTheEnvironment_ExitsOneNamingIt()
    {
        // Arrange
        var run = new CliRun { Environment = { ["ABUSE_DETECTOR_MODEL"] = _models.Corrupt } };

        // Act
        var result = CliProcess.Run(run, "classify", "hello");

        // Assert
        CliAssert.FailsWithOneSentence(result, 1, _models.Corrupt);
    }

    [Fact]
    public void Run_TwoTexts_OneSentenceAndExitTwo()
    {
        // Act
        var result = CliProcess.Run("classify", "--model", _models.Trained, "one", "two");

        // Assert
        CliAssert.FailsWithOneSentence(result, 2, "classify takes one text");
    }

    [Fact]
    public void Run_UnknownOption_OneSentenceAndExitTwo()
    {
        // Act
        var result = CliProcess.Run("classify", "--model", _models.Trained, "--colour", "red", "hello");

        // Assert
        CliAssert.FailsWithOneSentence(result, 2, "Unknown option --colour");
    }

    [Fact]
    public void ToJson_ClassificationWithEvidence_WritesSpansAndTheirText()
    {
        // Arrange: every weight positive, so every category is flagged with evidence.
        var weights = AbuseDetector.Tests.TestModels.Uniform(weight: 1);
        var classifier = new AbuseClassifier(weights);
        const string Text = "caf\u00E9 \uD83D\uDD95 \"quoted\"";
        var classification = classifier.Classify(Text);

        // Act
        var json = ClassifyCommand.ToJson(Text, classification);

        // Assert
        using var document = JsonDocument.Parse(json);
        Assert.Equal(Text, document.RootElement.GetProperty("text").GetString());
        Assert.Equal(6, document.RootElement.GetProperty("flags").GetArrayLength());
        Assert.NotEqual(0, document.RootElement.GetProperty("evidence").GetArrayLength());
        AssertEvidenceMatchesText(document.RootElement, Text);
    }

    private static void AssertEvidenceMatchesText(JsonElement root, string text)
    {
        foreach (var evidence in root.GetProperty("evidence").EnumerateArray())
        {
            var start = evidence.GetProperty("start").GetInt32();
            var length = evidence.GetProperty("length").GetInt32();
            Assert.InRange(start, 0, text.Length - length);
            Assert.Equal(text.Substring(start, length), evidence.GetProperty("text").GetString());
            Assert.True(AbuseCategories.TryParse(evidence.GetProperty("category").GetString()!, out _));
        }
    }
}
