using System.Collections.Concurrent;
using AbuseDetector.Alerts.Redis;
using AbuseDetector.Contracts.V1;
using AbuseDetector.Monitoring;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace AbuseDetector.Service.Tests;

/// <summary>
/// The real redis-server is stopped in the middle of a call and started again in the middle of a later one, while the
/// service keeps taking calls: every team alert reaches a de-duplicating subscriber exactly once, in each call's order.
/// </summary>
public sealed class RedisOutageEndToEndTests : IDisposable
{
    private static readonly string[] TeamAlertsPerCall = ["LevelChanged", "SupervisorNeeded", "LevelChanged", "SupervisorNeeded", "CallEnded"];

    private readonly string _dataDir = Directory.CreateTempSubdirectory("abuse-detector-redis-").FullName;

    [Fact]
    public async Task RedisRestartMidCall_EveryTeamAlertArrivesOncePerAlertIdInOrder()
    {
        // Arrange: append-only persistence, as production Redis would run, so the history survives the restart.
        await using var redis = new RedisServerProcess(extraArguments: ["--appendonly", "yes", "--appendfsync", "always", "--dir", _dataDir]);
        await redis.StartAsync();
        await using var service = await ServiceInstance.StartAsync(new Dictionary<string, string?>
        {
            ["AbuseDetector:Redis"] = redis.Configuration,
            ["AbuseDetector:Alerts:ConnectTimeout"] = "00:00:01",
            ["AbuseDetector:Alerts:OperationTimeout"] = "00:00:01",
        });
        var client = service.NewClient();
        var subscriberOptions = RedisTestOptions.For(redis);
        await using var subscriberConnection = await RedisTestConnection.ConnectAsync(subscriberOptions);
        var subscriber = new RedisAlertFeed(subscriberConnection, subscriberOptions, historyPollInterval: TimeSpan.FromMilliseconds(200));
        var tenant = RedisServerFixture.NewTenant();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var received = new ConcurrentQueue<WatchedAlert>();
        var watching = Task.Run(async () =>
        {
            try
            {
                await foreach (var entry in subscriber.ReadAsync(AlertScope.Team(tenant, "team-1"), null, stop.Token))
                {
                    received.Enqueue(entry);
                }
            }
            catch (OperationCanceledException)
            {
            }
        });
        await Subscriptions.WaitAsync(redis.Configuration, $"abuse:{tenant}:team:team-1");

        // Calls 1-3 count towards the agent's wellbeing alert only once the service itself reaches Redis.
        var serviceRedis = service.Services.GetRequiredService<IConnectionMultiplexer>();
        await Eventually.TrueAsync(() => serviceRedis.IsConnected, "the service connected to Redis");

        // Act: calls 1-3 with Redis up; call 4 loses Redis after its first insult; calls 5-7 run with Redis down; call 8
        // gets it back midway; calls 9-10 with Redis up again.
        var assessedWhileDown = 0;
        var waitingAtRestart = 0;
        using var http = new HttpClient();
        HttpResponseMessage? healthWhileDown = null;
        var healthTextWhileDown = "";
        var publisher = service.Services.GetRequiredService<RedisAlertPublisher>();
        for (var call = 1; call <= 10; call++)
        {
            Func<int, Task>? hook = call switch
            {
                4 => async i =>
                {
                    if (i == 3)
                    {
                        // Calls 1-3 are counted for the agent's wellbeing in the background: stopping Redis before call 3
                        // is counted would lose the count the assertion below is about.
                        await Eventually.TrueAsync(() => received.Any(e => e.Alert.Kind == Escalation.AlertKind.AgentWellbeing), "calls 1-3 were counted for the agent's wellbeing");
                        await redis.StopAsync();
                    }
                },
                8 => async i =>
                {
                    if (i == 6)
                    {
                        waitingAtRestart = publisher.OutboxDepth;
                        healthWhileDown = await http.GetAsync(new Uri(service.HttpAddress, "/health"));
                        healthTextWhileDown = await healthWhileDown.Content.ReadAsStringAsync();
                        await redis.StartAsync();
                    }
                },
                _ => null,
            };
            var updates = await SampleCalls.ReplayAsync(client, "persistent-swearing", tenant, $"outage-{call}", beforeEvent: hook);
            if (call is >= 5 and <= 7)
            {
                assessedWhileDown += updates.Count(u => u.UpdateCase == CallUpdate.UpdateOneofCase.Assessment);
            }
        }

        // Assert
        await Eventually.TrueAsync(() => received.Count >= 10 * TeamAlertsPerCall.Length, "every call's team alerts arrived", TimeSpan.FromSeconds(60));
        await Task.Delay(1000);
        // Agent 7 took three abusive calls in a row with Redis up (calls 1-3): the team is told once; counts taken
        // during the outage are best effort, so later wellbeing alerts are not asserted.
        var all = received.ToList();
        Assert.Contains(all, e => e.Alert.Kind == Escalation.AlertKind.AgentWellbeing && e.Alert.Reason.Contains("3 abusive calls in a row", StringComparison.Ordinal));
        var entries = all.Where(e => e.Alert.Kind != Escalation.AlertKind.AgentWellbeing).ToList();
        Assert.Equal(10 * TeamAlertsPerCall.Length, entries.Count);
        Assert.Equal(entries.Count, entries.Select(e => e.Alert.AlertId).Distinct().Count());
        foreach (var call in entries.GroupBy(e => e.Alert.Call.CallId))
        {
            Assert.Equal(TeamAlertsPerCall, call.Select(e => e.Alert.Kind.ToString()));
        }

        var history = await subscriber.ReadHistoryAsync(AlertScope.Team(tenant, "team-1"), HistoryId.Start, 1000);
        Assert.Equal(all.Select(e => e.Alert.AlertId).Order(StringComparer.Ordinal), history.Select(h => h.Alert.AlertId).Order(StringComparer.Ordinal));

        // Classification went on while Redis was away: three whole calls were answered chunk by chunk.
        Assert.Equal(3 * 9, assessedWhileDown);
        Assert.True(waitingAtRestart >= 3 * TeamAlertsPerCall.Length, $"only {waitingAtRestart} alerts waited in the outbox while Redis was down");
        await Eventually.TrueAsync(() => publisher.OutboxDepth == 0, "the outbox drained");
        Assert.Equal(System.Net.HttpStatusCode.OK, healthWhileDown!.StatusCode);
        Assert.StartsWith("degraded: Redis unreachable", healthTextWhileDown, StringComparison.Ordinal);
        Assert.Equal("healthy", await http.GetStringAsync(new Uri(service.HttpAddress, "/health")));
        stop.Cancel();
        await watching;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
            // redis-server may still hold a file for a moment; the temporary folder is cleaned by the system later.
        }
    }
}

/// <summary>The service reaches a Redis that requires a password through RedisPassword.</summary>
public sealed class RedisAuthEndToEndTests
{
    [Fact]
    public async Task RedisWithPassword_ServiceConfiguredWithIt_AlertsArrive()
    {
        // Arrange
        const string Password = "test-only-redis-password";
        await using var redis = await RedisServerProcess.StartNewAsync(password: Password);
        await using var service = await ServiceInstance.StartAsync(new Dictionary<string, string?>
        {
            ["AbuseDetector:Redis"] = redis.Configuration,
            ["AbuseDetector:RedisPassword"] = Password,
        });
        var client = service.NewClient();
        var subscriberOptions = RedisTestOptions.For(redis, o => o.Password = Password);
        await using var subscriberConnection = await RedisTestConnection.ConnectAsync(subscriberOptions);
        var subscriber = new RedisAlertFeed(subscriberConnection, subscriberOptions);
        var tenant = RedisServerFixture.NewTenant();

        // Act
        await SampleCalls.ReplayAsync(client, "threat", tenant);

        // Assert
        IReadOnlyList<WatchedAlert> history = [];
        await Eventually.TrueAsync(
            async () =>
            {
                history = await subscriber.ReadHistoryAsync(AlertScope.Team(tenant, "team-1"), HistoryId.Start, 100);
                return history.Count >= 3;
            },
            "the threat call's team alerts reached the password-protected Redis");
        Assert.Equal(Escalation.AlertKind.Threat, history[0].Alert.Kind);
    }
}
