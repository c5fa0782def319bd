using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace AbuseDetector.Service.Tests;

/// <summary>Program.cs's path: a bad setting must reach RunAbuseDetectorServiceAsync, which prints one sentence and returns 1.</summary>
public class StartupFailureTests
{
    [Theory]
    [InlineData("--bind", "0.0.0.0")]
    [InlineData("--redis", "redis:99999")]
    [InlineData("--model", "/no/such/file.model")]
    public async Task RunAbuseDetectorServiceAsync_BadSetting_ReturnsOneWithoutThrowingFromMap(string flag, string value)
    {
        // Arrange
        string[] args = ["--grpc-port", "0", "--http-port", "0", flag, value];
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Logging.ClearProviders();
        builder.AddAbuseDetectorService(args);
        await using var app = builder.Build();
        app.MapAbuseDetectorService();

        // Act
        var exitCode = await app.RunAbuseDetectorServiceAsync();

        // Assert
        Assert.Equal(1, exitCode);
    }
}
