using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using AbuseDetector.Escalation;
using AbuseDetector.Monitoring;

namespace AbuseDetector.Alerts.Redis.Tests;

public sealed class RedisAlertPublisherTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task PublishAsync_ByAudience_ReachesOnlyTheMatchingChannels()
    {
        var tenant = RedisServerFixture.NewTenant();
        await using var stack = await RedisStack.ConnectAsync(redis.NewOptions());
        var publisher = await stack.StartPublisherAsync();
        string agentChannel = $"abuse:{tenant}:agent:agent-1", teamChannel = $"abuse:{tenant}:team:team-1";
        await using var raw = await RawSubscriber.StartAsync(redis.Configuration, agentChannel, teamChannel);

        Assert.True(await publisher.PublishAsync(TestAlerts.Make(tenant, 1, AlertAudience.Agent)));
        Assert.True(await publisher.PublishAsync(TestAlerts.Make(tenant, 2, AlertAudience.Team)));
        Assert.True(await publisher.PublishAsync(TestAlerts.Make(tenant, 3, AlertAudience.AgentAndTeam)));

        await Eventually.TrueAsync(() => raw.Messages.Count >= 4, "four messages arrived");
        Assert.Equal([$"{tenant}-alert-1", $"{tenant}-alert-3"], raw.On(agentChannel).Select(a => a.AlertId));
        Assert.Equal([$"{tenant}-alert-2", $"{tenant}-alert-3"], raw.On(teamChannel).Select(a => a.AlertId));
        var feed = stack.Feed();
        Assert.Equal([$"{tenant}-alert-2", $"{tenant}-alert-3"], (await feed.ReadHistoryAsync(AlertScope.Team(tenant, "team-1"), HistoryId.Start, 100)).Select(e => e.Alert.AlertId));
        Assert.Equal([$"{tenant}-alert-1", $"{tenant}-alert-3"], (await feed.ReadHistoryAsync(AlertScope.Agent(tenant, "agent-1"), HistoryId.Start, 100)).Select(e => e.Alert.AlertId));
    }

    [Fact]
    public async Task PublishAsync_SameAlertIdTwice_DeliversAndRecordsItOnce()
    {
        var tenant = RedisServerFixture.NewTenant();
        await using var stack = await RedisStack.ConnectAsync(redis.NewOptions());
        var publisher = await stack.StartPublisherAsync();
        await using var raw = await RawSubscriber.StartAsync(redis.Configuration, $"abuse:{tenant}:agent:agent-1", $"abuse:{tenant}:team:team-1");
        var alert = TestAlerts.Make(tenant, 1);

        var first = await publisher.PublishAsync(alert);
        var retry = await publisher.PublishAsync(alert);
        Assert.True(await publisher.PublishAsync(TestAlerts.Make(tenant, 2, AlertAudience.Agent)));

        Assert.True(first);
        Assert.False(retry);
        await Eventually.TrueAsync(() => raw.Messages.Count >= 3, "the marker alert arrived");
        Assert.Equal([$"{tenant}-alert-1", $"{tenant}-alert-1", $"{tenant}-alert-2"], raw.Messages.Select(m => AlertJson.Parse(m.Message).AlertId));
        Assert.Single(await stack.Feed().ReadHistoryAsync(AlertScope.Team(tenant, "team-1"), HistoryId.Start, 100));
        Assert.Equal([$"{tenant}-alert-1", $"{tenant}-alert-2"], (await stack.Feed().ReadHistoryAsync(AlertScope.Agent(tenant, "agent-1"), HistoryId.Start, 100)).Select(e => e.Alert.AlertId));
    }

    [Fact]
    public async Task TryEnqueue_ManyTeamAlerts_HistoryHoldsThemInOrderAndOutboxEmpties()
    {
        var tenant = RedisServerFixture.NewTenant();
        await using var stack = await RedisStack.ConnectAsync(redis.NewOptions());
        var publisher = await stack.StartPublisherAsync();
        await using var raw = await RawSubscriber.StartAsync(redis.Configuration, $"abuse:{tenant}:team:team-1");

        for (var i = 1; i <= 200; i++)
        {
            Assert.True(publisher.TryEnqueue(TestAlerts.Make(tenant, i, AlertAudience.Team)));
        }

        Assert.True(await publisher.FlushAsync(TimeSpan.FromSeconds(15)));
        Assert.Equal(0, publisher.OutboxDepth);
        var expected = Enumerable.Range(1, 200).Select(i => $"{tenant}-alert-{i}").ToList();
        Assert.Equal(expected, (await stack.Feed().ReadHistoryAsync(AlertScope.Team(tenant, "team-1"), HistoryId.Start, 1000)).Select(e => e.Alert.AlertId));
        await Eventually.TrueAsync(() => raw.Messages.Count >= 200, "every alert reached the team channel");
        Assert.Equal(expected, raw.Messages.Select(m => AlertJson.Parse(m.Message).AlertId));
    }

    [Fact]
    public async Task TryEnqueue_BatchesWithRepeatedIds_EachIdPublishedAndRecordedOnceInOrder()
    {
        // Arrange: more alerts than one script call carries, every fifth a retry of the alert before it.
        var tenant = RedisServerFixture.NewTenant();
        await using var stack = await RedisStack.ConnectAsync(redis.NewOptions(o => o.AgentHistoryLength = 1000));
        var publisher = await stack.StartPublisherAsync();
        await using var raw = await RawSubscriber.StartAsync(redis.Configuration, $"abuse:{tenant}:agent:agent-1");
        using var metrics = new MetricsRecorder(publisher);
        var sent = new List<Alert>();
        for (var i = 1; i <= 400; i++)
        {
            sent.Add(i % 5 == 0 ? sent[^1] : TestAlerts.Make(tenant, i, AlertAudience.AgentAndTeam));
        }

        // Act
        foreach (var alert in sent)
        {
            Assert.True(publisher.TryEnqueue(alert));
        }

        Assert.True(await publisher.FlushAsync(TimeSpan.FromSeconds(15)));

        // Assert
        var unique = sent.Select(a => a.AlertId).Distinct().ToList();
        Assert.Equal(320, unique.Count);
        Assert.Equal(320, metrics.Sum("abuse_detector.alerts.published"));
        Assert.Equal(80, metrics.Sum("abuse_detector.alerts.duplicates"));
        await Eventually.TrueAsync(() => raw.Messages.Count >= unique.Count, "every unique alert reached the agent channel");
        Assert.Equal(unique, raw.Messages.Select(m => AlertJson.Parse(m.Message).AlertId));
        Assert.Equal(unique, (await stack.Feed().ReadHistoryAsync(AlertScope.Team(tenant, "team-1"), HistoryId.Start, 1000)).Select(e => e.Alert.AlertId));
        Assert.Equal(unique, (await stack.Feed().ReadHistoryAsync(AlertScope.Agent(tenant, "agent-1"), HistoryId.Start, 1000)).Select(e => e.Alert.AlertId));
    }

    [Fact]
    public async Task TryEnqueue_EachAfterTheOutboxEmptied_WakesTheLoopEveryTime()
    {
        var tenant = RedisServerFixture.NewTenant();
        await using var stack = await RedisStack.ConnectAsync(redis.NewOptions());
        var publisher = await stack.StartPublisherAsync();

        for (var i = 1; i <= 50; i++)
        {
            Assert.True(publisher.TryEnqueue(TestAlerts.Make(tenant, i, AlertAudience.Team)));
            Assert.True(await publisher.FlushAsync(TimeSpan.FromSeconds(15)), $"alert {i} was published");
            if (i % 10 == 0)
            {
                // Let the loop go back to waiting on an empty outbox.
                await Task.Delay(20);
            }
        }

        Assert.Equal(50, (await stack.Feed().ReadHistoryAsync(AlertScope.Team(tenant, "team-1"), HistoryId.Start, 100)).Count);
    }

    [Fact]
    public async Task TryEnqueue_MoreThanHistoryLength_TrimsTheStreamKeepingTheNewest()
    {
        var tenant = RedisServerFixture.NewTenant();
        await using var stack = await RedisStack.ConnectAsync(redis.NewOptions(o => o.HistoryLength = 10));
        var publisher = await stack.StartPublisherAsync();

        for (var i = 1; i <= 500; i++)
        {
            publisher.TryEnqueue(TestAlerts.Make(tenant, i, AlertAudience.Team));
        }

        Assert.True(await publisher.FlushAsync(TimeSpan.FromSeconds(15)));
        var history = await stack.Feed().ReadHistoryAsync(AlertScope.Team(tenant, "team-1"), HistoryId.Start, 1000);

        // MAXLEN ~ trims whole stream nodes (100 entries by default): at least 10 kept, far fewer than 500.
        Assert.InRange(history.Count, 10, 110);
        Assert.Equal($"{tenant}-alert-500", history[^1].Alert.AlertId);
        Assert.Equal(Enumerable.Range(501 - history.Count, history.Count).Select(i => $"{tenant}-alert-{i}"), history.Select(e => e.Alert.AlertId));
    }

    [Fact]
    public async Task TryEnqueue_MixedAudiencesAndAgents_AgentHistoryHoldsThatAgentsAlertsOnlyInOrder()
    {
        // Arrange: team-only alerts, another agent's alerts and another tenant's alerts interleaved with agent 1's.
        var tenant = RedisServerFixture.NewTenant();
        var other = RedisServerFixture.NewTenant();
        await using var stack = await RedisStack.ConnectAsync(redis.NewOptions(o => o.AgentHistoryLength = 1000));
        var publisher = await stack.StartPublisherAsync();
        var expected = new List<string>();
        for (var i = 1; i <= 300; i++)
        {
            var alert = (i % 5) switch
            {
                0 => TestAlerts.Make(tenant, i, AlertAudience.Team),
                1 => TestAlerts.Make(tenant, i, AlertAudience.Agent, agent: "agent-2"),
                2 => TestAlerts.Make(other, i, AlertAudience.Agent),
                3 => TestAlerts.Make(tenant, i, AlertAudience.AgentAndTeam),
                _ => TestAlerts.Make(tenant, i, AlertAudience.Agent),
            };
            if (alert.Call.TenantId == tenant && alert.Call.AgentId == "agent-1" && alert.Audience.HasFlag(AlertAudience.Agent))
            {
                expected.Add(alert.AlertId);
            }

            Assert.True(publisher.TryEnqueue(alert));
        }

        // Act
        Assert.True(await publisher.FlushAsync(TimeSpan.FromSeconds(15)));
        var feed = stack.Feed();
        var history = await feed.ReadHistoryAsync(AlertScope.Agent(tenant, "agent-1"), HistoryId.Start, 1000);

        // Assert
        Assert.Equal(120, expected.Count);
        Assert.Equal(expected, history.Select(e => e.Alert.AlertId));
        Assert.Equal(history.Select(e => e.HistoryId).Distinct().Count(), history.Count);
        Assert.Equal(60, (await feed.ReadHistoryAsync(AlertScope.Agent(tenant, "agent-2"), HistoryId.Start, 1000)).Count);
        Assert.Equal(60, (await feed.ReadHistoryAsync(AlertScope.Agent(other, "agent-1"), HistoryId.Start, 1000)).Count);
        Assert.Equal(120, (await feed.ReadHistoryAsync(AlertScope.Team(tenant, "team-1"), HistoryId.Start, 1000)).Count);
    }

    [Fact]
    public async Task TryEnqueue_MoreThanAgentHistoryLength_TrimsTheAgentStreamOnly()
    {
        var tenant = RedisServerFixture.NewTenant();
        await using var stack = await RedisStack.ConnectAsync(redis.NewOptions(o => o.AgentHistoryLength = 10));
        var publisher = await stack.StartPublisherAsync();

        for (var i = 1; i <= 500; i++)
        {
            publisher.TryEnqueue(TestAlerts.Make(tenant, i, AlertAudience.AgentAndTeam));
        }

        Assert.True(await publisher.FlushAsync(TimeSpan.FromSeconds(15)));
        var feed = stack.Feed();
        var agent = await feed.ReadHistoryAsync(AlertScope.Agent(tenant, "agent-1"), HistoryId.Start, 1000);

        // MAXLEN ~ trims whole stream nodes (100 entries by default); the team's own, longer cap keeps all 500.
        Assert.InRange(agent.Count, 10, 110);
        Assert.Equal(Enumerable.Range(501 - agent.Count, agent.Count).Select(i => $"{tenant}-alert-{i}"), agent.Select(e => e.Alert.AlertId));
        Assert.Equal(500, (await feed.ReadHistoryAsync(AlertScope.Team(tenant, "team-1"), HistoryId.Start, 1000)).Count);
    }

    [Fact]
    public async Task TryEnqueue_AgentAlert_AgentHistoryExpiresAfterTheRetentionTeamHistoryDoesNot()
    {
        var tenant = RedisServerFixture.NewTenant();
        await using var stack = await RedisStack.ConnectAsync(redis.NewOptions(o => o.AgentHistoryRetention = TimeSpan.FromMinutes(10)));
        var publisher = await stack.StartPublisherAsync();

        Assert.True(publisher.TryEnqueue(TestAlerts.Make(tenant, 1, AlertAudience.AgentAndTeam)));
        Assert.True(await publisher.PublishAsync(TestAlerts.Make(tenant, 2, AlertAudience.AgentAndTeam)));
        Assert.True(await publisher.FlushAsync(TimeSpan.FromSeconds(15)));

        using var raw = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        var database = raw.GetDatabase();
        var agentTtl = await database.KeyTimeToLiveAsync($"abuse:{{{tenant}}}:agent:agent-1:history");
        Assert.NotNull(agentTtl);
        Assert.InRange(agentTtl.Value, TimeSpan.FromMinutes(9), TimeSpan.FromMinutes(10));
        Assert.Null(await database.KeyTimeToLiveAsync($"abuse:{{{tenant}}}:team:team-1:history"));
    }

    [Fact]
    public async Task PublishAsync_TwoTenants_NeverSeeEachOthersAlerts()
    {
        string a = RedisServerFixture.NewTenant(), b = RedisServerFixture.NewTenant();
        await using var stack = await RedisStack.ConnectAsync(redis.NewOptions());
        var publisher = await stack.StartPublisherAsync();
        await using var raw = await RawSubscriber.StartAsync(redis.Configuration, $"abuse:{a}:agent:agent-1", $"abuse:{a}:team:team-1", $"abuse:{b}:agent:agent-1", $"abuse:{b}:team:team-1");

        // The same alert id in both tenants is two different alerts.
        await publisher.PublishAsync(TestAlerts.Make(a, 1) with { AlertId = "same" });
        Assert.True(await publisher.PublishAsync(TestAlerts.Make(b, 2) with { AlertId = "same" }));

        await Eventually.TrueAsync(() => raw.Messages.Count >= 4, "both alerts arrived on both channels");
        Assert.All(raw.Messages.Where(m => m.Channel.Contains(a, StringComparison.Ordinal)), m => Assert.Equal(a, AlertJson.Parse(m.Message).Call.TenantId));
        Assert.All(raw.Messages.Where(m => m.Channel.Contains(b, StringComparison.Ordinal)), m => Assert.Equal(b, AlertJson.Parse(m.Message).Call.TenantId));
        var feed = stack.Feed();
        Assert.Equal([a], (await feed.ReadHistoryAsync(AlertScope.Team(a, "team-1"), HistoryId.Start, 10)).Select(e => e.Alert.Call.TenantId));
        Assert.Equal([b], (await feed.ReadHistoryAsync(AlertScope.Team(b, "team-1"), HistoryId.Start, 10)).Select(e => e.Alert.Call.TenantId));
    }

    [Fact]
    public async Task TryEnqueue_Published_RecordsCountersAndLatency()
    {
        var tenant = RedisServerFixture.NewTenant();
        await using var stack = await RedisStack.ConnectAsync(redis.NewOptions());
        var publisher = await stack.StartPublisherAsync();
        using var metrics = new MetricsRecorder(publisher);

        publisher.TryEnqueue(TestAlerts.Make(tenant, 1));
        publisher.TryEnqueue(TestAlerts.Make(tenant, 1));
        publisher.TryEnqueue(TestAlerts.Make(tenant, 2));
        Assert.True(await publisher.FlushAsync(TimeSpan.FromSeconds(15)));

        Assert.Equal(2, metrics.Sum("abuse_detector.alerts.published"));
        Assert.Equal(1, metrics.Sum("abuse_detector.alerts.duplicates"));
        Assert.Equal(3, metrics.Count("abuse_detector.alerts.publish_latency"));
        Assert.Equal(0, metrics.Observe("abuse_detector.alerts.outbox_depth"));
    }

    [Fact]
    public async Task DisposeAsync_WithAlertsWaiting_PublishesThemFirst()
    {
        var tenant = RedisServerFixture.NewTenant();
        await using var stack = await RedisStack.ConnectAsync(redis.NewOptions());
        var publisher = await stack.StartPublisherAsync();
        for (var i = 1; i <= 50; i++)
        {
            publisher.TryEnqueue(TestAlerts.Make(tenant, i, AlertAudience.Team));
        }

        await publisher.DisposeAsync();

        Assert.False(publisher.TryEnqueue(TestAlerts.Make(tenant, 51)));
        Assert.Equal(50, (await stack.Feed().ReadHistoryAsync(AlertScope.Team(tenant, "team-1"), HistoryId.Start, 100)).Count);
    }

    [Fact]
    public async Task TryEnqueue_ReplyLateAfterTheScriptRan_RetryCountsThemPublishedNotDuplicates()
    {
        // Arrange: Redis holds the script past the publisher's timeout, then runs it and every retry queued behind it.
        var tenant = RedisServerFixture.NewTenant();
        await using var stack = await RedisStack.ConnectAsync(redis.NewOptions(o => o.OperationTimeout = TimeSpan.FromMilliseconds(100)));
        var publisher = await stack.StartPublisherAsync();
        using var metrics = new MetricsRecorder(publisher);
        await using var raw = await RawSubscriber.StartAsync(redis.Configuration, $"abuse:{tenant}:team:team-1");
        Assert.True(await publisher.PublishAsync(TestAlerts.Make(tenant, 0, AlertAudience.Team)));
        using var admin = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        var busy = await StartBusyAsync(admin, TimeSpan.FromMilliseconds(700));

        // Act
        for (var i = 1; i <= 3; i++)
        {
            Assert.True(publisher.TryEnqueue(TestAlerts.Make(tenant, i, AlertAudience.Team)));
        }

        Assert.True(await publisher.FlushAsync(TimeSpan.FromSeconds(15)));
        await busy;

        // Assert
        Assert.True(metrics.Sum("abuse_detector.alerts.publish_retries") >= 1, "the first attempt timed out");
        Assert.Equal(4, metrics.Sum("abuse_detector.alerts.published"));
        Assert.Equal(0, metrics.Sum("abuse_detector.alerts.duplicates"));
        await Eventually.TrueAsync(() => raw.Messages.Count >= 4, "the alerts reached the team channel");
        Assert.Equal(Enumerable.Range(0, 4).Select(i => $"{tenant}-alert-{i}"), raw.Messages.Select(m => AlertJson.Parse(m.Message).AlertId));
        Assert.Equal(4, (await stack.Feed().ReadHistoryAsync(AlertScope.Team(tenant, "team-1"), HistoryId.Start, 100)).Count);
    }

    [Fact]
    public async Task TryEnqueue_RedisRefusesOneAlertOfABatchForGood_DropsOnlyThatAlert()
    {
        // Arrange: the history of team "broken" is not a stream, so Redis refuses alert 5 for good; Redis is busy
        // while alert 1 is in flight, so alerts 2 to 10 queue up and go in one batch.
        var tenant = RedisServerFixture.NewTenant();
        await using var stack = await RedisStack.ConnectAsync(redis.NewOptions());
        var publisher = await stack.StartPublisherAsync();
        using var metrics = new MetricsRecorder(publisher);
        await using var raw = await RawSubscriber.StartAsync(redis.Configuration, $"abuse:{tenant}:team:team-1", $"abuse:{tenant}:team:broken");
        using var admin = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        await admin.GetDatabase().StringSetAsync($"abuse:{{{tenant}}}:team:broken:history", "not a stream");
        var busy = await StartBusyAsync(admin, TimeSpan.FromMilliseconds(300));

        // Act
        for (var i = 1; i <= 10; i++)
        {
            Assert.True(publisher.TryEnqueue(TestAlerts.Make(tenant, i, AlertAudience.Team, team: i == 5 ? "broken" : "team-1")));
        }

        Assert.True(await publisher.FlushAsync(TimeSpan.FromSeconds(15)));
        await busy;

        // Assert
        var expected = Enumerable.Range(1, 10).Where(i => i != 5).Select(i => $"{tenant}-alert-{i}").ToList();
        Assert.Equal(expected, (await stack.Feed().ReadHistoryAsync(AlertScope.Team(tenant, "team-1"), HistoryId.Start, 100)).Select(e => e.Alert.AlertId));
        await Eventually.TrueAsync(() => raw.Messages.Count >= 9, "the other alerts reached the team channel");
        await Task.Delay(100);
        Assert.Equal(expected, raw.Messages.Select(m => AlertJson.Parse(m.Message).AlertId));
        Assert.Equal(1, publisher.DroppedCount);
        Assert.Equal(1, metrics.Sum("abuse_detector.alerts.dropped", "publish_failed"));
        Assert.Equal(9, metrics.Sum("abuse_detector.alerts.published"));
        Assert.Equal(0, metrics.Sum("abuse_detector.alerts.duplicates"));
    }

    /// <summary>A script that keeps Redis busy for ARGV[1] microseconds: other clients' commands wait, or get BUSY past the threshold.</summary>
    internal const string Spin = """
        local t = redis.call('TIME')
        local stop = t[1] * 1000000 + t[2] + tonumber(ARGV[1])
        repeat
          t = redis.call('TIME')
        until t[1] * 1000000 + t[2] >= stop
        return 1
        """;

    /// <summary>Starts keeping Redis busy with a script for a while, as a slow server would: other clients' commands wait.</summary>
    /// <returns>The script, running.</returns>
    private static async Task<Task> StartBusyAsync(StackExchange.Redis.ConnectionMultiplexer admin, TimeSpan duration)
    {
        var running = admin.GetDatabase().ScriptEvaluateAsync(Spin, values: [(long)duration.TotalMicroseconds]);

        // Give the script a head start, so the commands sent next queue behind it.
        await Task.Delay(50);
        return running;
    }

    [Fact]
    public async Task PublishAlertsScript_SameIdAgain_PublishesOnceAndTellsItsOwnRetryFromAnotherAlert()
    {
        var tenant = RedisServerFixture.NewTenant();
        using var admin = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        await using var raw = await RawSubscriber.StartAsync(redis.Configuration, $"abuse:{tenant}:team:team-1");
        StackExchange.Redis.RedisKey[] keys = [$"abuse:{{{tenant}}}:alert:a-1", $"abuse:{{{tenant}}}:team:team-1:history", $"abuse:{{{tenant}}}:agent:agent-1:history"];
        StackExchange.Redis.RedisValue[] Values(string token) => [60_000, 100, 100, "{}", $"abuse:{tenant}:team:team-1", "", token, "PUBLISH", 60_000];
        async Task<long> RunAsync(string token) => (long)((StackExchange.Redis.RedisResult[])(await admin.GetDatabase().ScriptEvaluateAsync(Internal.Scripts.PublishAlerts, keys, Values(token)))!)[0];

        var first = await RunAsync("token-1");
        var ownRetry = await RunAsync("token-1");
        var other = await RunAsync("token-2");

        Assert.Equal([1L, 2L, 0L], [first, ownRetry, other]);
        await Eventually.TrueAsync(() => !raw.Messages.IsEmpty, "the alert reached the team channel");
        await Task.Delay(100);
        Assert.Single(raw.Messages);
    }
}

/// <summary>Reads one publisher's instruments with a MeterListener.</summary>
internal sealed class MetricsRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<(string Name, double Value, string? Reason)> _measurements = new();

    public MetricsRecorder(RedisAlertPublisher publisher)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, publisher.Meter))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Record(i, v, tags));
        _listener.Start();
    }

    public double Sum(string name, string? reason = null) => _measurements.Where(m => m.Name == name && (reason is null || m.Reason == reason)).Sum(m => m.Value);

    public int Count(string name) => _measurements.Count(m => m.Name == name);

    public double Observe(string name)
    {
        _listener.RecordObservableInstruments();
        return _measurements.Last(m => m.Name == name).Value;
    }

    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        string? reason = null;
        foreach (var tag in tags)
        {
            if (tag.Key == "reason")
            {
                reason = tag.Value as string;
            }
        }

        _measurements.Enqueue((instrument.Name, value, reason));
    }
}
