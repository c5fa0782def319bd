using AbuseDetector.Alerts.Redis;
using AbuseDetector.Contracts.V1;
using AbuseDetector.Monitoring;
using Grpc.Net.Client;

namespace AbuseDetector.Service.Tests;

/// <summary>
/// The service process killed with SIGKILL while Redis is away: the alerts it had raised wait in its outbox journal on
/// disk, and the next start, with Redis back, delivers every one of them exactly once per alert_id.
/// </summary>
public sealed class OutboxJournalCrashTests : IDisposable
{
    private const int Calls = 4;

    private readonly string _dataPath = Directory.CreateTempSubdirectory("abuse-detector-crash-").FullName;

    [Fact]
    public async Task KillNineWhileRedisIsDown_RestartWithRedisBack_EveryAlertRaisedBeforeTheCrashArrivesOnce()
    {
        // Arrange: a service on Redis, then Redis goes away.
        await using var redis = await RedisServerProcess.StartNewAsync();
        var journal = Path.Combine(_dataPath, "outbox.journal");
        string[] settings = ["--redis", redis.Configuration, $"--AbuseDetector:Alerts:OutboxJournalPath={journal}", "--AbuseDetector:Alerts:ConnectTimeout=00:00:01"];
        var first = await ServiceProcess.StartAsync(settings);
        await redis.StopAsync();
        var tenant = RedisServerFixture.NewTenant();

        // Act: calls with abuse while Redis is down, then kill -9.
        var raised = new List<Alert>();
        using (var channel = GrpcChannel.ForAddress(first.GrpcAddress))
        {
            var client = new Contracts.V1.AbuseDetector.AbuseDetectorClient(channel);
            for (var call = 0; call < Calls; call++)
            {
                var updates = await SampleCalls.ReplayAsync(client, "persistent-swearing", tenant, $"crash-{call}");
                raised.AddRange(updates.Where(u => u.UpdateCase == CallUpdate.UpdateOneofCase.Alert).Select(u => u.Alert));
            }
        }

        await first.KillAsync();
        await redis.StartAsync();
        await using var second = await ServiceProcess.StartAsync(settings);

        // Assert: each alert in the history of each audience it was for, once.
        var options = RedisTestOptions.For(redis);
        await using var connection = await RedisTestConnection.ConnectAsync(options);
        var feed = new RedisAlertFeed(connection, options);
        IReadOnlyList<WatchedAlert> team = [], agent = [];
        await Eventually.TrueAsync(
            async () =>
            {
                team = await feed.ReadHistoryAsync(AlertScope.Team(tenant, "team-1"), HistoryId.Start, 1000);
                agent = await feed.ReadHistoryAsync(AlertScope.Agent(tenant, "agent-7"), HistoryId.Start, 1000);
                return team.Count >= raised.Count(a => a.ForTeam) && agent.Count >= raised.Count(a => a.ForAgent);
            },
            "the restarted service delivered the journalled alerts",
            TimeSpan.FromSeconds(60));
        await Task.Delay(1000);
        Assert.Equal(Calls * 7, raised.Count);
        Assert.Equal(raised.Where(a => a.ForTeam).Select(a => a.AlertId).Order(StringComparer.Ordinal), team.Select(w => w.Alert.AlertId).Order(StringComparer.Ordinal));
        Assert.Equal(raised.Where(a => a.ForAgent).Select(a => a.AlertId).Order(StringComparer.Ordinal), agent.Select(w => w.Alert.AlertId).Order(StringComparer.Ordinal));
        foreach (var call in team.GroupBy(w => w.Alert.Call.CallId))
        {
            // In each call's order.
            Assert.Equal(raised.Where(a => a.ForTeam && a.CallId == call.Key).Select(a => a.AlertId), call.Select(w => w.Alert.AlertId));
        }
    }

    public void Dispose() => Directory.Delete(_dataPath, recursive: true);
}
