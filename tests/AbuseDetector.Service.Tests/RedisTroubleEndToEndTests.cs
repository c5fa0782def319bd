using AbuseDetector.Alerts.Redis;
using AbuseDetector.Monitoring;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace AbuseDetector.Service.Tests;

/// <summary>What operators see when Redis refuses the service: a wrong password named as such, writes refused for memory.</summary>
public sealed class RedisTroubleEndToEndTests
{
    private const string Password = "the-right-test-password";
    private const string WrongPassword = "a-wrong-test-password";

    [Fact]
    public async Task WrongRedisPassword_StartUpLogAndHealthNameTheAuthenticationFailure()
    {
        // Arrange
        await using var redis = await RedisServerProcess.StartNewAsync(password: Password);

        // Act
        await using var service = await ServiceProcess.StartAsync(["--redis", redis.Configuration, $"--AbuseDetector:RedisPassword={WrongPassword}", "--AbuseDetector:Alerts:ConnectTimeout=00:00:01"]);
        using var http = new HttpClient();
        var health = await http.GetStringAsync(new Uri(service.HttpAddress, "/health"));

        // Assert
        Assert.Contains(service.Output, line => line.Contains(RedisHealth.AuthenticationProblem, StringComparison.Ordinal));
        Assert.StartsWith($"degraded: {RedisHealth.AuthenticationProblem}", health, StringComparison.Ordinal);
        Assert.DoesNotContain(service.Output, line => line.Contains(WrongPassword, StringComparison.Ordinal));
    }

    [Fact]
    public async Task RedisOutOfMemory_HealthDegradedAlertsWaitThenArriveOnce()
    {
        // Arrange
        await using var redis = await RedisServerProcess.StartNewAsync();
        await using var service = await ServiceInstance.StartAsync(new Dictionary<string, string?> { ["AbuseDetector:Redis"] = redis.Configuration });
        await Eventually.TrueAsync(() => service.Services.GetRequiredService<IConnectionMultiplexer>().IsConnected, "the service reached Redis");
        await using var admin = await RedisTestConnection.AdminAsync(redis);
        var server = admin.GetServer(redis.Configuration);
        using var http = new HttpClient();
        using var channel = GrpcChannel.ForAddress(service.GrpcAddress);
        var healthClient = new Health.HealthClient(channel);
        var tenant = RedisServerFixture.NewTenant();

        // Act: Redis holds more than it may (maxmemory below what it uses, noeviction), then a call with abuse.
        await server.ConfigSetAsync("maxmemory-policy", "noeviction");
        await server.ConfigSetAsync("maxmemory", "1");
        var updates = await SampleCalls.ReplayAsync(service.NewClient(), "persistent-swearing", tenant);
        var raised = updates.Where(u => u.UpdateCase == Contracts.V1.CallUpdate.UpdateOneofCase.Alert).Select(u => u.Alert.AlertId).ToList();
        var healthDuring = "";
        await Eventually.TrueAsync(
            async () => (healthDuring = await http.GetStringAsync(new Uri(service.HttpAddress, "/health"))).StartsWith("degraded", StringComparison.Ordinal),
            "/health reported the refused writes");
        var alertsDuring = await healthClient.CheckAsync(new HealthCheckRequest { Service = AbuseDetectorServiceCollectionExtensions.AlertsHealthServiceName });
        var serverDuring = await healthClient.CheckAsync(new HealthCheckRequest());
        await server.ConfigSetAsync("maxmemory", "0");

        // Assert: nothing dropped; each alert once, once Redis takes writes again.
        var options = RedisTestOptions.For(redis);
        await using var connection = await RedisTestConnection.ConnectAsync(options);
        var feed = new RedisAlertFeed(connection, options);
        IReadOnlyList<WatchedAlert> history = [];
        await Eventually.TrueAsync(
            async () => (history = await feed.ReadHistoryAsync(AlertScope.Team(tenant, "team-1"), HistoryId.Start, 100)).Count >= 5,
            "the team's alerts arrived after the memory was freed",
            TimeSpan.FromSeconds(30));
        Assert.StartsWith("degraded: Redis refuses writes (OOM", healthDuring, StringComparison.Ordinal);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, alertsDuring.Status);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, serverDuring.Status);
        Assert.Equal(history.Count, history.Select(h => h.Alert.AlertId).Distinct().Count());
        Assert.All(history, h => Assert.Contains(h.Alert.AlertId, raised));
        Assert.Equal(0, service.Services.GetRequiredService<RedisAlertPublisher>().DroppedCount);
        await Eventually.TrueAsync(async () => await http.GetStringAsync(new Uri(service.HttpAddress, "/health")) == "healthy", "/health recovered");
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await healthClient.CheckAsync(new HealthCheckRequest { Service = AbuseDetectorServiceCollectionExtensions.AlertsHealthServiceName })).Status);
        Assert.Empty(service.Errors);
    }
}
