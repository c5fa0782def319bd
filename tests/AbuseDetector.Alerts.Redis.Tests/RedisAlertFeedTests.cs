using AbuseDetector.Escalation;
using AbuseDetector.Monitoring;
using StackExchange.Redis;

namespace AbuseDetector.Alerts.Redis.Tests;

public sealed class RedisAlertFeedTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task ReadHistoryAsync_AfterAnId_ReturnsOnlyLaterAlertsInOrder()
    {
        var tenant = RedisServerFixture.NewTenant();
        await using var stack = await RedisStack.ConnectAsync(redis.NewOptions());
        var publisher = await stack.StartPublisherAsync();
        for (var i = 1; i <= 10; i++)
        {
            await publisher.PublishAsync(TestAlerts.Make(tenant, i, AlertAudience.Team));
        }

        var feed = stack.Feed();
        var team = AlertScope.Team(tenant, "team-1");
        var all = await feed.ReadHistoryAsync(team, HistoryId.Start, 100);

        var after4 = await feed.ReadHistoryAsync(team, Id(all[3]), 3);

        Assert.Equal([5, 6, 7], after4.Select(e => (int)e.Alert.Seq));
        Assert.Empty(await feed.ReadHistoryAsync(team, Id(all[^1]), 100));
        Assert.Empty(await feed.ReadHistoryAsync(AlertScope.Team(tenant, "no-such-team"), HistoryId.Start, 100));
    }

    [Fact]
    public async Task ReadHistoryAsync_EntriesAtTheEdgesOfTheIdRange_ReadsThemWithHistoryIdsThatRoundTrip()
    {
        // Redis takes explicit ids up to 2^64-1 in both parts: the history id rule must read them all.
        var tenant = RedisServerFixture.NewTenant();
        await using var stack = await RedisStack.ConnectAsync(redis.NewOptions());
        var history = $"{TestAlerts.Tag(tenant)}:team:team-1:history";
        var database = stack.Redis.GetDatabase();
        await database.StreamAddAsync(history, "alert", AlertJson.Serialize(TestAlerts.Make(tenant, 1, AlertAudience.Team)), "0-1");
        await database.StreamAddAsync(history, "other", "not an alert", "5-0");
        await database.StreamAddAsync(history, "alert", "{not json", "6-0");
        await database.StreamAddAsync(history, "alert", AlertJson.Serialize(TestAlerts.Make(tenant, 2, AlertAudience.Team)), "18446744073709551615-18446744073709551614");
        var feed = stack.Feed();

        var all = await feed.ReadHistoryAsync(AlertScope.Team(tenant, "team-1"), HistoryId.Start, 10);
        var afterFirst = await feed.ReadHistoryAsync(AlertScope.Team(tenant, "team-1"), Id(all[0]), 10);

        Assert.Equal(["0-1", "18446744073709551615-18446744073709551614"], all.Select(e => e.HistoryId));
        Assert.Equal(new HistoryId(ulong.MaxValue, ulong.MaxValue - 1), Id(all[1]));
        Assert.Equal([2], afterFirst.Select(e => (int)e.Alert.Seq));
        Assert.Equal(4, stack.Logs.Messages("AlertMalformed").Count); // both reads passed the two entries that are not alerts
    }

    [Fact]
    public async Task WatchAsync_TeamSinceAnId_ReplaysThenGoesLiveWithoutGapsOrDuplicates()
    {
        var tenant = RedisServerFixture.NewTenant();
        await using var stack = await RedisStack.ConnectAsync(redis.NewOptions());
        var publisher = await stack.StartPublisherAsync();
        for (var i = 1; i <= 20; i++)
        {
            publisher.TryEnqueue(TestAlerts.Make(tenant, i, AlertAudience.Team));
        }

        Assert.True(await publisher.FlushAsync(TimeSpan.FromSeconds(15)));
        var feed = stack.Feed(TimeSpan.FromMilliseconds(100));
        var fifth = Id((await feed.ReadHistoryAsync(AlertScope.Team(tenant, "team-1"), HistoryId.Start, 5))[^1]);

        // Publishing goes on while the watch starts: alerts race the replay.
        await using var team = new Collector<WatchedAlert>(ct => feed.ReadAsync(AlertScope.Team(tenant, "team-1"), fifth, ct));
        for (var i = 21; i <= 60; i++)
        {
            publisher.TryEnqueue(TestAlerts.Make(tenant, i, i % 2 == 0 ? AlertAudience.Team : AlertAudience.AgentAndTeam));
            publisher.TryEnqueue(TestAlerts.Make(tenant, 1000 + i, AlertAudience.Agent));
        }

        Assert.True(await publisher.FlushAsync(TimeSpan.FromSeconds(15)));
        await Eventually.TrueAsync(() => team.Items.Count >= 55, "alerts 6 to 60 arrived");
        await Task.Delay(300); // a duplicate would arrive within the poll interval
        Assert.Equal(Enumerable.Range(6, 55), team.Items.Select(e => (int)e.Alert.Seq));
        Assert.Null(team.Error);
    }

    [Fact]
    public async Task WatchAsync_LiveOnly_SkipsTheHistoryAndYieldsLaterAlertsWithTheirIds()
    {
        var tenant = RedisServerFixture.NewTenant();
        await using var stack = await RedisStack.ConnectAsync(redis.NewOptions());
        var publisher = await stack.StartPublisherAsync();
        for (var i = 1; i <= 5; i++)
        {
            await publisher.PublishAsync(TestAlerts.Make(tenant, i, AlertAudience.Team));
        }

        var feed = stack.Feed(TimeSpan.FromMilliseconds(100));
        await using var team = new Collector<WatchedAlert>(ct => feed.ReadAsync(AlertScope.Team(tenant, "team-1"), null, ct));
        await Subscriptions.WaitAsync(redis.Configuration, $"abuse:{tenant}:team:team-1");
        await Task.Delay(200); // the watch has read where the history ends

        await publisher.PublishAsync(TestAlerts.Make(tenant, 6, AlertAudience.Team));
        await publisher.PublishAsync(TestAlerts.Make(tenant, 7, AlertAudience.Team));

        await Eventually.TrueAsync(() => team.Items.Count >= 2, "the two new alerts arrived");
        await Task.Delay(300);
        Assert.Equal([6, 7], team.Items.Select(e => (int)e.Alert.Seq));
        Assert.All(team.Items, e => Assert.True(HistoryId.TryParse(e.HistoryId, out _)));
        Assert.True(feed.KeepsHistory);
    }

    [Fact]
    public async Task WatchAsync_ScopeWithTeamAndAgent_ThrowsArgumentException()
    {
        await using var stack = await RedisStack.ConnectAsync(redis.NewOptions());

        var error = await Assert.ThrowsAsync<ArgumentException>(() => stack.Feed().WatchAsync(new AlertScope("acme", "team-1", "agent-1"), null));

        Assert.Contains("exactly one of TeamId and AgentId", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WatchAsync_RedisDown_FeedUnavailableAndTheWatchCanBeOpenedOnceRedisIsBack()
    {
        await using var server = await RedisServerProcess.StartNewAsync();
        await server.StopAsync();
        await using var stack = await RedisStack.ConnectAsync(RedisTestOptions.For(server), waitUntilConnected: false);
        var feed = stack.Feed();
        var scope = AlertScope.Team(RedisServerFixture.NewTenant(), "team-1");

        var error = await Assert.ThrowsAsync<AlertFeedUnavailableException>(() => feed.WatchAsync(scope, null));
        await server.StartAsync();

        // The subscriber connection comes back on its own schedule, after the one IsConnected reports on.
        IAlertWatch? watch = null;
        await Eventually.TrueAsync(
            async () =>
            {
                try
                {
                    watch = await feed.WatchAsync(scope, null);
                    return true;
                }
                catch (AlertFeedUnavailableException)
                {
                    return false;
                }
            },
            "the watch opened once Redis was back");
        await watch!.DisposeAsync();

        Assert.IsAssignableFrom<RedisException>(error.InnerException);
        Assert.DoesNotContain(scope.TenantId, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadHistoryAsync_AgentAfterAnId_ReturnsOnlyLaterAlertsOfThatAgentInOrder()
    {
        var tenant = RedisServerFixture.NewTenant();
        await using var stack = await RedisStack.ConnectAsync(redis.NewOptions());
        var publisher = await stack.StartPublisherAsync();
        for (var i = 1; i <= 10; i++)
        {
            await publisher.PublishAsync(TestAlerts.Make(tenant, i, i % 2 == 0 ? AlertAudience.Agent : AlertAudience.AgentAndTeam));
            await publisher.PublishAsync(TestAlerts.Make(tenant, 100 + i, AlertAudience.Team));
        }

        var feed = stack.Feed();
        var agent = AlertScope.Agent(tenant, "agent-1");
        var all = await feed.ReadHistoryAsync(agent, HistoryId.Start, 100);

        var after4 = await feed.ReadHistoryAsync(agent, Id(all[3]), 3);

        Assert.Equal(Enumerable.Range(1, 10), all.Select(e => (int)e.Alert.Seq));
        Assert.Equal([5, 6, 7], after4.Select(e => (int)e.Alert.Seq));
        Assert.Empty(await feed.ReadHistoryAsync(agent, Id(all[^1]), 100));
        Assert.Empty(await feed.ReadHistoryAsync(AlertScope.Agent(tenant, "no-such-agent"), HistoryId.Start, 100));
    }

    [Fact]
    public async Task WatchAsync_AgentSinceAnId_ReplaysThenGoesLiveWithoutGapsOrDuplicates()
    {
        var tenant = RedisServerFixture.NewTenant();
        await using var stack = await RedisStack.ConnectAsync(redis.NewOptions());
        var publisher = await stack.StartPublisherAsync();
        for (var i = 1; i <= 20; i++)
        {
            publisher.TryEnqueue(TestAlerts.Make(tenant, i, AlertAudience.Agent));
        }

        Assert.True(await publisher.FlushAsync(TimeSpan.FromSeconds(15)));
        var feed = stack.Feed(TimeSpan.FromMilliseconds(100));
        var agentScope = AlertScope.Agent(tenant, "agent-1");
        var fifth = Id((await feed.ReadHistoryAsync(agentScope, HistoryId.Start, 5))[^1]);

        // Publishing goes on while the watch starts: alerts race the replay. Team-only and other agents' alerts interleave.
        await using var agent = new Collector<WatchedAlert>(ct => feed.ReadAsync(agentScope, fifth, ct));
        await using var whole = new Collector<WatchedAlert>(ct => feed.ReadAsync(agentScope, HistoryId.Start, ct));
        for (var i = 21; i <= 60; i++)
        {
            publisher.TryEnqueue(TestAlerts.Make(tenant, i, i % 2 == 0 ? AlertAudience.Agent : AlertAudience.AgentAndTeam));
            publisher.TryEnqueue(TestAlerts.Make(tenant, 1000 + i, AlertAudience.Team));
            publisher.TryEnqueue(TestAlerts.Make(tenant, 2000 + i, AlertAudience.Agent, agent: "agent-2"));
        }

        Assert.True(await publisher.FlushAsync(TimeSpan.FromSeconds(15)));
        await Eventually.TrueAsync(() => agent.Items.Count >= 55 && whole.Items.Count >= 60, "alerts 6 to 60 arrived");
        await Task.Delay(300); // a duplicate would arrive within the poll interval
        Assert.Equal(Enumerable.Range(6, 55), agent.Items.Select(e => (int)e.Alert.Seq));
        Assert.Equal(Enumerable.Range(1, 60), whole.Items.Select(e => (int)e.Alert.Seq));
        Assert.All(agent.Items, e => Assert.NotEqual("", e.HistoryId));
        Assert.Null(agent.Error);
        Assert.Null(whole.Error);
    }

    [Fact]
    public async Task WatchAsync_Agent_YieldsThatAgentsAlertsOnlyEachOnce()
    {
        var tenant = RedisServerFixture.NewTenant();
        await using var stack = await RedisStack.ConnectAsync(redis.NewOptions());
        var publisher = await stack.StartPublisherAsync();
        var feed = stack.Feed();
        await using var agent = new Collector<WatchedAlert>(ct => feed.ReadAsync(AlertScope.Agent(tenant, "agent-1"), HistoryId.Start, ct));
        await Subscriptions.WaitAsync(redis.Configuration, $"abuse:{tenant}:agent:agent-1");

        await publisher.PublishAsync(TestAlerts.Make(tenant, 1, AlertAudience.Agent));
        await publisher.PublishAsync(TestAlerts.Make(tenant, 2, AlertAudience.Team));
        await publisher.PublishAsync(TestAlerts.Make(tenant, 3, AlertAudience.Agent, agent: "agent-2"));
        await publisher.PublishAsync(TestAlerts.Make(RedisServerFixture.NewTenant(), 4, AlertAudience.Agent));
        await publisher.PublishAsync(TestAlerts.Make(tenant, 5, AlertAudience.AgentAndTeam));

        await Eventually.TrueAsync(() => agent.Items.Count >= 2, "two alerts arrived");
        Assert.Equal([1, 5], agent.Items.Select(e => (int)e.Alert.Seq));
    }

    [Fact]
    public async Task WatchAsync_SameAlertPublishedByTwoProducers_YieldsItOnce()
    {
        // Outside the dedupe window (another deployment, a replay tool) the same id can reach the channel twice.
        var tenant = RedisServerFixture.NewTenant();
        await using var stack = await RedisStack.ConnectAsync(redis.NewOptions());
        var feed = stack.Feed();
        await using var agent = new Collector<WatchedAlert>(ct => feed.ReadAsync(AlertScope.Agent(tenant, "agent-1"), HistoryId.Start, ct));
        var channel = $"abuse:{tenant}:agent:agent-1";
        await Subscriptions.WaitAsync(redis.Configuration, channel);
        await using var raw = await RawSubscriber.StartAsync(redis.Configuration, channel);
        using var admin = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        var subscriber = admin.GetSubscriber();
        var json = TestAlerts.Json(TestAlerts.Make(tenant, 1, AlertAudience.Agent));
        var literal = StackExchange.Redis.RedisChannel.Literal(channel);

        await subscriber.PublishAsync(literal, json);
        await subscriber.PublishAsync(literal, "not json");
        await subscriber.PublishAsync(literal, json);
        await subscriber.PublishAsync(literal, TestAlerts.Json(TestAlerts.Make(tenant, 2, AlertAudience.Agent)));

        await Eventually.TrueAsync(() => raw.Messages.Count >= 4 && agent.Items.Count >= 2, "the messages arrived");
        Assert.Equal([1, 2], agent.Items.Select(e => (int)e.Alert.Seq));
        Assert.Single(stack.Logs.Messages("AlertMalformed"));
    }

    private static HistoryId Id(WatchedAlert alert) =>
        HistoryId.TryParse(alert.HistoryId, out var id) ? id : throw new FormatException(alert.HistoryId);
}
