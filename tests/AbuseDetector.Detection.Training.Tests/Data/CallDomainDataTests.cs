using AbuseDetector.Detection.Training.Data;
using AbuseDetector.Tests;

namespace AbuseDetector.Detection.Training.Tests.Data;

public sealed class CallDomainDataTests : IDisposable
{
    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Read_LabeledLines_ParsesTextAndLabels()
    {
        // Arrange
        var path = Write(
            """{"text": "you useless idiot", "labels": {"swearing": 0, "insult": 1, "threat": 0, "hate": 0, "abusive": 1, "directed": 1}, "kind": "insult_agent"}""",
            """{"text": "my router is \"broken\" again \u00e9", "labels": {"swearing": 0, "insult": 0, "threat": 0, "hate": 0, "abusive": 0, "directed": 0}}""");

        // Act
        var examples = CallDomainData.Read(path, "call-domain", Split.Test);

        // Assert
        Assert.Equal(["you useless idiot", "my router is \"broken\" again \u00e9"], examples.Select(e => e.Text));
        Assert.All(examples, e => Assert.Equal(("call-domain", Split.Test), (e.Source, e.Split)));
        Assert.Equal(
            new Dictionary<string, float> { ["swearing"] = 0, ["insult"] = 1, ["threat"] = 0, ["hate"] = 0, ["abusive"] = 1, ["directed"] = 1 },
            examples[0].Labels);
        Assert.All(examples[1].Labels.Values, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Read_UnknownFieldsAndLabels_AreIgnored()
    {
        // Arrange
        var path = Write("""{"id": 7, "text": "hello", "meta": {"nested": [1, 2]}, "labels": {"threat": 1, "olid_off": 1, "toxicity": 1}}""");

        // Act
        var example = Assert.Single(CallDomainData.Read(path, "call-domain", Split.Train));

        // Assert
        Assert.Equal(new Dictionary<string, float> { ["threat"] = 1 }, example.Labels);
    }

    [Theory]
    [InlineData("0.7", 1f)]
    [InlineData("0.5", 1f)]
    [InlineData("0.3", 0f)]
    [InlineData("1", 1f)]
    public void Read_FractionalLabel_IsRoundedAtOneHalf(string value, float expected)
    {
        // Arrange
        var path = Write("""{"text": "x", "labels": {"insult": """ + value + "}}");

        // Act
        var example = Assert.Single(CallDomainData.Read(path, "s", Split.Train));

        // Assert
        Assert.Equal(expected, example.Labels["insult"]);
    }

    [Fact]
    public void Read_LabelNamesInOtherCase_MapToTheCategoryName()
    {
        // Arrange
        var path = Write("""{"text": "x", "labels": {"Swearing": 1}}""");

        // Act
        var example = Assert.Single(CallDomainData.Read(path, "s", Split.Train));

        // Assert
        Assert.Equal(new Dictionary<string, float> { ["swearing"] = 1 }, example.Labels);
    }

    [Fact]
    public void Read_NoLabels_GivesAnExampleWithoutLabels()
    {
        // Arrange
        var path = Write("""{"text": "just text"}""", """{"text": "labels not an object", "labels": [1, 0]}""");

        // Act
        var examples = CallDomainData.Read(path, "s", Split.Train);

        // Assert
        Assert.All(examples, e => Assert.Empty(e.Labels));
    }

    [Fact]
    public void Read_BlankLines_AreSkippedButCounted()
    {
        // Arrange: the bad line is the fourth line of the file.
        var path = Write("""{"text": "one"}""", "", "   ", """{"text": "four" """);

        // Act
        var error = Assert.Throws<InvalidDataException>(() => CallDomainData.Read(path, "s", Split.Train));

        // Assert
        Assert.StartsWith($"{path}:4:", error.Message, StringComparison.Ordinal);
        Assert.Contains("not valid JSON", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_BadJsonLine_ThrowsNamingTheLine()
    {
        // Arrange
        var path = Write("""{"text": "fine"}""", "{not json at all");

        // Act
        var error = Assert.Throws<InvalidDataException>(() => CallDomainData.Read(path, "s", Split.Train));

        // Assert
        Assert.StartsWith($"{path}:2:", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"labels": {"insult": 1}}""")]
    [InlineData("""{"text": 42}""")]
    [InlineData("""{"text": null}""")]
    public void Read_LineWithoutStringText_ThrowsNamingTheLine(string line)
    {
        // Arrange
        var path = Write("""{"text": "fine"}""", line);

        // Act
        var error = Assert.Throws<InvalidDataException>(() => CallDomainData.Read(path, "s", Split.Train));

        // Assert
        Assert.StartsWith($"{path}:2:", error.Message, StringComparison.Ordinal);
        Assert.Contains("\"text\"", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[1, 2]")]
    [InlineData("\"just a string\"")]
    [InlineData("42")]
    [InlineData("null")]
    public void Read_LineThatIsNotAnObject_ThrowsNamingTheLine(string line)
    {
        // Arrange
        var path = Write(line);

        // Act
        var error = Assert.Throws<InvalidDataException>(() => CallDomainData.Read(path, "s", Split.Train));

        // Assert
        Assert.StartsWith($"{path}:1:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_MissingFile_ThrowsFileNotFound()
    {
        // Arrange
        var path = _folder.PathOf("missing.jsonl");

        // Act
        var error = Assert.Throws<FileNotFoundException>(() => CallDomainData.Read(path, "s", Split.Train));

        // Assert
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    private string Write(params string[] lines)
    {
        var path = _folder.PathOf($"data-{Guid.NewGuid():N}.jsonl");
        File.WriteAllText(path, string.Join("\n", lines) + "\n");
        return path;
    }
}
