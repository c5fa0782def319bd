using AbuseDetector.Alerts.Redis;
using Grpc.Net.Client;

namespace AbuseDetector.Service.Tests;

/// <summary>What the service process writes at the default log level, as an operator reads it.</summary>
public sealed class ServiceLogTests
{
    private const string Password = "log-test-redis-password";

    [Fact]
    public async Task DefaultLevel_TwoCalls_OneLinePerCallNoTranscriptAndRedisNamedOnceWithoutItsPassword()
    {
        // Arrange
        await using var redis = await RedisServerProcess.StartNewAsync(password: Password);
        await using var service = await ServiceProcess.StartAsync(["--redis", redis.Configuration, $"--AbuseDetector:RedisPassword={Password}"]);

        // The console logger writes on its own thread: the host's last start-up line can come after /alive answers.
        await Eventually.TrueAsync(() => service.Output.Any(line => line.Contains("Content root path", StringComparison.Ordinal)), "start-up was logged");
        var startUp = service.Output.Count;

        // Act: two calls that half-close normally after their CallEnd.
        using (var channel = GrpcChannel.ForAddress(service.GrpcAddress))
        {
            var client = new Contracts.V1.AbuseDetector.AbuseDetectorClient(channel);
            await SampleCalls.ReplayAsync(client, "persistent-swearing", "log-tenant", "log-call-1");
            await SampleCalls.ReplayAsync(client, "calm", "log-tenant", "log-call-2");
        }

        await Eventually.TrueAsync(() => service.Output.Count(IsCallLine) == 2, "both calls were logged");
        await Task.Delay(500);
        var output = service.Output;
        var duringCalls = output.Skip(startUp).ToList();

        // Assert
        Assert.All(duringCalls, line => Assert.True(IsCallLine(line), $"Unexpected line while calls ran: {line}"));
        Assert.Equal(2, duringCalls.Count);
        Assert.Contains(duringCalls, line => line.Contains("highest level end_call_permitted", StringComparison.Ordinal));
        Assert.Single(output, line => line.Contains($"Alerts and incidents go to Redis at {redis.Configuration}", StringComparison.Ordinal));
        Assert.DoesNotContain(output, line => line.Contains(Password, StringComparison.Ordinal));
        Assert.DoesNotContain(output, line => line.Contains("useless", StringComparison.OrdinalIgnoreCase) || line.Contains("log-call-", StringComparison.Ordinal) || line.Contains("log-tenant", StringComparison.Ordinal));
        Assert.DoesNotContain(output, line => line.Contains("without reading the entire request body", StringComparison.Ordinal));
    }

    private static bool IsCallLine(string line) => line.Contains("Call ended (", StringComparison.Ordinal);
}
