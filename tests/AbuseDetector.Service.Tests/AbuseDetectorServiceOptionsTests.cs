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
    public void Validate_IdleStreamTimeoutAndPerTenantLimitOutOfRange_FailsWithSentences()
    {
        // Arrange
        var options = new AbuseDetectorServiceOptions
        {
            ModelPath = AbuseDetectorServiceOptionsSetup.FindDefaultModel(AppContext.BaseDirectory),
            IdleStreamTimeout = TimeSpan.Zero,
            MaxConcurrentCallsPerTenant = 0,
        };

        // Act
        var result = new AbuseDetectorServiceOptionsValidator().Validate(Options.DefaultName, options);

        // Assert
        Assert.Equal(
            ["MaxConcurrentCallsPerTenant must be between 1 and 1000000.", "IdleStreamTimeout must be between 1 second and 1 day."],
            result.Failures);
    }

    [Fact]
    public void Validate_TenantWithoutKeysAndSharedKey_FailsWithoutNamingKeys()
    {
        // Arrange
        var options = new AbuseDetectorServiceOptions { ModelPath = AbuseDetectorServiceOptionsSetup.FindDefaultModel(AppContext.BaseDirectory) };
        var a = new AbuseDetectorTenantOptions { TenantId = "tenant-a" };
        a.ApiKeys.Add("secret-key");
        var b = new AbuseDetectorTenantOptions { TenantId = "tenant-b" };
        b.ApiKeys.Add("secret-key");
        options.Tenants.Add(a);
        options.Tenants.Add(b);
        options.Tenants.Add(new AbuseDetectorTenantOptions { TenantId = "tenant-c" });

        // Act
        var result = new AbuseDetectorServiceOptionsValidator().Validate(Options.DefaultName, options);

        // Assert
        Assert.Equal(
            ["Tenants:1 has an API key listed before it; each key must identify one tenant.", "Tenants:2 has no ApiKeys."],
            result.Failures);
        Assert.DoesNotContain(result.Failures!, f => f.Contains("secret-key", StringComparison.Ordinal));
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
