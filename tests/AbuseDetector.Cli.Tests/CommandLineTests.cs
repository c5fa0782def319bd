namespace AbuseDetector.Cli.Tests;

public sealed class CommandLineTests
{
    [Fact]
    public void Parse_OptionsFlagsAndWords_AreSortedOut()
    {
        // Act
        var line = CommandLine.Parse(["--model", "m.model", "--json", "some text"], "json");

        // Assert
        Assert.Equal("m.model", line.Get("model"));
        Assert.True(line.Has("json"));
        Assert.Equal(["some text"], line.Positional);
    }

    [Fact]
    public void Parse_DoubleDash_MakesEverythingAfterItAWord()
    {
        // Act
        var line = CommandLine.Parse(["--json", "--", "--model", "-x"], "json");

        // Assert
        Assert.True(line.Has("json"));
        Assert.Null(line.Get("model"));
        Assert.Equal(["--model", "-x"], line.Positional);
    }

    [Fact]
    public void Parse_SingleDashWord_IsAWord()
    {
        // Act
        var line = CommandLine.Parse(["-json", "-"]);

        // Assert
        Assert.Equal(["-json", "-"], line.Positional);
    }

    [Fact]
    public void Parse_LastOptionWithoutValue_Throws()
    {
        // Act
        var error = Assert.Throws<UsageException>(() => CommandLine.Parse(["--data"]));

        // Assert
        Assert.Equal("The option --data needs a value.", error.Message);
    }

    [Fact]
    public void Require_Missing_ThrowsNamingTheOption()
    {
        // Arrange
        var line = CommandLine.Parse([]);

        // Act
        var error = Assert.Throws<UsageException>(() => line.Require("out", "<model path>"));

        // Assert
        Assert.Equal("Missing --out <model path>.", error.Message);
    }

    [Theory]
    [InlineData("42", 42)]
    [InlineData("-7", -7)]
    public void GetInt_Number_IsParsed(string value, int expected)
    {
        // Arrange
        var line = CommandLine.Parse(["--seed", value]);

        // Act
        var seed = line.GetInt("seed", 1);

        // Assert
        Assert.Equal(expected, seed);
    }

    [Fact]
    public void GetInt_Absent_IsTheFallback()
    {
        // Act
        var seed = CommandLine.Parse([]).GetInt("seed", 99);

        // Assert
        Assert.Equal(99, seed);
    }

    [Theory]
    [InlineData("1.5")]
    [InlineData("ten")]
    [InlineData("99999999999")]
    public void GetInt_NotAWholeNumber_Throws(string value)
    {
        // Arrange
        var line = CommandLine.Parse(["--seed", value]);

        // Act and assert
        Assert.Throws<UsageException>(() => line.GetInt("seed", 1));
    }

    [Fact]
    public void RejectUnknown_OptionNeverAskedFor_Throws()
    {
        // Arrange
        var line = CommandLine.Parse(["--model", "m", "--modle", "n"]);
        line.Get("model");

        // Act
        var error = Assert.Throws<UsageException>(line.RejectUnknown);

        // Assert
        Assert.Equal("Unknown option --modle.", error.Message);
    }

    [Fact]
    public void RejectUnknown_UnusedFlag_Throws()
    {
        // Arrange
        var line = CommandLine.Parse(["--json"], "json");

        // Act and assert
        Assert.Throws<UsageException>(line.RejectUnknown);
    }

    [Fact]
    public void RejectUnknown_EverythingAskedFor_DoesNotThrow()
    {
        // Arrange
        var line = CommandLine.Parse(["--model", "m", "--json"], "json");
        line.Get("model");
        line.Has("json");

        // Act
        var error = Record.Exception(line.RejectUnknown);

        // Assert
        Assert.Null(error);
    }

    [Fact]
    public void RejectPositional_Word_ThrowsNamingIt()
    {
        // Arrange
        var line = CommandLine.Parse(["-json"]);

        // Act
        var error = Assert.Throws<UsageException>(() => line.RejectPositional("eval"));

        // Assert
        Assert.Contains("'-json'", error.Message, StringComparison.Ordinal);
    }
}
