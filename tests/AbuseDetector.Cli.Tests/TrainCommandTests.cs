namespace AbuseDetector.Cli.Tests;

public sealed class TrainCommandTests : IClassFixture<CliModels>
{
    private readonly CliModels _models;

    public TrainCommandTests(CliModels models)
    {
        _models = models;
    }

    [Fact]
    public void Run_NoArguments_AsksForTheDataFolder()
    {
        // Act
        var result = CliProcess.Run("train");

        // Assert
        CliAssert.FailsWithOneSentence(result, 2, "Missing --data");
    }

    [Fact]
    public void Run_NoOutput_AsksForTheModelPath()
    {
        // Act
        var result = CliProcess.Run("train", "--data", _models.Folder);

        // Assert
        CliAssert.FailsWithOneSentence(result, 2, "Missing --out");
    }

    [Fact]
    public void Run_DataFolderThatDoesNotExist_OneSentenceAndExitTwo()
    {
        // Arrange
        var data = _models.PathOf("no-such-folder");

        // Act
        var result = CliProcess.Run("train", "--data", data, "--out", _models.PathOf("out.model"));

        // Assert
        CliAssert.FailsWithOneSentence(result, 2, $"'{data}' does not exist");
    }

    [Fact]
    public void Run_CallDataThatDoesNotExist_OneSentenceAndExitTwo()
    {
        // Act
        var result = CliProcess.Run("train", "--data", _models.Folder, "--out", _models.PathOf("out.model"), "--call-data", _models.PathOf("none.jsonl"));

        // Assert
        CliAssert.FailsWithOneSentence(result, 2, "pass --call-data");
    }

    [Fact]
    public void Run_CallValidationThatDoesNotExist_OneSentenceAndExitTwo()
    {
        // Arrange: training lines exist, the validation lines beside them do not.
        var callData = _models.PathOf("calls-without-validation.jsonl");
        File.WriteAllText(callData, "{\"text\": \"hello\"}\n");

        // Act
        var result = CliProcess.Run("train", "--data", _models.Folder, "--out", _models.PathOf("out.model"), "--call-data", callData);

        // Assert
        CliAssert.FailsWithOneSentence(result, 2, "pass --call-validation");
        Assert.False(File.Exists(_models.PathOf("out.model")));
    }

    [Fact]
    public void Run_SeedThatIsNotANumber_OneSentenceAndExitTwo()
    {
        // Act
        var result = CliProcess.Run("train", "--data", _models.Folder, "--out", _models.PathOf("out.model"), "--seed", "lucky");

        // Assert
        CliAssert.FailsWithOneSentence(result, 2, "--seed takes a whole number, not 'lucky'");
    }

    [Fact]
    public void Run_StrayWord_OneSentenceAndExitTwo()
    {
        // Act
        var result = CliProcess.Run("train", "--data", _models.Folder, "--out", _models.PathOf("out.model"), "quickly");

        // Assert
        CliAssert.FailsWithOneSentence(result, 2, "train takes no text arguments, but got 'quickly'");
        Assert.False(File.Exists(_models.PathOf("out.model")));
    }
}
