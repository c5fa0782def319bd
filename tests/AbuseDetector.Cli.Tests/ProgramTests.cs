namespace AbuseDetector.Cli.Tests;

public sealed class ProgramTests : IClassFixture<CliModels>
{
    private readonly CliModels _models;

    public ProgramTests(CliModels models)
    {
        _models = models;
    }

    [Fact]
    public void Main_NoArguments_PrintsUsageAndExitsTwo()
    {
        // Act
        var result = CliProcess.Run();

        // Assert
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Commands:", result.StandardError, StringComparison.Ordinal);
        Assert.Equal("", result.StandardOutput);
    }

    [Theory]
    [InlineData("help")]
    [InlineData("--help")]
    [InlineData("-h")]
    public void Main_Help_PrintsUsageAndExitsZero(string help)
    {
        // Act
        var result = CliProcess.Run(help);

        // Assert
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("classify [--model M] [--json]", result.StandardOutput, StringComparison.Ordinal);
        Assert.Equal("", result.StandardError);
    }

    [Fact]
    public void Main_UnknownCommand_OneSentenceAndExitTwo()
    {
        // Act
        var result = CliProcess.Run("frobnicate");

        // Assert
        CliAssert.FailsWithOneSentence(result, 2, "Unknown command 'frobnicate'");
    }

    [Fact]
    public void Main_OptionWithoutValue_OneSentenceAndExitTwo()
    {
        // Act
        var result = CliProcess.Run("classify", "--model");

        // Assert
        CliAssert.FailsWithOneSentence(result, 2, "--model needs a value");
    }

    [Fact]
    public void Main_CorruptModel_OneSentenceAndExitOne()
    {
        // Act
        var result = CliProcess.Run("classify", "--model", _models.Corrupt, "hello");

        // Assert
        CliAssert.FailsWithOneSentence(result, 1, "corrupt or truncated");
    }

    [Fact]
    public void Main_EmptyModelFile_OneSentenceAndExitOne()
    {
        // Act
        var result = CliProcess.Run("classify", "--model", _models.Empty, "hello");

        // Assert
        CliAssert.FailsWithOneSentence(result, 1, "is not an AbuseDetector model file");
    }

    [Fact]
    public void Main_MissingModelFile_OneSentenceAndExitOne()
    {
        // Act
        var result = CliProcess.Run("classify", "--model", _models.Missing, "hello");

        // Assert
        CliAssert.FailsWithOneSentence(result, 1, _models.Missing);
    }

    [Fact]
    public void Main_ModelThatIsAFolder_OneSentenceAndExitOne()
    {
        // Act
        var result = CliProcess.Run("classify", "--model", _models.Folder, "hello");

        // Assert
        CliAssert.FailsWithOneSentence(result, 1, "cannot be read");
    }
}
