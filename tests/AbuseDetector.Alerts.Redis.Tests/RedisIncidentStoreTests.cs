using AbuseDetector.Escalation;

namespace AbuseDetector.Alerts.Redis.Tests;

public sealed class RedisIncidentStoreTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 13, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task SaveAsync_ThenGetAsync_ReturnsTheIncident()
    {
        var tenant = RedisServerFixture.NewTenant();
        await using var connection = new RedisConnection(redis.NewOptions());
        var store = new RedisIncidentStore(connection, new TestClock(Now));
        var incident = TestAlerts.Incident(tenant, "call-1", Now.AddMinutes(-10));

        Assert.True(await store.SaveAsync(incident));
        var read = await store.GetAsync(tenant, "call-1");

        Assert.NotNull(read);
        Assert.Equal(incident.Call, read.Call);
        Assert.Equal(IncidentOutcome.EndedByAgent, read.Outcome);
        Assert.Equal(2, read.Timeline.Count);
        Assert.Null(await store.GetAsync(tenant, "call-2"));
        Assert.Null(await store.GetAsync(RedisServerFixture.NewTenant(), "call-1"));
    }

    [Fact]
    public async Task ListAsync_ByTeamAgentCustomerAndTime_ReturnsMatchesNewestFirst()
    {
        var tenant = RedisServerFixture.NewTenant();
        await using var connection = new RedisConnection(redis.NewOptions());
        var store = new RedisIncidentStore(connection, new TestClock(Now));
        await store.SaveAsync(TestAlerts.Incident(tenant, "c1", Now.AddHours(-5), team: "red", agent: "ann", customer: "x"));
        await store.SaveAsync(TestAlerts.Incident(tenant, "c2", Now.AddHours(-4), team: "red", agent: "bob", customer: "y"));
        await store.SaveAsync(TestAlerts.Incident(tenant, "c3", Now.AddHours(-3), team: "blue", agent: "cat", customer: "x"));
        await store.SaveAsync(TestAlerts.Incident(tenant, "c4", Now.AddHours(-2), team: "red", agent: "ann", customer: "x"));
        await store.SaveAsync(TestAlerts.Incident(tenant, "c4", Now.AddHours(-2), team: "red", agent: "ann", customer: "x", outcome: IncidentOutcome.Transferred));

        static IEnumerable<string> Calls(IReadOnlyList<Incident> list) => list.Select(i => i.Call.CallId);
        Assert.Equal(["c4", "c3", "c2", "c1"], Calls(await store.ListAsync(tenant)));
        Assert.Equal(["c4", "c3"], Calls(await store.ListAsync(tenant, limit: 2)));
        Assert.Equal(["c4", "c2", "c1"], Calls(await store.ListAsync(tenant, new IncidentFilter(TeamId: "red"))));
        Assert.Equal(["c4", "c1"], Calls(await store.ListAsync(tenant, new IncidentFilter(AgentId: "ann"))));
        Assert.Equal(["c4", "c3", "c1"], Calls(await store.ListAsync(tenant, new IncidentFilter(CustomerId: "x"))));
        Assert.Equal(["c4", "c1"], Calls(await store.ListAsync(tenant, new IncidentFilter(TeamId: "red", CustomerId: "x"))));
        Assert.Equal(["c3", "c2"], Calls(await store.ListAsync(tenant, new IncidentFilter(From: Now.AddHours(-4), To: Now.AddHours(-3)))));
        Assert.Equal(IncidentOutcome.Transferred, (await store.ListAsync(tenant, limit: 1))[0].Outcome);
        Assert.Empty(await store.ListAsync(RedisServerFixture.NewTenant()));
    }

    [Fact]
    public async Task ListAsync_AfterRetention_SkipsAndCleansExpiredIncidents()
    {
        var tenant = RedisServerFixture.NewTenant();
        await using var connection = new RedisConnection(redis.NewOptions(o => o.IncidentRetention = TimeSpan.FromSeconds(1)));
        var store = new RedisIncidentStore(connection);
        var started = TimeProvider.System.GetUtcNow();
        await store.SaveAsync(TestAlerts.Incident(tenant, "old", started, customer: "x"));
        Assert.Single(await store.ListAsync(tenant));

        await Eventually.TrueAsync(async () => await store.GetAsync(tenant, "old") is null, "the incident expired");

        Assert.Empty(await store.ListAsync(tenant, new IncidentFilter(CustomerId: "x")));
        Assert.Empty(await store.ListAsync(tenant));
        Assert.Equal(0, (await store.GetCustomerHistoryAsync(tenant, "x", TimeSpan.FromDays(1))).IncidentCount);
        Assert.False(await store.SaveAsync(TestAlerts.Incident(tenant, "older", started.AddSeconds(-5))));
    }

    [Fact]
    public async Task ListAsync_IndexEntryWithoutIncident_IsRemovedFromTheIndex()
    {
        var tenant = RedisServerFixture.NewTenant();
        await using var connection = new RedisConnection(redis.NewOptions());
        var store = new RedisIncidentStore(connection, new TestClock(Now));
        await store.SaveAsync(TestAlerts.Incident(tenant, "c1", Now.AddHours(-2)));
        await store.SaveAsync(TestAlerts.Incident(tenant, "c2", Now.AddHours(-1)));
        using var admin = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        await admin.GetDatabase().KeyDeleteAsync($"abuse:{tenant}:incident:c2");

        var list = await store.ListAsync(tenant, limit: 5);

        Assert.Equal(["c1"], list.Select(i => i.Call.CallId));
        Assert.Equal(1, await admin.GetDatabase().SortedSetLengthAsync($"abuse:{tenant}:incidents"));
    }

    [Fact]
    public async Task GetCustomerHistoryAsync_RepeatCaller_CountsWindowAndDescribesTheNewest()
    {
        var tenant = RedisServerFixture.NewTenant();
        await using var connection = new RedisConnection(redis.NewOptions());
        var store = new RedisIncidentStore(connection, new TestClock(Now));
        await store.SaveAsync(TestAlerts.Incident(tenant, "c1", Now.AddDays(-40), customer: "x"));
        await store.SaveAsync(TestAlerts.Incident(tenant, "c2", Now.AddDays(-10), customer: "x", outcome: IncidentOutcome.EndedByAgent));
        await store.SaveAsync(TestAlerts.Incident(tenant, "c3", Now.AddDays(-2), customer: "x", outcome: IncidentOutcome.CallerHungUp, level: EscalationLevel.FinalWarning));
        await store.SaveAsync(TestAlerts.Incident(tenant, "c4", Now.AddDays(-1), customer: "y"));

        var history = await store.GetCustomerHistoryAsync(tenant, "x", TimeSpan.FromDays(30));

        Assert.Equal(new CustomerHistory(2, IncidentOutcome.CallerHungUp, EscalationLevel.FinalWarning, Now.AddDays(-2)), history);
        Assert.Equal(3, (await store.GetCustomerHistoryAsync(tenant, "x", TimeSpan.FromDays(60))).IncidentCount);
        Assert.Equal(new CustomerHistory(0, null, null, null), await store.GetCustomerHistoryAsync(tenant, "z", TimeSpan.FromDays(30)));
    }

    [Fact]
    public async Task RecordCallOutcomeAsync_CalmCall_ResetsTheStreakButNotTheWindowCount()
    {
        var tenant = RedisServerFixture.NewTenant();
        await using var connection = new RedisConnection(redis.NewOptions());
        var store = new RedisIncidentStore(connection, new TestClock(Now));
        var shift = TimeSpan.FromHours(8);

        Assert.Equal(new AgentWellbeing(1, 1), await store.RecordCallOutcomeAsync(tenant, "ann", true, Now, shift));
        Assert.Equal(new AgentWellbeing(2, 2), await store.RecordCallOutcomeAsync(tenant, "ann", true, Now.AddMinutes(5), shift));
        Assert.Equal(new AgentWellbeing(3, 3), await store.RecordCallOutcomeAsync(tenant, "ann", true, Now.AddMinutes(10), shift));
        Assert.Equal(new AgentWellbeing(3, 0), await store.RecordCallOutcomeAsync(tenant, "ann", false, Now.AddMinutes(15), shift));
        Assert.Equal(new AgentWellbeing(4, 1), await store.RecordCallOutcomeAsync(tenant, "ann", true, Now.AddMinutes(20), shift));
        Assert.Equal(new AgentWellbeing(1, 1), await store.RecordCallOutcomeAsync(tenant, "bob", true, Now, shift));

        // Nine hours on, the morning's calls have left the shift window.
        Assert.Equal(new AgentWellbeing(1, 2), await store.RecordCallOutcomeAsync(tenant, "ann", true, Now.AddHours(9), shift));
    }
}

/// <summary>A clock that stands still at a given time.</summary>
internal sealed class TestClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
