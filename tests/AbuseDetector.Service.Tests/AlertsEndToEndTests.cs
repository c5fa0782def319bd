using System.Collections.Concurrent;
using AbuseDetector.Alerts.Redis;
using AbuseDetector.Contracts.V1;
using AbuseDetector.Monitoring;
using Grpc.Core;
using StackExchange.Redis;
using EngineAlert = AbuseDetector.Escalation.Alert;
using EngineKind = AbuseDetector.Escalation.AlertKind;

namespace AbuseDetector.Service.Tests;

/// <summary>A real redis-server, the real service publishing to it, our gRPC client, and an independent Redis subscriber.</summary>
public sealed class AlertsEndToEndFixture : RedisServiceFixture
{
    private ConnectionMultiplexer? _subscriberConnection;

    public Contracts.V1.AbuseDetector.AbuseDetectorClient Client { get; private set; } = null!;

    /// <summary>A subscriber of our own, on its own connection, that drops alert ids it has seen.</summary>
    public RedisAlertFeed Subscriber { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Client = NewClient();
        var options = RedisTestOptions.For(Redis);
        _subscriberConnection = await RedisConnector.ConnectAsync(options);
        Subscriber = new RedisAlertFeed(_subscriberConnection, options, historyPollInterval: TimeSpan.FromMilliseconds(200));
    }

    public override async Task DisposeAsync()
    {
        if (_subscriberConnection is not null)
        {
            await _subscriberConnection.DisposeAsync();
        }

        await base.DisposeAsync();
    }
}

/// <summary>Sample calls end to end: chunks in over gRPC, alerts out on Redis channels and history, incidents kept, tenants apart.</summary>
public sealed class AlertsEndToEndTests(AlertsEndToEndFixture fixture) : IClassFixture<AlertsEndToEndFixture>
{
    public static TheoryData<string, string[], string[]> Samples => new()
    {
        { "calm", [], [] },
        { "venting", [], [] },
        { "persistent-swearing", ["level_changed:notice", "level_changed:warning", "level_changed:final_warning", "level_changed:end_call_permitted"], ["level_changed:final_warning", "supervisor_needed:final_warning", "level_changed:end_call_permitted", "supervisor_needed:end_call_permitted", "call_ended:end_call_permitted"] },
        { "shouting", ["level_changed:notice", "level_changed:warning", "level_changed:final_warning"], ["level_changed:final_warning", "supervisor_needed:final_warning", "call_ended:final_warning"] },
        { "threat", ["threat:none", "level_changed:end_call_permitted"], ["threat:none", "level_changed:end_call_permitted", "call_ended:end_call_permitted"] },
        { "calms-down", ["level_changed:notice", "level_changed:warning", "level_changed:notice", "level_changed:none"], ["call_ended:none"] },
        { "agent-misconduct", [], ["coaching:none"] },
    };

    [Theory]
    [MemberData(nameof(Samples))]
    public async Task Sample_ReplayedThroughTheService_AgentAndTeamSeeTheExpectedAlertsInOrder(string sample, string[] agentAlerts, string[] teamAlerts)
    {
        // Arrange
        var tenant = RedisServerFixture.NewTenant();
        await using var agentWatch = new Collector<EngineAlert>(ct => Entries(fixture.Subscriber.ReadAsync(AlertScope.Agent(tenant, "agent-7"), null, ct)));
        await using var teamWatch = new Collector<EngineAlert>(ct => Entries(fixture.Subscriber.ReadAsync(AlertScope.Team(tenant, "team-1"), null, ct)));
        var (agent, team) = (agentWatch.Items, teamWatch.Items);
        await Subscriptions.WaitAsync(fixture.Redis.Configuration, AgentChannel(tenant), TeamChannel(tenant)); // the subscriptions are in place before the call starts

        // Act
        var updates = await SampleCalls.ReplayAsync(fixture.Client, sample, tenant);

        // Assert: what reached Redis, in order, each alert once.
        await Eventually.TrueAsync(() => agent.Count >= agentAlerts.Length && team.Count >= teamAlerts.Length, $"{sample}'s alerts reached Redis", TimeSpan.FromSeconds(20));
        await Task.Delay(500); // nothing more arrives
        Assert.Equal(agentAlerts, agent.Select(Describe));
        Assert.Equal(teamAlerts, team.Select(Describe));
        Assert.All(agent.Concat(team), a => Assert.Equal(tenant, a.Call.TenantId));
        Assert.Equal(agent.Count, agent.Select(a => a.AlertId).Distinct().Count());

        // The call's own stream carried the same agent alerts, and never the coaching alert about the agent.
        var streamed = updates.Where(u => u.UpdateCase == CallUpdate.UpdateOneofCase.Alert).Select(u => u.Alert).ToList();
        Assert.DoesNotContain(streamed, a => a.Kind == AlertKind.Coaching);
        Assert.Subset(streamed.Select(a => a.AlertId).ToHashSet(), agent.Select(a => a.AlertId).ToHashSet());
        Assert.Null(agentWatch.Error);
        Assert.Null(teamWatch.Error);
    }

    [Fact]
    public async Task PersistentSwearing_IncidentKeptAndTheNextCallIsARepeatCaller()
    {
        // Arrange
        var tenant = RedisServerFixture.NewTenant();
        var callId = "incident-" + Guid.NewGuid().ToString("N");

        // Act
        await SampleCalls.ReplayAsync(fixture.Client, "persistent-swearing", tenant, callId, customerId: "cust-42");
        Incident? incident = null;
        await Eventually.TrueAsync(
            async () =>
            {
                var listed = await fixture.Client.ListIncidentsAsync(new ListIncidentsRequest { TenantId = tenant, TeamId = "team-1" });
                incident = listed.Incidents.SingleOrDefault(i => i.Outcome != IncidentOutcome.Ongoing);
                return incident is not null;
            },
            "the finished incident was saved");
        var fetched = await fixture.Client.GetIncidentAsync(new GetIncidentRequest { TenantId = tenant, CallId = callId });
        var next = await SampleCalls.ReplayAsync(fixture.Client, "calm", tenant, customerId: "cust-42");

        // Assert: the manager's notes.
        Assert.Equal(callId, fetched.CallId);
        Assert.Equal("agent-7", fetched.AgentId);
        Assert.Equal("cust-42", fetched.CustomerId);
        Assert.Equal(EscalationLevel.EndCallPermitted, fetched.HighestLevel);
        Assert.Equal(IncidentOutcome.EndedByAgent, fetched.Outcome);
        Assert.True(fetched.SupervisorAlerted);
        Assert.False(fetched.ThreatRaised);
        Assert.Equal(4, fetched.Timeline.Count(u => u.Speaker == Speaker.Customer));
        Assert.Contains(fetched.Timeline, u => u.Excerpt.Contains("useless", StringComparison.Ordinal));
        Assert.Contains(fetched.Warnings, w => w.GivenByAgent);
        Assert.Contains(fetched.Warnings, w => !w.GivenByAgent && w.Script.Contains("no option but to end the call", StringComparison.Ordinal));
        Assert.True(fetched.DurationMs > 0);

        // The same caller again: the agent is told before anything is said.
        var first = next[0];
        Assert.Equal(CallUpdate.UpdateOneofCase.Alert, first.UpdateCase);
        Assert.Equal(AlertKind.RepeatCaller, first.Alert.Kind);
        Assert.Contains("1 incident", first.Alert.Reason, StringComparison.Ordinal);
        Assert.Contains("end_call_permitted", first.Alert.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetIncident_CalmCall_NotFound()
    {
        // Arrange
        var tenant = RedisServerFixture.NewTenant();
        await SampleCalls.ReplayAsync(fixture.Client, "calm", tenant, "calm-call");

        // Act
        var error = await Assert.ThrowsAsync<RpcException>(() => fixture.Client.GetIncidentAsync(new GetIncidentRequest { TenantId = tenant, CallId = "calm-call" }).ResponseAsync);

        // Assert
        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public async Task ListIncidents_LimitOverAThousand_InvalidArgument()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => fixture.Client.ListIncidentsAsync(new ListIncidentsRequest { TenantId = "t", Limit = 1001 }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
    }

    [Fact]
    public async Task TwoTenants_SameTeamAndAgentIds_NeverSeeEachOthersAlerts()
    {
        // Arrange
        var (tenantA, tenantB) = (RedisServerFixture.NewTenant(), RedisServerFixture.NewTenant());
        await using var teamWatch = new Collector<EngineAlert>(ct => Entries(fixture.Subscriber.ReadAsync(AlertScope.Team(tenantA, "team-1"), null, ct)));
        await using var agentWatch = new Collector<EngineAlert>(ct => Entries(fixture.Subscriber.ReadAsync(AlertScope.Agent(tenantB, "agent-7"), null, ct)));
        var (teamA, agentB) = (teamWatch.Items, agentWatch.Items);
        await Subscriptions.WaitAsync(fixture.Redis.Configuration, TeamChannel(tenantA), AgentChannel(tenantB));

        // Act
        await SampleCalls.ReplayAsync(fixture.Client, "threat", tenantA);
        await SampleCalls.ReplayAsync(fixture.Client, "persistent-swearing", tenantB);

        // Assert
        await Eventually.TrueAsync(() => teamA.Count >= 3 && agentB.Count >= 4, "both tenants' alerts arrived");
        await Task.Delay(500);
        Assert.All(teamA, a => Assert.Equal(tenantA, a.Call.TenantId));
        Assert.All(agentB, a => Assert.Equal(tenantB, a.Call.TenantId));
        Assert.Contains(teamA, a => a.Kind == EngineKind.Threat);
        Assert.DoesNotContain(agentB, a => a.Kind == EngineKind.Threat);
        Assert.Null(teamWatch.Error);
        Assert.Null(agentWatch.Error);
    }

    [Fact]
    public async Task WatchAlerts_Team_LiveThenResumedFromAHistoryId()
    {
        // Arrange
        var tenant = RedisServerFixture.NewTenant();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var live = new ConcurrentQueue<Alert>();
        var watching = Task.Run(async () =>
        {
            await foreach (var alert in fixture.Client.WatchAlerts(new WatchAlertsRequest { TenantId = tenant, TeamId = "team-1" }, cancellationToken: stop.Token).ResponseStream.ReadAllAsync(stop.Token))
            {
                live.Enqueue(alert);
            }
        });
        await Subscriptions.WaitAsync(fixture.Redis.Configuration, TeamChannel(tenant)); // the service's watch listens on Redis

        // Act
        await SampleCalls.ReplayAsync(fixture.Client, "persistent-swearing", tenant);
        await Eventually.TrueAsync(() => live.Count >= 5, "the team's five alerts were watched live");
        var firstId = live.First().HistoryId;
        var resumed = new List<Alert>();
        using var resumeStop = new CancellationTokenSource();
        await foreach (var alert in fixture.Client.WatchAlerts(new WatchAlertsRequest { TenantId = tenant, TeamId = "team-1", SinceHistoryId = firstId }, cancellationToken: resumeStop.Token).ResponseStream.ReadAllAsync(resumeStop.Token))
        {
            resumed.Add(alert);
            if (resumed.Count == 4)
            {
                break;
            }
        }

        // Assert
        Assert.Equal([AlertKind.LevelChanged, AlertKind.SupervisorNeeded, AlertKind.LevelChanged, AlertKind.SupervisorNeeded, AlertKind.CallEnded], live.Select(a => a.Kind));
        Assert.All(live, a => Assert.False(string.IsNullOrEmpty(a.HistoryId)));
        Assert.Equal(live.Skip(1).Select(a => a.AlertId), resumed.Select(a => a.AlertId));
        stop.Cancel();
        await WatchAssert.EndsCancelledAsync(watching);
    }

    [Fact]
    public async Task WatchAlerts_Agent_LiveThenResumedFromAHistoryId()
    {
        // Arrange: the softphone plugin's watch, live from now.
        var tenant = RedisServerFixture.NewTenant();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var live = new ConcurrentQueue<Alert>();
        var watching = Task.Run(async () =>
        {
            await foreach (var alert in fixture.Client.WatchAlerts(new WatchAlertsRequest { TenantId = tenant, AgentId = "agent-7" }, cancellationToken: stop.Token).ResponseStream.ReadAllAsync(stop.Token))
            {
                live.Enqueue(alert);
            }
        });
        await Subscriptions.WaitAsync(fixture.Redis.Configuration, AgentChannel(tenant)); // the service's watch listens on Redis

        // Act: the plugin reconnects after the first level change, and again from the start of what is kept.
        await SampleCalls.ReplayAsync(fixture.Client, "persistent-swearing", tenant);
        await Eventually.TrueAsync(() => live.Count >= 4, "the agent's four level changes were watched live");
        var resumed = await WatchAsync(new WatchAlertsRequest { TenantId = tenant, AgentId = "agent-7", SinceHistoryId = live.First().HistoryId }, 3);
        var whole = await WatchAsync(new WatchAlertsRequest { TenantId = tenant, AgentId = "agent-7", SinceHistoryId = "0" }, 4);

        // Assert
        Assert.Equal([EscalationLevel.Notice, EscalationLevel.Warning, EscalationLevel.FinalWarning, EscalationLevel.EndCallPermitted], live.Select(a => a.Level));
        Assert.All(live, a => Assert.True(a.ForAgent));
        Assert.All(live, a => Assert.False(string.IsNullOrEmpty(a.HistoryId)));
        Assert.Equal(live.Skip(1).Select(a => a.AlertId), resumed.Select(a => a.AlertId));
        Assert.Equal(live.Select(a => (a.AlertId, a.HistoryId)), whole.Select(a => (a.AlertId, a.HistoryId)));
        stop.Cancel();
        await WatchAssert.EndsCancelledAsync(watching);
    }

    [Theory]
    [InlineData("yesterday")]
    [InlineData("99999999999999999999-0")]
    [InlineData("1-2-3")]
    public async Task WatchAlerts_BadHistoryId_InvalidArgumentAndNoErrorLogged(string historyId)
    {
        // Arrange
        var errorsBefore = fixture.Errors.Count;

        // Act
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            using var watch = fixture.Client.WatchAlerts(new WatchAlertsRequest { TenantId = "t", TeamId = "x", SinceHistoryId = historyId });
            await foreach (var alert in watch.ResponseStream.ReadAllAsync())
            {
                Assert.Fail("no alert was expected, got " + alert);
            }
        });

        // Assert
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("history id", error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(errorsBefore, fixture.Errors.Count);
    }

    /// <summary>Watches until <paramref name="count"/> alerts came, then ends the watch.</summary>
    private async Task<List<Alert>> WatchAsync(WatchAlertsRequest request, int count)
    {
        var alerts = new List<Alert>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await foreach (var alert in fixture.Client.WatchAlerts(request, cancellationToken: timeout.Token).ResponseStream.ReadAllAsync(timeout.Token))
        {
            alerts.Add(alert);
            if (alerts.Count == count)
            {
                break;
            }
        }

        return alerts;
    }

    private static string Describe(EngineAlert alert) => $"{Escalation.AlertKinds.ToName(alert.Kind)}:{Escalation.AlertKinds.ToName(alert.Level)}";

    private static async IAsyncEnumerable<EngineAlert> Entries(IAsyncEnumerable<WatchedAlert> entries)
    {
        await foreach (var entry in entries)
        {
            yield return entry.Alert;
        }
    }

    private static string TeamChannel(string tenant) => $"abuse:{tenant}:team:team-1";

    private static string AgentChannel(string tenant) => $"abuse:{tenant}:agent:agent-7";
}
