using AbuseDetector.Escalation;

namespace AbuseDetector.Alerts.Redis.Tests;

public sealed class AlertWatcherTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    [Fact]
    public async Task ReadHistoryAsync_SinceAnId_ReturnsOnlyLaterAlertsInOrder()
    {
        var tenant = RedisServerFixture.NewTenant();
        await using var connection = new RedisConnection(redis.NewOptions());
        await using var publisher = new RedisAlertPublisher(connection);
        for (var i = 1; i <= 10; i++)
        {
            await publisher.PublishAsync(TestAlerts.Make(tenant, i, AlertAudience.Team));
        }

        var watcher = new AlertWatcher(connection);
        var all = await watcher.ReadHistoryAsync(tenant, "team-1", null, 100);

        var after4 = await watcher.ReadHistoryAsync(tenant, "team-1", all[3].StreamId, 3);

        Assert.Equal([5, 6, 7], after4.Select(e => (int)e.Alert.Seq));
        Assert.Empty(await watcher.ReadHistoryAsync(tenant, "team-1", all[^1].StreamId, 100));
        Assert.Empty(await watcher.ReadHistoryAsync(tenant, "no-such-team", null, 100));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("1-")]
    [InlineData("-1")]
    public async Task ReadHistoryAsync_BadStreamId_ThrowsArgumentException(string sinceId)
    {
        await using var connection = new RedisConnection(redis.NewOptions());

        var error = await Assert.ThrowsAsync<ArgumentException>(() => new AlertWatcher(connection).ReadHistoryAsync("acme", "team-1", sinceId, 10));

        Assert.Contains("stream id", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WatchTeamAsync_SinceAnId_ReplaysThenGoesLiveWithoutGapsOrDuplicates()
    {
        var tenant = RedisServerFixture.NewTenant();
        await using var connection = new RedisConnection(redis.NewOptions());
        await using var publisher = new RedisAlertPublisher(connection);
        for (var i = 1; i <= 20; i++)
        {
            publisher.TryEnqueue(TestAlerts.Make(tenant, i, AlertAudience.Team));
        }

        Assert.True(await publisher.FlushAsync(TimeSpan.FromSeconds(15)));
        var watcher = new AlertWatcher(connection, historyPollInterval: TimeSpan.FromMilliseconds(100));
        var fifth = (await watcher.ReadHistoryAsync(tenant, "team-1", null, 5))[^1].StreamId;

        // Publishing goes on while the watch starts: alerts race the replay.
        await using var team = new Collector<AlertHistoryEntry>(ct => watcher.WatchTeamAsync(tenant, "team-1", fifth, ct));
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
    public async Task ReadAgentHistoryAsync_SinceAnId_ReturnsOnlyLaterAlertsOfThatAgentInOrder()
    {
        var tenant = RedisServerFixture.NewTenant();
        await using var connection = new RedisConnection(redis.NewOptions());
        await using var publisher = new RedisAlertPublisher(connection);
        for (var i = 1; i <= 10; i++)
        {
            await publisher.PublishAsync(TestAlerts.Make(tenant, i, i % 2 == 0 ? AlertAudience.Agent : AlertAudience.AgentAndTeam));
            await publisher.PublishAsync(TestAlerts.Make(tenant, 100 + i, AlertAudience.Team));
        }

        var watcher = new AlertWatcher(connection);
        var all = await watcher.ReadAgentHistoryAsync(tenant, "agent-1", null, 100);

        var after4 = await watcher.ReadAgentHistoryAsync(tenant, "agent-1", all[3].StreamId, 3);

        Assert.Equal(Enumerable.Range(1, 10), all.Select(e => (int)e.Alert.Seq));
        Assert.Equal([5, 6, 7], after4.Select(e => (int)e.Alert.Seq));
        Assert.Empty(await watcher.ReadAgentHistoryAsync(tenant, "agent-1", all[^1].StreamId, 100));
        Assert.Empty(await watcher.ReadAgentHistoryAsync(tenant, "no-such-agent", null, 100));
    }

    [Fact]
    public async Task WatchAgentAsync_BadStreamId_ThrowsArgumentException()
    {
        await using var connection = new RedisConnection(redis.NewOptions());

        var error = Assert.Throws<ArgumentException>(() => new AlertWatcher(connection).WatchAgentAsync("acme", "agent-1", "yesterday"));

        Assert.Contains("stream id", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WatchAgentAsync_SinceAnId_ReplaysThenGoesLiveWithoutGapsOrDuplicates()
    {
        var tenant = RedisServerFixture.NewTenant();
        await using var connection = new RedisConnection(redis.NewOptions());
        await using var publisher = new RedisAlertPublisher(connection);
        for (var i = 1; i <= 20; i++)
        {
            publisher.TryEnqueue(TestAlerts.Make(tenant, i, AlertAudience.Agent));
        }

        Assert.True(await publisher.FlushAsync(TimeSpan.FromSeconds(15)));
        var watcher = new AlertWatcher(connection, historyPollInterval: TimeSpan.FromMilliseconds(100));
        var fifth = (await watcher.ReadAgentHistoryAsync(tenant, "agent-1", null, 5))[^1].StreamId;

        // Publishing goes on while the watch starts: alerts race the replay. Team-only and other agents' alerts interleave.
        await using var agent = new Collector<AlertHistoryEntry>(ct => watcher.WatchAgentAsync(tenant, "agent-1", fifth, ct));
        await using var whole = new Collector<AlertHistoryEntry>(ct => watcher.WatchAgentAsync(tenant, "agent-1", null, ct));
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
        Assert.All(agent.Items, e => Assert.NotEqual("", e.StreamId));
        Assert.Null(agent.Error);
        Assert.Null(whole.Error);
    }

    [Fact]
    public async Task WatchAgentAsync_AgentAlertsOnly_EachAlertOnce()
    {
        var tenant = RedisServerFixture.NewTenant();
        await using var connection = new RedisConnection(redis.NewOptions());
        await using var publisher = new RedisAlertPublisher(connection);
        var watcher = new AlertWatcher(connection);
        await using var agent = new Collector<AlertHistoryEntry>(ct => watcher.WatchAgentAsync(tenant, "agent-1", null, ct));
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
    public async Task WatchAgentAsync_SameAlertPublishedByTwoProducers_YieldsItOnce()
    {
        // Outside the dedupe window (another deployment, a replay tool) the same id can reach the channel twice.
        var tenant = RedisServerFixture.NewTenant();
        await using var connection = new RedisConnection(redis.NewOptions());
        var watcher = new AlertWatcher(connection);
        await using var agent = new Collector<AlertHistoryEntry>(ct => watcher.WatchAgentAsync(tenant, "agent-1", null, ct));
        var channel = $"abuse:{tenant}:agent:agent-1";
        await Subscriptions.WaitAsync(redis.Configuration, channel);
        await using var raw = await RawSubscriber.StartAsync(redis.Configuration, channel);
        using var admin = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        var subscriber = admin.GetSubscriber();
        var json = AlertJson.SerializeToString(TestAlerts.Make(tenant, 1, AlertAudience.Agent));

        await subscriber.PublishAsync(channel, json);
        await subscriber.PublishAsync(channel, "not json");
        await subscriber.PublishAsync(channel, json);
        await subscriber.PublishAsync(channel, AlertJson.SerializeToString(TestAlerts.Make(tenant, 2, AlertAudience.Agent)));

        await Eventually.TrueAsync(() => raw.Messages.Count >= 4 && agent.Items.Count >= 2, "the messages arrived");
        Assert.Equal([1, 2], agent.Items.Select(e => (int)e.Alert.Seq));
    }
}
