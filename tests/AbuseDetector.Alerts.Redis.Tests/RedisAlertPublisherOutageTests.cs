using AbuseDetector.Escalation;
using AbuseDetector.Monitoring;
using StackExchange.Redis;

namespace AbuseDetector.Alerts.Redis.Tests;

/// <summary>Each test runs its own redis-server, stopped and restarted on the same port, or starved of memory.</summary>
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
        await using var stack = await RedisStack.ConnectAsync(RedisTestOptions.For(server, o => (o.ConnectTimeout, o.OperationTimeout) = (TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(5))));
        var publisher = await stack.StartPublisherAsync();
        using var metrics = new MetricsRecorder(publisher);
        await using var watchers = await RedisStack.ConnectAsync(RedisTestOptions.For(server));
        var feed = watchers.Feed(TimeSpan.FromMilliseconds(200));
        await using var team = new Collector<WatchedAlert>(ct => feed.ReadAsync(AlertScope.Team(tenant, "team-1"), HistoryId.Start, ct));
        await using var agent = new Collector<WatchedAlert>(ct => feed.ReadAsync(AlertScope.Agent(tenant, "agent-1"), HistoryId.Start, ct));
        await Subscriptions.WaitAsync(server.Configuration, "abuse:acme:team:team-1", "abuse:acme:agent:agent-1");
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
        Assert.StartsWith("Redis unreachable (", stack.Health.Problem, StringComparison.Ordinal);
        await server.StartAsync();

        Assert.True(await publisher.FlushAsync(TimeSpan.FromSeconds(30)), "the outbox drained after Redis came back");
        Assert.Equal(0, publisher.OutboxDepth);
        await Eventually.TrueAsync(() => team.Items.Count >= 150, "all 150 alerts reached the team watcher");
        var expected = Enumerable.Range(1, 150).Select(i => $"{tenant}-alert-{i}").ToList();
        Assert.Equal(expected, team.Items.Select(e => e.Alert.AlertId));
        Assert.All(team.Items, e => Assert.NotEqual("", e.HistoryId));
        Assert.Equal(expected, (await feed.ReadHistoryAsync(AlertScope.Team(tenant, "team-1"), HistoryId.Start, 1000)).Select(e => e.Alert.AlertId));
        Assert.Equal(150, metrics.Sum("abuse_detector.alerts.published") + metrics.Sum("abuse_detector.alerts.duplicates"));
        Assert.Equal(0, publisher.DroppedCount);
        Assert.Null(stack.Health.Problem);
        Assert.Null(team.Error);

        // The agent watch never repeats or reorders alerts across the outage.
        var agentIds = agent.Items.Select(e => (int)e.Alert.Seq).ToList();
        Assert.Equal(agentIds.Order(), agentIds);
        Assert.Equal(agentIds.Distinct().Count(), agentIds.Count);
        Assert.Equal(Enumerable.Range(1, 50), agentIds.Take(50));
    }

    [Fact]
    public async Task WatchAsync_AgentAcrossRedisKilledAndRestarted_EveryAgentAlertArrivesOnceInOrder()
    {
        // Arrange: AOF on every write, so the agent history and dedupe keys outlive the kill.
        await using var server = new RedisServerProcess(extraArguments: ["--appendonly", "yes", "--appendfsync", "always", "--dir", _dataDir]);
        await server.StartAsync();
        const string tenant = "acme";
        await using var stack = await RedisStack.ConnectAsync(RedisTestOptions.For(server, o => o.AgentHistoryLength = 1000));
        var publisher = await stack.StartPublisherAsync();
        await using var watchers = await RedisStack.ConnectAsync(RedisTestOptions.For(server));
        var feed = watchers.Feed(TimeSpan.FromMilliseconds(200));

        // The plugin watches across the outage; a second plugin crashed and will resume from the last id it kept.
        await using var agent = new Collector<WatchedAlert>(ct => feed.ReadAsync(AlertScope.Agent(tenant, "agent-1"), HistoryId.Start, ct));
        await Subscriptions.WaitAsync(server.Configuration, "abuse:acme:agent:agent-1");

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
        Assert.True(HistoryId.TryParse(agent.Items.Last().HistoryId, out var lastBeforeOutage));

        // Act: Redis goes away with alerts raised meanwhile; they wait in the outbox and race the resubscribe.
        await server.StopAsync();
        for (var i = 61; i <= 180; i++)
        {
            Enqueue(i);
        }

        await server.StartAsync();
        Assert.True(await publisher.FlushAsync(TimeSpan.FromSeconds(30)), "the outbox drained after Redis came back");
        await using var resumed = new Collector<WatchedAlert>(ct => feed.ReadAsync(AlertScope.Agent(tenant, "agent-1"), lastBeforeOutage, ct));

        // Assert
        Assert.Equal(120, expected.Count);
        await Eventually.TrueAsync(() => agent.Items.Count >= 120 && resumed.Items.Count >= 80, "every agent alert reached both watchers", TimeSpan.FromSeconds(30));
        await Task.Delay(500); // a duplicate would arrive within the poll interval
        Assert.Equal(expected, agent.Items.Select(e => e.Alert.AlertId));
        Assert.Equal(expected.Skip(40), resumed.Items.Select(e => e.Alert.AlertId));
        Assert.All(resumed.Items, e => Assert.NotEqual("", e.HistoryId));
        Assert.Equal(expected, (await feed.ReadHistoryAsync(AlertScope.Agent(tenant, "agent-1"), HistoryId.Start, 1000)).Select(e => e.Alert.AlertId));
        Assert.Null(agent.Error);
        Assert.Null(resumed.Error);
    }

    [Fact]
    public async Task TryEnqueue_RedisDownAtStart_PublishesOnceRedisStarts()
    {
        await using var server = await RedisServerProcess.StartNewAsync();
        await server.StopAsync();
        await using var stack = await RedisStack.ConnectAsync(RedisTestOptions.For(server), waitUntilConnected: false);
        var publisher = await stack.StartPublisherAsync();

        Assert.True(publisher.TryEnqueue(TestAlerts.Make("acme", 1, AlertAudience.Team)));
        Assert.False(await publisher.FlushAsync(TimeSpan.FromMilliseconds(300)));
        Assert.Equal(1, publisher.OutboxDepth);
        await server.StartAsync();

        Assert.True(await publisher.FlushAsync(TimeSpan.FromSeconds(30)));
        Assert.Single(await stack.Feed().ReadHistoryAsync(AlertScope.Team("acme", "team-1"), HistoryId.Start, 10));
    }

    [Fact]
    public async Task TryEnqueue_RedisOutOfMemory_AlertsWaitInOrderAndArriveOnceWhenMemoryIsFreed()
    {
        // Arrange: a server that refuses writes (OOM) once full, evicting nothing; an incident is kept meanwhile too.
        await using var server = await RedisServerProcess.StartNewAsync();
        const string tenant = "acme";
        await using var stack = await RedisStack.ConnectAsync(RedisTestOptions.For(server));
        var publisher = await stack.StartPublisherAsync();
        var store = stack.Store();
        using var metrics = new MetricsRecorder(publisher);
        await using var raw = await RawSubscriber.StartAsync(server.Configuration, "abuse:acme:team:team-1");
        using var admin = await RedisTestConnection.AdminAsync(server);
        await FillUntilOutOfMemoryAsync(admin);

        // Act
        for (var i = 1; i <= 300; i++)
        {
            Assert.True(publisher.TryEnqueue(TestAlerts.Make(tenant, i, AlertAudience.Team)));
        }

        store.Keep(TestAlerts.Incident(tenant, "call-oom", TimeProvider.System.GetUtcNow().AddMinutes(-5)));
        await Eventually.TrueAsync(() => metrics.Sum("abuse_detector.alerts.publish_retries") >= 3, "the outbox retried while Redis refused writes");
        Assert.Equal(300, publisher.OutboxDepth);
        Assert.Equal(1, store.Waiting);
        Assert.Equal(0, publisher.DroppedCount);
        Assert.StartsWith("Redis refuses writes (OOM command not allowed", stack.Health.Problem, StringComparison.Ordinal);
        Assert.Empty(raw.Messages);
        await admin.GetServer(admin.GetEndPoints()[0]).ConfigSetAsync("maxmemory", "0");

        // Assert
        Assert.True(await publisher.FlushAsync(TimeSpan.FromSeconds(30)), "the outbox drained once Redis took writes");
        Assert.True(await store.FlushAsync(TimeSpan.FromSeconds(30)), "the incident was saved once Redis took writes");
        var expected = Enumerable.Range(1, 300).Select(i => $"{tenant}-alert-{i}").ToList();
        await Eventually.TrueAsync(() => raw.Messages.Count >= 300, "every alert reached the team channel");
        await Task.Delay(100);
        Assert.Equal(expected, raw.Ids());
        Assert.Equal(expected, (await stack.Feed().ReadHistoryAsync(AlertScope.Team(tenant, "team-1"), HistoryId.Start, 1000)).Select(e => e.Alert.AlertId));
        Assert.Equal(300, metrics.Sum("abuse_detector.alerts.published"));
        Assert.Equal(0, metrics.Sum("abuse_detector.alerts.dropped"));
        Assert.NotNull(await store.GetAsync(tenant, "call-oom"));
        Assert.Null(stack.Health.Problem);
    }

    [Fact]
    public async Task TryEnqueue_FullWithDropOldest_DropsOldestNonCriticalAndKeepsCriticals()
    {
        await using var server = await RedisServerProcess.StartNewAsync();
        await server.StopAsync();
        await using var stack = await RedisStack.ConnectAsync(RedisTestOptions.For(server, o => o.OutboxCapacity = 3), waitUntilConnected: false);
        var publisher = await stack.StartPublisherAsync();
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
        Assert.Equal(["acme-alert-0", "acme-alert-3", "acme-alert-5", "acme-alert-7"], (await stack.Feed().ReadHistoryAsync(AlertScope.Team("acme", "team-1"), HistoryId.Start, 10)).Select(e => e.Alert.AlertId));
    }

    [Fact]
    public async Task TryEnqueue_FullWithRejectNew_RefusesAndCountsIt()
    {
        await using var server = await RedisServerProcess.StartNewAsync();
        await server.StopAsync();
        await using var stack = await RedisStack.ConnectAsync(RedisTestOptions.For(server, o => (o.OutboxCapacity, o.OverflowPolicy) = (2, OutboxOverflowPolicy.RejectNew)), waitUntilConnected: false);
        var publisher = await stack.StartPublisherAsync();
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
        Assert.Equal(["acme-alert-0", "acme-alert-1", "acme-alert-2"], (await stack.Feed().ReadHistoryAsync(AlertScope.Team("acme", "team-1"), HistoryId.Start, 10)).Select(e => e.Alert.AlertId));
    }

    [Fact]
    public async Task DropLog_EachReason_StatesThatReason()
    {
        // Arrange: Redis down, so alerts wait; a one-alert outbox for the overflow reasons; no wait at shutdown. Team
        // "broken" has a history that is not a stream, kept on disk for the restart: Redis refuses its alerts for good.
        await using var server = new RedisServerProcess(extraArguments: ["--appendonly", "yes", "--appendfsync", "always", "--dir", _dataDir]);
        await server.StartAsync();
        using (var admin = await RedisTestConnection.AdminAsync(server))
        {
            await admin.GetDatabase().StringSetAsync("abuse:{acme}:team:broken:history", "not a stream");
        }

        await server.StopAsync();
        await using var stack = await RedisStack.ConnectAsync(RedisTestOptions.For(server, o => (o.OutboxCapacity, o.ShutdownFlushTimeout) = (1, TimeSpan.Zero)), waitUntilConnected: false);
        var dropOldest = await stack.StartPublisherAsync();
        var rejectNew = await stack.StartPublisherAsync(RedisTestOptions.For(server, o => (o.OutboxCapacity, o.OverflowPolicy, o.ShutdownFlushTimeout) = (1, OutboxOverflowPolicy.RejectNew, TimeSpan.Zero)));

        using var dropOldestMetrics = new MetricsRecorder(dropOldest);
        using var rejectNewMetrics = new MetricsRecorder(rejectNew);

        // Act
        dropOldest.TryEnqueue(TestAlerts.Make("acme", 1));
        await Eventually.TrueAsync(() => dropOldestMetrics.Sum("abuse_detector.alerts.publish_retries") >= 1, "the first alert is in flight");
        dropOldest.TryEnqueue(TestAlerts.Make("acme", 2));
        dropOldest.TryEnqueue(TestAlerts.Make("acme", 3));   // outbox_full: drops 2
        rejectNew.TryEnqueue(TestAlerts.Make("acme", 4, team: "broken"));
        await Eventually.TrueAsync(() => rejectNewMetrics.Sum("abuse_detector.alerts.publish_retries") >= 1, "the fourth alert is in flight");
        rejectNew.TryEnqueue(TestAlerts.Make("acme", 5, team: "broken"));
        rejectNew.TryEnqueue(TestAlerts.Make("acme", 6, team: "broken"));    // rejected
        await dropOldest.DisposeAsync();                      // shutdown: 1 and 3 are left, with no journal to keep them
        dropOldest.TryEnqueue(TestAlerts.Make("acme", 7));   // shutdown: raised after it
        await server.StartAsync();
        await Eventually.TrueAsync(() => rejectNew.DroppedCount == 3, "Redis refused alerts 4 and 5 for good", TimeSpan.FromSeconds(30));

        // Assert: one line for the first drop of each reason, each saying why.
        var outboxFull = Assert.Single(stack.Logs.Messages("AlertDropped"));
        Assert.Contains("outbox is full (1 alerts) and OverflowPolicy is DropOldest", outboxFull, StringComparison.Ordinal);
        var rejected = Assert.Single(stack.Logs.Messages("AlertRejected"));
        Assert.Contains("outbox is full (1 alerts) and OverflowPolicy is RejectNew, so a new alert was refused", rejected, StringComparison.Ordinal);
        var shutdown = Assert.Single(stack.Logs.Messages("AlertDroppedAtShutdown"));
        Assert.Contains("because the publisher is shutting down", shutdown, StringComparison.Ordinal);
        Assert.DoesNotContain("full", shutdown, StringComparison.Ordinal);
        var publishFailed = Assert.Single(stack.Logs.Messages("AlertDroppedPublishFailed"));
        Assert.Contains("Redis refused an alert with an error that retrying cannot clear", publishFailed, StringComparison.Ordinal);
        Assert.DoesNotContain("full", publishFailed, StringComparison.Ordinal);
        Assert.Equal(4, dropOldest.DroppedCount);
        Assert.All(stack.Logs.Entries, e => Assert.DoesNotContain("acme", e.Message, StringComparison.Ordinal));
    }

    /// <summary>
    /// Fills Redis with about 2 MB and caps its memory below what it holds (noeviction), so every write is refused with
    /// OOM until the cap is lifted; capping after the fill keeps the state steady, where filling up to a cap would leave
    /// Redis hovering at the edge as client buffers come and go.
    /// </summary>
    internal static async Task FillUntilOutOfMemoryAsync(IConnectionMultiplexer admin)
    {
        var database = admin.GetDatabase();
        var value = new string('x', 100_000);
        for (var i = 0; i < 20; i++)
        {
            await database.StringSetAsync($"fill:{i}", value);
        }

        var server = admin.GetServer(admin.GetEndPoints()[0]);
        var memory = (await server.InfoAsync("memory")).SelectMany(g => g).First(p => p.Key == "used_memory").Value;
        await server.ConfigSetAsync("maxmemory-policy", "noeviction");
        await server.ConfigSetAsync("maxmemory", (long.Parse(memory, System.Globalization.CultureInfo.InvariantCulture) / 2).ToString(System.Globalization.CultureInfo.InvariantCulture));
        var refused = await Assert.ThrowsAsync<RedisServerException>(() => database.StringSetAsync("one-more", "x"));
        Assert.StartsWith("OOM", refused.Message, StringComparison.Ordinal);
    }
}
