using AbuseDetector.Service.Internal;
using Microsoft.Extensions.Options;

namespace AbuseDetector.Service.Tests;

public class AbuseDetectorServiceOptionsTests
{
    [Fact]
    public void Validate_PortOutOfRange_FailsWithOneSentence()
    {
        // Arrange
        var options = new AbuseDetectorServiceOptions { GrpcPort = 70000, ModelPath = AbuseDetectorServiceOptionsSetup.FindDefaultModel(AppContext.BaseDirectory) };

        // Act
        var result = new AbuseDetectorServiceOptionsValidator().Validate(Options.DefaultName, options);

        // Assert
        Assert.Equal(["The gRPC port must be between 0 and 65535."], result.Failures);
    }

    [Fact]
    public void Validate_MissingModelFile_NamesTheFile()
    {
        // Arrange
        var options = new AbuseDetectorServiceOptions { ModelPath = "/no/such/file.model" };

        // Act
        var result = new AbuseDetectorServiceOptionsValidator().Validate(Options.DefaultName, options);

        // Assert
        Assert.Equal(["The model file '/no/such/file.model' does not exist."], result.Failures);
    }

    [Fact]
    public void StartupFailure_ValidationException_IsTheSentence()
    {
        // Arrange
        var exception = new OptionsValidationException(Options.DefaultName, typeof(AbuseDetectorServiceOptions), ["The HTTP port must be between 0 and 65535."]);

        // Act
        var sentence = AbuseDetectorServiceExtensions.StartupFailure(exception);

        // Assert
        Assert.Equal("The HTTP port must be between 0 and 65535.", sentence);
    }
}
