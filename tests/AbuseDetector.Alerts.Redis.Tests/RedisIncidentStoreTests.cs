using AbuseDetector.Escalation;
using AbuseDetector.Monitoring;
using StackExchange.Redis;

namespace AbuseDetector.Alerts.Redis.Tests;

public sealed class RedisIncidentStoreTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 13, 0, 0, TimeSpan.Zero);

    /// <summary>The shift window of the wellbeing tests.</summary>
    private static readonly TimeSpan Shift = TimeSpan.FromHours(8);

    [Fact]
    public async Task SaveAsync_ThenGetAsync_ReturnsTheIncident()
    {
        var tenant = RedisServerFixture.NewTenant();
        await using var stack = await RedisStack.ConnectAsync(redis.NewOptions(), time: new TestClock(Now));
        var store = stack.Store();
        var incident = TestAlerts.Incident(tenant, "call-1", Now.AddMinutes(-10));

        Assert.True(await store.SaveAsync(incident));
        var read = await store.GetAsync(tenant, "call-1");

        Assert.NotNull(read);
        Assert.Equal(incident.Call, read.Call);
        Assert.Equal(IncidentOutcome.EndedByAgent, read.Outcome);
        Assert.Equal(2, read.Timeline.Count);
        Assert.Null(await store.GetAsync(tenant, "call-2"));
        Assert.Null(await store.GetAsync(RedisServerFixture.NewTenant(), "call-1"));
        Assert.True(await stack.Redis.GetDatabase().KeyExistsAsync($"{TestAlerts.Tag(tenant)}:incident:call-1"));
    }

    [Fact]
    public async Task ListAsync_ByTeamAgentCustomerAndTime_ReturnsMatchesNewestFirst()
    {
        var tenant = RedisServerFixture.NewTenant();
        await using var stack = await RedisStack.ConnectAsync(redis.NewOptions(), time: new TestClock(Now));
        var store = stack.Store();
        await store.SaveAsync(TestAlerts.Incident(tenant, "c1", Now.AddHours(-5), team: "red", agent: "ann", customer: "x"));
        await store.SaveAsync(TestAlerts.Incident(tenant, "c2", Now.AddHours(-4), team: "red", agent: "bob", customer: "y"));
        await store.SaveAsync(TestAlerts.Incident(tenant, "c3", Now.AddHours(-3), team: "blue", agent: "cat", customer: "x"));
        await store.SaveAsync(TestAlerts.Incident(tenant, "c4", Now.AddHours(-2), team: "red", agent: "ann", customer: "x"));
        await store.SaveAsync(TestAlerts.Incident(tenant, "c4", Now.AddHours(-2), team: "red", agent: "ann", customer: "x", outcome: IncidentOutcome.Transferred));

        static IEnumerable<string> Calls(IReadOnlyList<Incident> list) => list.Select(i => i.Call.CallId);
        Assert.Equal(["c4", "c3", "c2", "c1"], Calls(await store.ListAsync(tenant, new IncidentFilter(), 100)));
        Assert.Equal(["c4", "c3"], Calls(await store.ListAsync(tenant, new IncidentFilter(), 2)));
        Assert.Equal(["c4", "c2", "c1"], Calls(await store.ListAsync(tenant, new IncidentFilter(TeamId: "red"), 100)));
        Assert.Equal(["c4", "c1"], Calls(await store.ListAsync(tenant, new IncidentFilter(AgentId: "ann"), 100)));
        Assert.Equal(["c4", "c3", "c1"], Calls(await store.ListAsync(tenant, new IncidentFilter(CustomerId: "x"), 100)));
        Assert.Equal(["c4", "c1"], Calls(await store.ListAsync(tenant, new IncidentFilter(TeamId: "red", CustomerId: "x"), 100)));
        Assert.Equal(["c4"], Calls(await store.ListAsync(tenant, new IncidentFilter(TeamId: "red", CustomerId: "x"), 1)));
        Assert.Equal(["c3", "c2"], Calls(await store.ListAsync(tenant, new IncidentFilter(From: Now.AddHours(-4), To: Now.AddHours(-3)), 100)));
        Assert.Equal(IncidentOutcome.Transferred, (await store.ListAsync(tenant, new IncidentFilter(), 1))[0].Outcome);
        Assert.Empty(await store.ListAsync(RedisServerFixture.NewTenant(), new IncidentFilter(), 100));
    }

    [Fact]
    public async Task ListAsync_MoreThanAPageBehindAFilter_ReadsOnToFillTheLimit()
    {
        // 30 calls of another agent on the team are newer than the 3 of ann: the team index is paged through.
        var tenant = RedisServerFixture.NewTenant();
        await using var stack = await RedisStack.ConnectAsync(redis.NewOptions(), time: new TestClock(Now));
        var store = stack.Store();
        for (var i = 0; i < 3; i++)
        {
            await store.SaveAsync(TestAlerts.Incident(tenant, $"ann-{i}", Now.AddHours(-10 + i), agent: "ann"));
        }

        for (var i = 0; i < 30; i++)
        {
            await store.SaveAsync(TestAlerts.Incident(tenant, $"bob-{i}", Now.AddHours(-5).AddMinutes(i), agent: "bob"));
        }

        var list = await store.ListAsync(tenant, new IncidentFilter(TeamId: "team-1", AgentId: "ann"), 2);

        Assert.Equal(["ann-2", "ann-1"], list.Select(i => i.Call.CallId));
    }

    [Fact]
    public async Task ListAsync_AfterRetention_SkipsAndCleansExpiredIncidents()
    {
        var tenant = RedisServerFixture.NewTenant();
        await using var stack = await RedisStack.ConnectAsync(redis.NewOptions(o => o.IncidentRetention = TimeSpan.FromSeconds(1)));
        var store = stack.Store();
        var started = TimeProvider.System.GetUtcNow();
        await store.SaveAsync(TestAlerts.Incident(tenant, "old", started, customer: "x"));
        Assert.Single(await store.ListAsync(tenant, new IncidentFilter(), 100));

        await Eventually.TrueAsync(async () => await store.GetAsync(tenant, "old") is null, "the incident expired");

        Assert.Empty(await store.ListAsync(tenant, new IncidentFilter(CustomerId: "x"), 100));
        Assert.Empty(await store.ListAsync(tenant, new IncidentFilter(), 100));
        Assert.Equal(0, (await store.GetCustomerHistoryAsync(tenant, "x", TimeSpan.FromDays(1))).IncidentCount);
        Assert.False(await store.SaveAsync(TestAlerts.Incident(tenant, "older", started.AddSeconds(-5))));
    }

    [Fact]
    public async Task ListAsync_IndexEntryWithoutIncident_IsRemovedFromTheIndex()
    {
        var tenant = RedisServerFixture.NewTenant();
        await using var stack = await RedisStack.ConnectAsync(redis.NewOptions(), time: new TestClock(Now));
        var store = stack.Store();
        await store.SaveAsync(TestAlerts.Incident(tenant, "c1", Now.AddHours(-2)));
        await store.SaveAsync(TestAlerts.Incident(tenant, "c2", Now.AddHours(-1)));
        var database = stack.Redis.GetDatabase();
        await database.KeyDeleteAsync($"{TestAlerts.Tag(tenant)}:incident:c2");

        var list = await store.ListAsync(tenant, new IncidentFilter(), 5);

        Assert.Equal(["c1"], list.Select(i => i.Call.CallId));
        Assert.Equal(1, await database.SortedSetLengthAsync($"{TestAlerts.Tag(tenant)}:incidents"));
    }

    [Fact]
    public async Task GetCustomerHistoryAsync_RepeatCaller_CountsWindowAndDescribesTheNewest()
    {
        var tenant = RedisServerFixture.NewTenant();
        await using var stack = await RedisStack.ConnectAsync(redis.NewOptions(), time: new TestClock(Now));
        var store = stack.Store();
        await store.SaveAsync(TestAlerts.Incident(tenant, "c1", Now.AddDays(-40), customer: "x"));
        await store.SaveAsync(TestAlerts.Incident(tenant, "c2", Now.AddDays(-10), customer: "x", outcome: IncidentOutcome.EndedByAgent));
        await store.SaveAsync(TestAlerts.Incident(tenant, "c3", Now.AddDays(-2), customer: "x", outcome: IncidentOutcome.CallerHungUp, level: EscalationLevel.FinalWarning));
        await store.SaveAsync(TestAlerts.Incident(tenant, "c4", Now.AddDays(-1), customer: "y"));
        await stack.Redis.GetDatabase().KeyDeleteAsync($"{TestAlerts.Tag(tenant)}:incident:c2");
        await store.SaveAsync(TestAlerts.Incident(tenant, "c5", Now.AddDays(-3), customer: "x"));

        var history = await store.GetCustomerHistoryAsync(tenant, "x", TimeSpan.FromDays(30));

        Assert.Equal(new CustomerHistory(2, IncidentOutcome.CallerHungUp, EscalationLevel.FinalWarning, Now.AddDays(-2)), history);
        Assert.Equal(3, (await store.GetCustomerHistoryAsync(tenant, "x", TimeSpan.FromDays(60))).IncidentCount);
        Assert.Equal(CustomerHistory.None, await store.GetCustomerHistoryAsync(tenant, "z", TimeSpan.FromDays(30)));
    }

    [Fact]
    public async Task Reads_AnIncidentThatIsNotIncidentJson_SkippedAndLoggedTheOthersRead()
    {
        // Arrange: one incident as a later version might write it (a kind this one does not know).
        var tenant = RedisServerFixture.NewTenant();
        await using var stack = await RedisStack.ConnectAsync(redis.NewOptions(), time: new TestClock(Now));
        var store = stack.Store();
        await store.SaveAsync(TestAlerts.Incident(tenant, "c1", Now.AddDays(-2), customer: "x"));
        await store.SaveAsync(TestAlerts.Incident(tenant, "c2", Now.AddDays(-1), customer: "x"));
        var key = $"{TestAlerts.Tag(tenant)}:incident:c2";
        var json = (string)(await stack.Redis.GetDatabase().StringGetAsync(key))!;
        await stack.Redis.GetDatabase().StringSetAsync(key, json.Replace("\"ended_by_agent\"", "\"ended_by_the_moon\"", StringComparison.Ordinal), expiry: null, keepTtl: true);

        // Act
        var listed = await store.ListAsync(tenant, new IncidentFilter(), 10);
        var history = await store.GetCustomerHistoryAsync(tenant, "x", TimeSpan.FromDays(30));
        var fetched = await store.GetAsync(tenant, "c2");

        // Assert
        Assert.Equal(["c1"], listed.Select(i => i.Call.CallId));
        Assert.Equal(1, history.IncidentCount);
        Assert.Null(fetched);
        Assert.Equal(3, stack.Logs.Messages("IncidentMalformed").Count);
    }

    [Fact]
    public async Task RecordCallOutcomeAsync_CalmCall_ResetsTheStreakButNotTheWindowCount()
    {
        var tenant = RedisServerFixture.NewTenant();
        await using var stack = await RedisStack.ConnectAsync(redis.NewOptions(), time: new TestClock(Now));
        var store = stack.Store();

        Assert.Equal(new AgentWellbeing(1, 1), await store.RecordCallOutcomeAsync(tenant, "red", "ann", true, Now, Shift));
        Assert.Equal(new AgentWellbeing(2, 2), await store.RecordCallOutcomeAsync(tenant, "red", "ann", true, Now.AddMinutes(5), Shift));
        Assert.Equal(new AgentWellbeing(3, 3), await store.RecordCallOutcomeAsync(tenant, "red", "ann", true, Now.AddMinutes(10), Shift));
        Assert.Equal(new AgentWellbeing(3, 0), await store.RecordCallOutcomeAsync(tenant, "red", "ann", false, Now.AddMinutes(15), Shift));
        Assert.Equal(new AgentWellbeing(4, 1), await store.RecordCallOutcomeAsync(tenant, "red", "ann", true, Now.AddMinutes(20), Shift));
        Assert.Equal(new AgentWellbeing(1, 1), await store.RecordCallOutcomeAsync(tenant, "red", "bob", true, Now, Shift));

        // Nine hours on, the morning's calls have left the shift window.
        Assert.Equal(new AgentWellbeing(1, 2), await store.RecordCallOutcomeAsync(tenant, "red", "ann", true, Now.AddHours(9), Shift));
    }

    [Fact]
    public async Task RecordCallOutcomeAsync_WithAndWithoutTeam_OnlyTheTeamsCallListsTheAgentAtItsLatestCall()
    {
        // Arrange
        var tenant = RedisServerFixture.NewTenant();
        await using var stack = await RedisStack.ConnectAsync(redis.NewOptions(), time: new TestClock(Now));
        var store = stack.Store();
        var database = stack.Redis.GetDatabase();
        var teamKey = $"{TestAlerts.Tag(tenant)}:team:red:wellbeing";

        // Act: ann's calls on team red, the second counted late (after a later one); bob's call has no team.
        await store.RecordCallOutcomeAsync(tenant, "red", "ann", true, Now.AddMinutes(10), Shift);
        await store.RecordCallOutcomeAsync(tenant, "red", "ann", false, Now, Shift);
        var bob = await store.RecordCallOutcomeAsync(tenant, "", "bob", true, Now, Shift);

        // Assert
        var teamKeys = await stack.Redis.GetServer(stack.Redis.GetEndPoints()[0]).KeysAsync(pattern: $"{TestAlerts.Tag(tenant)}:team:*:wellbeing").ToListAsync();
        Assert.Equal([teamKey], teamKeys.Select(k => (string)k!));
        var members = await database.SortedSetRangeByRankWithScoresAsync(teamKey);
        Assert.Equal([("ann", (double)Now.AddMinutes(10).ToUnixTimeMilliseconds())], members.Select(m => ((string)m.Element!, m.Score)));
        Assert.InRange((await database.KeyTimeToLiveAsync(teamKey))!.Value, Shift - TimeSpan.FromMinutes(1), Shift);
        Assert.Equal(new AgentWellbeing(1, 1), bob);
    }

    [Fact]
    public async Task GetTeamWellbeingAsync_AgentsOfTwoTeams_ListsTheTeamsAgentsWithWindowCountsAndStreaks()
    {
        // Arrange
        var tenant = RedisServerFixture.NewTenant();
        await using var stack = await RedisStack.ConnectAsync(redis.NewOptions(), time: new TestClock(Now));
        var store = stack.Store();
        (string Team, string Agent, bool Abusive, DateTimeOffset At)[] calls =
        [
            ("red", "ann", true, Now.AddHours(-10)),
            ("red", "ann", true, Now.AddHours(-7)),
            ("red", "ann", true, Now.AddHours(-3)),
            ("red", "ann", false, Now.AddHours(-2)),
            ("red", "ann", true, Now.AddHours(-1)),
            ("red", "ann", true, Now.AddMinutes(-30)),
            ("red", "bob", true, Now.AddMinutes(-20)),
            ("red", "dan", false, Now.AddMinutes(-15)),
            ("red", "dan", true, Now.AddMinutes(-10)),
            ("blue", "cat", true, Now.AddHours(-1)),
            ("blue", "cat", true, Now.AddMinutes(-40)),
            ("blue", "cat", true, Now.AddMinutes(-5)),
        ];
        foreach (var (team, agent, abusive, at) in calls)
        {
            await store.RecordCallOutcomeAsync(tenant, team, agent, abusive, at, Shift);
        }

        // Act
        var red = await store.GetTeamWellbeingAsync(tenant, "red", Now, Shift);
        var blue = await store.GetTeamWellbeingAsync(tenant, "blue", Now, Shift);

        // Assert: ann's call ten hours ago is out of the window; bob and dan tie on one and go by id.
        Assert.Equal(
            [
                new AgentShiftWellbeing("ann", 4, 2, Now.AddMinutes(-30)),
                new AgentShiftWellbeing("bob", 1, 1, Now.AddMinutes(-20)),
                new AgentShiftWellbeing("dan", 1, 1, Now.AddMinutes(-10)),
            ],
            red);
        Assert.Equal([new AgentShiftWellbeing("cat", 3, 3, Now.AddMinutes(-5))], blue);
        Assert.Empty(await store.GetTeamWellbeingAsync(tenant, "green", Now, Shift));
        Assert.Empty(await store.GetTeamWellbeingAsync(RedisServerFixture.NewTenant(), "red", Now, Shift));
    }

    [Fact]
    public async Task GetTeamWellbeingAsync_AgentsLastCallOlderThanTheWindow_NotListed()
    {
        // Arrange: ann's last call ended nine hours before now, bob's one hour before.
        var tenant = RedisServerFixture.NewTenant();
        await using var stack = await RedisStack.ConnectAsync(redis.NewOptions(), time: new TestClock(Now));
        var store = stack.Store();
        await store.RecordCallOutcomeAsync(tenant, "red", "ann", true, Now.AddHours(-9), Shift);
        await store.RecordCallOutcomeAsync(tenant, "red", "bob", true, Now.AddHours(-1), Shift);

        // Act
        var now = await store.GetTeamWellbeingAsync(tenant, "red", Now, Shift);
        var twoHoursEarlier = await store.GetTeamWellbeingAsync(tenant, "red", Now.AddHours(-2), Shift);

        // Assert
        Assert.Equal([new AgentShiftWellbeing("bob", 1, 1, Now.AddHours(-1))], now);
        Assert.Equal([new AgentShiftWellbeing("ann", 1, 1, Now.AddHours(-9))], twoHoursEarlier);
    }

    [Fact]
    public async Task GetTeamWellbeingAsync_MoreAgentsThanTheBound_ListsTheLatestCallers()
    {
        // Arrange: one agent more than the bound, each a second after the last, so agent-0 is the one left out.
        var tenant = RedisServerFixture.NewTenant();
        await using var stack = await RedisStack.ConnectAsync(redis.NewOptions(), time: new TestClock(Now));
        var store = stack.Store();
        var agents = RedisIncidentStore.MaxTeamAgents + 1;
        await Task.WhenAll(Enumerable.Range(0, agents).Select(i =>
            store.RecordCallOutcomeAsync(tenant, "red", $"agent-{i}", i % 2 == 0, Now.AddSeconds(i - agents), Shift)));

        // Act
        var team = await store.GetTeamWellbeingAsync(tenant, "red", Now, Shift);

        // Assert
        Assert.Equal(RedisIncidentStore.MaxTeamAgents, team.Count);
        Assert.DoesNotContain(team, a => a.AgentId == "agent-0");
        Assert.Equal(RedisIncidentStore.MaxTeamAgents / 2, team.Count(a => a.AbusiveCallsInWindow == 1 && a.AbusiveCallsInARow == 1));
        Assert.Equal(team.OrderByDescending(a => a.AbusiveCallsInWindow).ThenBy(a => a.AgentId, StringComparer.Ordinal), team);
        Assert.Equal(Now.AddSeconds(-1), team.Single(a => a.AgentId == $"agent-{agents - 1}").LastCallAt);
    }

    [Fact]
    public async Task GetTeamWellbeingAsync_EmptyTeam_ThrowsArgumentException()
    {
        await using var stack = await RedisStack.ConnectAsync(redis.NewOptions(), time: new TestClock(Now));
        var store = stack.Store();

        await Assert.ThrowsAsync<ArgumentException>(() => store.GetTeamWellbeingAsync("acme", "", Now, Shift));
    }

    [Fact]
    public async Task Keep_Incident_SavedInTheBackground()
    {
        var tenant = RedisServerFixture.NewTenant();
        await using var stack = await RedisStack.ConnectAsync(redis.NewOptions());
        var store = stack.Store();

        store.Keep(TestAlerts.Incident(tenant, "call-1", TimeProvider.System.GetUtcNow().AddMinutes(-5)));

        Assert.True(await store.FlushAsync(TimeSpan.FromSeconds(15)));
        Assert.Equal(0, store.Waiting);
        Assert.NotNull(await store.GetAsync(tenant, "call-1"));
    }

    [Fact]
    public async Task Keep_RedisDown_WaitsAndTheLaterSaveOfACallReplacesTheEarlier()
    {
        // Arrange
        await using var server = await RedisServerProcess.StartNewAsync();
        await server.StopAsync();
        await using var stack = await RedisStack.ConnectAsync(RedisTestOptions.For(server), waitUntilConnected: false);
        var store = stack.Store();
        var started = TimeProvider.System.GetUtcNow().AddMinutes(-5);

        // Act: call-0 goes first, so whether the writer has taken it (and retries it) or not, call-1's two saves both queue
        // behind it; the second replaces the first.
        store.Keep(TestAlerts.Incident("acme", "call-0", started));
        store.Keep(TestAlerts.Incident("acme", "call-1", started, outcome: IncidentOutcome.Ongoing));
        store.Keep(TestAlerts.Incident("acme", "call-2", started));
        store.Keep(TestAlerts.Incident("acme", "call-1", started, outcome: IncidentOutcome.CallerHungUp));
        await Task.Delay(300);
        var waitingDuringOutage = store.Waiting;
        await server.StartAsync();

        // Assert
        Assert.Equal(3, waitingDuringOutage);
        Assert.True(await store.FlushAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(IncidentOutcome.CallerHungUp, (await store.GetAsync("acme", "call-1"))!.Outcome);
        Assert.NotNull(await store.GetAsync("acme", "call-0"));
        Assert.NotNull(await store.GetAsync("acme", "call-2"));
    }

    [Fact]
    public async Task Keep_RedisRefusesOneIncidentForGood_LogsItAndSavesTheNext()
    {
        var tenant = RedisServerFixture.NewTenant();
        await using var stack = await RedisStack.ConnectAsync(redis.NewOptions());
        var store = stack.Store();
        await stack.Redis.GetDatabase().StringSetAsync($"{TestAlerts.Tag(tenant)}:incidents:team:broken", "not a sorted set");
        var started = TimeProvider.System.GetUtcNow().AddMinutes(-5);

        store.Keep(TestAlerts.Incident(tenant, "call-1", started, team: "broken"));
        store.Keep(TestAlerts.Incident(tenant, "call-2", started));

        Assert.True(await store.FlushAsync(TimeSpan.FromSeconds(15)));
        Assert.NotNull(await store.GetAsync(tenant, "call-2"));
        Assert.Single(stack.Logs.Messages("IncidentNotSaved"));
    }

    [Fact]
    public async Task Keep_MoreCallsThanTheQueueHolds_DropsTheOldestAndSaysSo()
    {
        await using var server = await RedisServerProcess.StartNewAsync();
        await server.StopAsync();
        await using var stack = await RedisStack.ConnectAsync(RedisTestOptions.For(server, o => o.ShutdownFlushTimeout = TimeSpan.Zero), waitUntilConnected: false);
        var store = stack.Store();
        var started = TimeProvider.System.GetUtcNow();

        for (var i = 0; i <= RedisIncidentStore.QueueCapacity + 1; i++)
        {
            store.Keep(TestAlerts.Incident("acme", $"call-{i}", started));
        }

        // The queue is full; one more is being saved when the save loop took it before the queue filled.
        await Eventually.TrueAsync(() => store.Waiting >= RedisIncidentStore.QueueCapacity, "the queue is full");
        await Task.Delay(200);
        var waiting = store.Waiting;
        Assert.InRange(waiting, RedisIncidentStore.QueueCapacity, RedisIncidentStore.QueueCapacity + 1);
        Assert.NotEmpty(stack.Logs.Messages("IncidentDropped"));
        await store.DisposeAsync();
        Assert.Contains($"Shutting down with {waiting} incidents not saved", Assert.Single(stack.Logs.Messages("IncidentsLeftAtShutdown")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reads_RedisDown_ThrowIncidentStoreUnavailableWrappingTheRedisError()
    {
        await using var server = await RedisServerProcess.StartNewAsync();
        await server.StopAsync();
        await using var stack = await RedisStack.ConnectAsync(RedisTestOptions.For(server), waitUntilConnected: false);
        var store = stack.Store();

        var get = await Assert.ThrowsAsync<IncidentStoreUnavailableException>(() => store.GetAsync("acme", "call-1"));
        var list = await Assert.ThrowsAsync<IncidentStoreUnavailableException>(() => store.ListAsync("acme", new IncidentFilter(), 10));
        var history = await Assert.ThrowsAsync<IncidentStoreUnavailableException>(() => store.GetCustomerHistoryAsync("acme", "x", TimeSpan.FromDays(1)));
        var wellbeing = await Assert.ThrowsAsync<IncidentStoreUnavailableException>(() => store.RecordCallOutcomeAsync("acme", "red", "ann", true, Now, Shift));
        var team = await Assert.ThrowsAsync<IncidentStoreUnavailableException>(() => store.GetTeamWellbeingAsync("acme", "red", Now, Shift));

        Assert.All([get, list, history, wellbeing, team], e => Assert.IsType<RedisConnectionException>(e.InnerException));
        Assert.DoesNotContain("acme", get.Message, StringComparison.Ordinal);
    }
}
