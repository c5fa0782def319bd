using AbuseDetector.Escalation;
using StackExchange.Redis;

namespace AbuseDetector.Alerts.Redis.Tests;

/// <summary>Each test runs its own redis-server, stopped and restarted on the same port.</summary>
public sealed class RedisAlertPublisherOutageTests : IDisposable
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("abuse-redis-").FullName;

    public void Dispose() => Directory.Delete(_dataDir, recursive: true);

    [Fact]
    public async Task TryEnqueue_RedisKilledAndRestarted_EveryAlertArrivesOnceInOrder()
    {
        // Kept on disk at every write, so the history and dedupe keys outlive the kill, as on a persistent server.
        await using var server = new RedisServerProcess(extraArguments: ["--appendonly", "yes", "--appendfsync", "always", "--dir", _dataDir]);
        await server.StartAsync();
        const string tenant = "acme";
        // Timeouts far past the test's own limit: a TryEnqueue that waited for a connect or a command would hang the test.
        await using var connection = new RedisConnection(RedisTestOptions.For(server, o => (o.ConnectTimeout, o.OperationTimeout) = (TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(5))));
        await using var publisher = new RedisAlertPublisher(connection);
        using var metrics = new MetricsRecorder(publisher);
        await using var watcherConnection = new RedisConnection(RedisTestOptions.For(server));
        Assert.True(await watcherConnection.WaitUntilConnectedAsync(TimeSpan.FromSeconds(10)));
        var watcher = new AlertWatcher(watcherConnection, historyPollInterval: TimeSpan.FromMilliseconds(200));
        await using var team = new Collector<AlertHistoryEntry>(ct => watcher.WatchTeamAsync(tenant, "team-1", null, ct));
        await using var agent = new Collector<AlertHistoryEntry>(ct => watcher.WatchAgentAsync(tenant, "agent-1", null, ct));
        await Subscriptions.WaitAsync(server.Configuration, $"abuse:{tenant}:team:team-1", $"abuse:{tenant}:agent:agent-1");
        for (var i = 1; i <= 50; i++)
        {
            Assert.True(publisher.TryEnqueue(TestAlerts.Make(tenant, i)));
        }

        await Eventually.TrueAsync(() => team.Items.Count == 50, "the first 50 alerts reached the team watcher");

        await server.StopAsync();
        // A hang guard, not a timing check: a TryEnqueue that waited for Redis would wait minutes, or until the restart below.
        await Task.Run(() =>
        {
            for (var i = 51; i <= 150; i++)
            {
                Assert.True(publisher.TryEnqueue(TestAlerts.Make(tenant, i)));
            }
        }).WaitAsync(TimeSpan.FromSeconds(60));
        await Eventually.TrueAsync(() => metrics.Sum("abuse_detector.alerts.publish_retries") >= 3, "the outbox retried while Redis was down");
        Assert.Equal(100, publisher.OutboxDepth);
        await server.StartAsync();

        Assert.True(await publisher.FlushAsync(TimeSpan.FromSeconds(30)), "the outbox drained after Redis came back");
        Assert.Equal(0, publisher.OutboxDepth);
        await Eventually.TrueAsync(() => team.Items.Count >= 150, "all 150 alerts reached the team watcher");
        var expected = Enumerable.Range(1, 150).Select(i => $"{tenant}-alert-{i}").ToList();
        Assert.Equal(expected, team.Items.Select(e => e.Alert.AlertId));
        Assert.All(team.Items, e => Assert.NotEqual("", e.StreamId));
        Assert.Equal(expected, (await watcher.ReadHistoryAsync(tenant, "team-1", null, 1000)).Select(e => e.Alert.AlertId));
        Assert.Equal(150, metrics.Sum("abuse_detector.alerts.published") + metrics.Sum("abuse_detector.alerts.duplicates"));
        Assert.Null(team.Error);

        // The agent watch never repeats or reorders alerts across the outage.
        var agentIds = agent.Items.Select(e => (int)e.Alert.Seq).ToList();
        Assert.Equal(agentIds.Order(), agentIds);
        Assert.Equal(agentIds.Distinct().Count(), agentIds.Count);
        Assert.Equal(Enumerable.Range(1, 50), agentIds.Take(50));
    }

    [Fact]
    public async Task WatchAgentAsync_RedisKilledAndRestarted_EveryAgentAlertArrivesOnceInOrder()
    {
        // Arrange: AOF on every write, so the agent history and dedupe keys outlive the kill.
        await using var server = new RedisServerProcess(extraArguments: ["--appendonly", "yes", "--appendfsync", "always", "--dir", _dataDir]);
        await server.StartAsync();
        const string tenant = "acme";
        await using var connection = new RedisConnection(RedisTestOptions.For(server, o => o.AgentHistoryLength = 1000));
        await using var publisher = new RedisAlertPublisher(connection);
        await using var watcherConnection = new RedisConnection(RedisTestOptions.For(server));
        Assert.True(await watcherConnection.WaitUntilConnectedAsync(TimeSpan.FromSeconds(10)));
        var watcher = new AlertWatcher(watcherConnection, historyPollInterval: TimeSpan.FromMilliseconds(200));

        // The plugin watches across the outage; a second plugin crashed and will resume from the last id it kept.
        await using var agent = new Collector<AlertHistoryEntry>(ct => watcher.WatchAgentAsync(tenant, "agent-1", null, ct));
        await Subscriptions.WaitAsync(server.Configuration, $"abuse:{tenant}:agent:agent-1");

        // Every third alert is team-only, and another agent's alerts interleave: neither belongs in agent 1's watch.
        var expected = new List<string>();
        void Enqueue(int i)
        {
            var alert = TestAlerts.Make(tenant, i, i % 3 == 0 ? AlertAudience.Team : i % 3 == 1 ? AlertAudience.Agent : AlertAudience.AgentAndTeam);
            if (alert.Audience.HasFlag(AlertAudience.Agent))
            {
                expected.Add(alert.AlertId);
            }

            Assert.True(publisher.TryEnqueue(alert));
            Assert.True(publisher.TryEnqueue(TestAlerts.Make(tenant, 1000 + i, AlertAudience.Agent, agent: "agent-2")));
        }

        for (var i = 1; i <= 60; i++)
        {
            Enqueue(i);
        }

        Assert.True(await publisher.FlushAsync(TimeSpan.FromSeconds(15)));
        await Eventually.TrueAsync(() => agent.Items.Count == 40, "the first 40 agent alerts reached the watcher");
        var lastBeforeOutage = agent.Items.Last().StreamId;

        // Act: Redis goes away with alerts raised meanwhile; they wait in the outbox and race the resubscribe.
        await server.StopAsync();
        for (var i = 61; i <= 180; i++)
        {
            Enqueue(i);
        }

        await server.StartAsync();
        Assert.True(await publisher.FlushAsync(TimeSpan.FromSeconds(30)), "the outbox drained after Redis came back");
        await using var resumed = new Collector<AlertHistoryEntry>(ct => watcher.WatchAgentAsync(tenant, "agent-1", lastBeforeOutage, ct));

        // Assert
        Assert.Equal(120, expected.Count);
        await Eventually.TrueAsync(() => agent.Items.Count >= 120 && resumed.Items.Count >= 80, "every agent alert reached both watchers", TimeSpan.FromSeconds(30));
        await Task.Delay(500); // a duplicate would arrive within the poll interval
        Assert.Equal(expected, agent.Items.Select(e => e.Alert.AlertId));
        Assert.Equal(expected.Skip(40), resumed.Items.Select(e => e.Alert.AlertId));
        Assert.All(resumed.Items, e => Assert.NotEqual("", e.StreamId));
        Assert.Equal(expected, (await watcher.ReadAgentHistoryAsync(tenant, "agent-1", null, 1000)).Select(e => e.Alert.AlertId));
        Assert.Null(agent.Error);
        Assert.Null(resumed.Error);
    }

    [Fact]
    public async Task TryEnqueue_RedisDownAtStart_PublishesOnceRedisStarts()
    {
        await using var server = await RedisServerProcess.StartNewAsync();
        await server.StopAsync();
        await using var connection = new RedisConnection(RedisTestOptions.For(server));
        await using var publisher = new RedisAlertPublisher(connection);

        Assert.True(publisher.TryEnqueue(TestAlerts.Make("acme", 1, AlertAudience.Team)));
        Assert.False(await publisher.FlushAsync(TimeSpan.FromMilliseconds(300)));
        Assert.Equal(1, publisher.OutboxDepth);
        await server.StartAsync();

        Assert.True(await publisher.FlushAsync(TimeSpan.FromSeconds(30)));
        Assert.Single(await new AlertWatcher(connection).ReadHistoryAsync("acme", "team-1", null, 10));
    }

    [Fact]
    public async Task TryEnqueue_FullWithDropOldest_DropsOldestNonCriticalAndKeepsCriticals()
    {
        await using var server = await RedisServerProcess.StartNewAsync();
        await server.StopAsync();
        await using var connection = new RedisConnection(RedisTestOptions.For(server, o => o.OutboxCapacity = 3));
        await using var publisher = new RedisAlertPublisher(connection);
        using var metrics = new MetricsRecorder(publisher);
        Alert Warning(int n) => TestAlerts.Make("acme", n, AlertAudience.Team, AlertSeverity.Warning);
        Alert Critical(int n) => TestAlerts.Make("acme", n, AlertAudience.Team, AlertSeverity.Critical);
        Assert.True(publisher.TryEnqueue(Warning(0)));
        await Eventually.TrueAsync(() => metrics.Sum("abuse_detector.alerts.publish_retries") >= 1, "the first alert is being retried");

        Assert.True(publisher.TryEnqueue(Critical(1)));
        Assert.True(publisher.TryEnqueue(Warning(2)));
        Assert.True(publisher.TryEnqueue(Critical(3)));
        Assert.True(publisher.TryEnqueue(Warning(4)));   // drops 2
        Assert.True(publisher.TryEnqueue(Critical(5)));  // drops 4
        Assert.False(publisher.TryEnqueue(Warning(6)));  // all waiting are critical: 6 itself goes
        Assert.True(publisher.TryEnqueue(Critical(7)));  // only criticals left: the oldest, 1, goes

        Assert.Equal(4, metrics.Sum("abuse_detector.alerts.dropped", "outbox_full"));
        Assert.Equal(4, publisher.DroppedCount);
        Assert.Equal(4, publisher.OutboxDepth);
        await server.StartAsync();
        Assert.True(await publisher.FlushAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(["acme-alert-0", "acme-alert-3", "acme-alert-5", "acme-alert-7"], (await new AlertWatcher(connection).ReadHistoryAsync("acme", "team-1", null, 10)).Select(e => e.Alert.AlertId));
    }

    [Fact]
    public async Task TryEnqueue_FullWithRejectNew_RefusesAndCountsIt()
    {
        await using var server = await RedisServerProcess.StartNewAsync();
        await server.StopAsync();
        await using var connection = new RedisConnection(RedisTestOptions.For(server, o => (o.OutboxCapacity, o.OverflowPolicy) = (2, OutboxOverflowPolicy.RejectNew)));
        await using var publisher = new RedisAlertPublisher(connection);
        using var metrics = new MetricsRecorder(publisher);
        Assert.True(publisher.TryEnqueue(TestAlerts.Make("acme", 0, AlertAudience.Team)));
        await Eventually.TrueAsync(() => metrics.Sum("abuse_detector.alerts.publish_retries") >= 1, "the first alert is being retried");

        Assert.True(publisher.TryEnqueue(TestAlerts.Make("acme", 1, AlertAudience.Team)));
        Assert.True(publisher.TryEnqueue(TestAlerts.Make("acme", 2, AlertAudience.Team)));
        Assert.False(publisher.TryEnqueue(TestAlerts.Make("acme", 3, AlertAudience.Team, AlertSeverity.Critical)));

        Assert.Equal(1, metrics.Sum("abuse_detector.alerts.dropped", "rejected"));
        Assert.Equal(3, metrics.Observe("abuse_detector.alerts.outbox_depth"));
        await server.StartAsync();
        Assert.True(await publisher.FlushAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(["acme-alert-0", "acme-alert-1", "acme-alert-2"], (await new AlertWatcher(connection).ReadHistoryAsync("acme", "team-1", null, 10)).Select(e => e.Alert.AlertId));
    }

    [Fact]
    public async Task Connection_RightPassword_Publishes()
    {
        await using var server = await RedisServerProcess.StartNewAsync(password: "s3cret pass");
        await using var connection = new RedisConnection(RedisTestOptions.For(server, o => o.Password = "s3cret pass"));
        await using var publisher = new RedisAlertPublisher(connection);

        Assert.True(await publisher.PublishAsync(TestAlerts.Make("acme", 1, AlertAudience.Team)));

        Assert.True(connection.IsConnected);
        Assert.Single(await new AlertWatcher(connection).ReadHistoryAsync("acme", "team-1", null, 10));
    }

    [Fact]
    public async Task Connection_WrongPassword_NotConnectedAndOutboxKeepsAlerts()
    {
        await using var server = await RedisServerProcess.StartNewAsync(password: "s3cret");
        await using var connection = new RedisConnection(RedisTestOptions.For(server, o => o.Password = "wrong"));
        await using var publisher = new RedisAlertPublisher(connection);

        Assert.True(publisher.TryEnqueue(TestAlerts.Make("acme", 1, AlertAudience.Team)));

        Assert.False(await connection.WaitUntilConnectedAsync(TimeSpan.FromSeconds(2)));
        var error = await Assert.ThrowsAsync<RedisConnectionException>(() => connection.PingAsync());
        Assert.Contains("Authentication", connection.LastFailure + " " + error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(1, publisher.OutboxDepth);
        using var admin = await ConnectionMultiplexer.ConnectAsync($"{server.Configuration},password=s3cret");
        Assert.False(await admin.GetDatabase().KeyExistsAsync("abuse:acme:team:team-1:history"));
    }
}
