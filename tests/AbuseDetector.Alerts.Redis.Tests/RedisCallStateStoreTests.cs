using AbuseDetector.Detection;
using AbuseDetector.Escalation;
using AbuseDetector.Monitoring;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace AbuseDetector.Alerts.Redis.Tests;

/// <summary>
/// Live calls' state and leases on a real redis-server: two stores on their own connections play two service instances.
/// </summary>
public sealed class RedisCallStateStoreTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>, IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 6, 1, 10, 0, 0, 250, TimeSpan.Zero);

    private readonly List<IAsyncDisposable> _owned = [];
    private readonly string _tenant = RedisServerFixture.NewTenant();
    private ConnectionMultiplexer? _admin;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            await _owned[i].DisposeAsync();
        }

        if (_admin is not null)
        {
            await _admin.CloseAsync();
            _admin.Dispose();
        }
    }

    [Fact]
    public async Task ClaimAsync_CallHeldByAnotherInstance_HeldElsewhereForClaimAndResume()
    {
        // Arrange
        var (a, b) = (await NewStoreAsync(), await NewStoreAsync());

        // Act
        var first = await a.ClaimAsync(_tenant, "call-1");
        var again = await a.ClaimAsync(_tenant, "call-1");
        var other = await b.ClaimAsync(_tenant, "call-1");
        var resume = await b.ResumeAsync(_tenant, "call-1");

        // Assert
        Assert.Equal(CallClaim.Claimed, first);
        Assert.Equal(CallClaim.Claimed, again);
        Assert.Equal(CallClaim.HeldElsewhere, other);
        Assert.Equal(CallResumptionOutcome.HeldElsewhere, resume.Outcome);
        Assert.Null(resume.Snapshot);
        Assert.Equal(CallClaim.Claimed, await b.ClaimAsync(RedisServerFixture.NewTenant(), "call-1"));
    }

    [Fact]
    public async Task HandOverAsync_ThenResumeOnAnotherInstance_ResumedWithAnEqualSnapshot()
    {
        // Arrange
        var (a, b) = (await NewStoreAsync(), await NewStoreAsync());
        await a.ClaimAsync(_tenant, "call-1");
        a.Save(Snapshot("call-1", version: 1));
        var handedOver = Snapshot("call-1", version: 2);

        // Act
        var saved = await a.HandOverAsync(handedOver);
        var resumption = await b.ResumeAsync(_tenant, "call-1");

        // Assert
        Assert.True(saved);
        Assert.Equal(CallResumptionOutcome.Resumed, resumption.Outcome);
        Assert.NotNull(resumption.Snapshot);
        Assert.Equivalent(handedOver, resumption.Snapshot, strict: true);
        Assert.True(float.IsNaN(resumption.Snapshot.CustomerVoice.BaselineDbfs));
        Assert.Equal(["useless"], resumption.Snapshot.Escalation.Timeline[0].Evidence);

        // The call is B's now: A can neither take it back nor overwrite its state.
        Assert.Equal(CallResumptionOutcome.HeldElsewhere, (await a.ResumeAsync(_tenant, "call-1")).Outcome);
        Assert.False(await a.HandOverAsync(Snapshot("call-1", version: 9)));
        Assert.Equal(2, (long)await Database().HashGetAsync(StateKey("call-1"), "version"));
    }

    [Fact]
    public async Task HandOverAsync_TimelineEntriesLostInRedis_SendsTheWholeTimelineAtTheSameVersion()
    {
        // Arrange: a save appended the timeline; then Redis lost the list (as after a save that never arrived).
        var (a, b) = (await NewStoreAsync(), await NewStoreAsync());
        await a.ClaimAsync(_tenant, "call-1");
        a.Save(Snapshot("call-1", version: 1));
        await Eventually.TrueAsync(async () => await Database().ListLengthAsync(TimelineKey("call-1")) == 2, "the timeline was appended");
        await Database().KeyDeleteAsync(TimelineKey("call-1"));
        var handedOver = Snapshot("call-1", version: 2);

        // Act
        var saved = await a.HandOverAsync(handedOver);
        var resumption = await b.ResumeAsync(_tenant, "call-1");

        // Assert: the version the instance handed over (it takes the call back at that version), and every entry.
        Assert.True(saved);
        Assert.Equal(2, resumption.Snapshot!.Version);
        Assert.Equivalent(handedOver.Escalation.Timeline, resumption.Snapshot.Escalation.Timeline, strict: true);
    }

    [Fact]
    public async Task Save_OlderVersionAfterANewerOne_NeverOverwritesIt()
    {
        // Arrange
        var a = await NewStoreAsync();
        await a.ClaimAsync(_tenant, "call-1");
        a.Save(Snapshot("call-1", version: 5, level: EscalationLevel.Warning));
        await Eventually.TrueAsync(async () => (long?)await Database().HashGetAsync(StateKey("call-1"), "version") == 5, "the newer state was saved");

        // Act: saves go out in order on the connection, so the resume reads after the older save was refused.
        a.Save(Snapshot("call-1", version: 3, level: EscalationLevel.Notice));
        var handedOverOlder = await a.HandOverAsync(Snapshot("call-1", version: 4, level: EscalationLevel.Notice));
        var resumption = await a.ResumeAsync(_tenant, "call-1");

        // Assert
        Assert.False(handedOverOlder);
        Assert.Equal(5, resumption.Snapshot!.Version);
        Assert.Equal(EscalationLevel.Warning, resumption.Snapshot.Escalation.Level);
    }

    [Fact]
    public async Task Save_EndedCall_LeaseLetGoAndResumeSaysEnded()
    {
        // Arrange
        var (a, b) = (await NewStoreAsync(), await NewStoreAsync());
        await a.ClaimAsync(_tenant, "call-1");
        a.Save(Snapshot("call-1", version: 1));

        // Act
        a.Save(Snapshot("call-1", version: 2, outcome: IncidentOutcome.CallerHungUp));
        await Eventually.TrueAsync(async () => (string?)await Database().HashGetAsync(StateKey("call-1"), "ended") == "1", "the end was saved");
        var resumption = await b.ResumeAsync(_tenant, "call-1");

        // Assert: the lease is gone, the state kept a while (not forever) with no JSON left to read.
        Assert.Equal(CallResumptionOutcome.Ended, resumption.Outcome);
        Assert.False(await Database().KeyExistsAsync(LeaseKey("call-1")));
        var ttl = await Database().KeyTimeToLiveAsync(StateKey("call-1"));
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        Assert.Equal(0, (await Database().HashGetAsync(StateKey("call-1"), "json")).Length());
    }

    [Fact]
    public async Task ClaimAsync_IdOfACallThatEnded_ClaimedAndTheOldStateCleared()
    {
        // Arrange
        var (a, b) = (await NewStoreAsync(), await NewStoreAsync());
        await a.ClaimAsync(_tenant, "call-1");
        a.Save(Snapshot("call-1", version: 7, outcome: IncidentOutcome.Completed));
        await Eventually.TrueAsync(async () => !await Database().KeyExistsAsync(LeaseKey("call-1")), "the ended call let its lease go");

        // Act
        var claim = await b.ClaimAsync(_tenant, "call-1");
        b.Save(Snapshot("call-1", version: 1));

        // Assert: the new call's first state is saved although the old call's version was higher.
        Assert.Equal(CallClaim.Claimed, claim);
        await Eventually.TrueAsync(async () => (long?)await Database().HashGetAsync(StateKey("call-1"), "version") == 1, "the new call's state was saved");
        Assert.Equal(CallResumptionOutcome.Resumed, (await b.ResumeAsync(_tenant, "call-1")).Outcome);
    }

    [Fact]
    public async Task ResumeAsync_LeaseOfAStoppedInstanceRunsOut_AnotherInstanceResumes()
    {
        // Arrange: A stops renewing (a crash), holding the call for one second.
        var a = await NewStoreAsync(o => o.CallLeaseTime = TimeSpan.FromSeconds(1));
        var b = await NewStoreAsync();
        await a.ClaimAsync(_tenant, "call-1");
        a.Save(Snapshot("call-1", version: 3));
        await Eventually.TrueAsync(async () => await Database().KeyExistsAsync(StateKey("call-1")), "the state was saved");
        await a.DisposeAsync();
        var whileHeld = await b.ResumeAsync(_tenant, "call-1");

        // Act
        CallResumption? resumption = null;
        await Eventually.TrueAsync(
            async () => (resumption = await b.ResumeAsync(_tenant, "call-1")).Outcome == CallResumptionOutcome.Resumed,
            "the lease ran out and B resumed the call");

        // Assert
        Assert.Equal(CallResumptionOutcome.HeldElsewhere, whileHeld.Outcome);
        Assert.Equal(3, resumption!.Snapshot!.Version);
    }

    [Fact]
    public async Task RenewalLoop_CallLiveOnTheInstance_KeepsItsLeasePastTheLeaseTime()
    {
        // Arrange: A renews on a clock the test moves; "call-live" is live on A, "call-gone" no longer is.
        var time = new FakeTimeProvider(Start);
        var lease = TimeSpan.FromSeconds(1);
        var a = await NewStoreAsync(o => o.CallLeaseTime = lease, () => [(_tenant, "call-live")], time);
        var b = await NewStoreAsync();
        await a.ClaimAsync(_tenant, "call-live");
        await a.ClaimAsync(_tenant, "call-gone");

        // Act: three lease times of real time pass (Redis expires keys by it), the renewal due every third of one.
        var until = Environment.TickCount64 + (long)(3 * lease).TotalMilliseconds;
        while (Environment.TickCount64 < until)
        {
            time.Advance(lease / 3);
            await Task.Delay(50);
        }

        // Assert
        Assert.Equal(CallResumptionOutcome.HeldElsewhere, (await b.ResumeAsync(_tenant, "call-live")).Outcome);
        Assert.False(await Database().KeyExistsAsync(LeaseKey("call-gone")));
        Assert.Equal(CallClaim.Claimed, await b.ClaimAsync(_tenant, "call-gone"));
    }

    [Fact]
    public async Task RenewalLoop_AnotherInstanceResumedTheCall_LogsTheLostLease()
    {
        // Arrange
        var time = new FakeTimeProvider(Start);
        var logs = new TestLogger();
        var a = await NewStoreAsync(o => o.CallLeaseTime = TimeSpan.FromSeconds(3), () => [(_tenant, "call-1")], time, logs);
        var b = await NewStoreAsync();
        await a.ClaimAsync(_tenant, "call-1");
        await Database().KeyDeleteAsync(LeaseKey("call-1"));
        await b.ClaimAsync(_tenant, "call-1");

        // Act
        await Eventually.TrueAsync(
            () =>
            {
                time.Advance(TimeSpan.FromSeconds(1));
                return logs.Messages("CallLeaseLost").Count > 0;
            },
            "A noticed B holds the call");

        // Assert: A did not take the call back.
        Assert.Equal(b.InstanceId, (string?)await Database().StringGetAsync(LeaseKey("call-1")));
    }

    [Fact]
    public async Task ResumeAsync_CallNeverSeen_Unknown()
    {
        // Arrange
        var b = await NewStoreAsync();

        // Act
        var resumption = await b.ResumeAsync(_tenant, "never-started");

        // Assert: and no lease was taken for it.
        Assert.Equal(CallResumptionOutcome.Unknown, resumption.Outcome);
        Assert.Null(resumption.Snapshot);
        Assert.False(await Database().KeyExistsAsync(LeaseKey("never-started")));
    }

    [Fact]
    public async Task ResumeAsync_StateNotReadable_UnknownAndLogged()
    {
        // Arrange
        var logs = new TestLogger();
        var b = await NewStoreAsync(logs: logs);
        await Database().HashSetAsync(StateKey("call-1"), [new HashEntry("version", 1), new HashEntry("ended", 0), new HashEntry("json", "{not json")]);

        // Act
        var resumption = await b.ResumeAsync(_tenant, "call-1");

        // Assert
        Assert.Equal(CallResumptionOutcome.Unknown, resumption.Outcome);
        Assert.Single(logs.Messages("CallStateMalformed"));
    }

    [Fact]
    public async Task Keys_ClaimAndSave_LeaseAndStateUnderTheTenantsHashTag()
    {
        // Arrange
        var a = await NewStoreAsync(o => o.KeyPrefix = "resume-keys");

        // Act
        await a.ClaimAsync(_tenant, "call-1");
        a.Save(Snapshot("call-1", version: 1));

        // Assert
        var tag = TestAlerts.Tag(_tenant, "resume-keys");
        await Eventually.TrueAsync(async () => await Database().KeyExistsAsync($"{tag}:call:call-1:state"), "the state was saved");
        Assert.Equal(a.InstanceId, (string?)await Database().StringGetAsync($"{tag}:call:call-1:lease"));
        var fields = (await Database().HashGetAllAsync($"{tag}:call:call-1:state")).Select(e => (string)e.Name!).Order(StringComparer.Ordinal);
        Assert.Equal(["ended", "json", "version"], fields);
    }

    [Fact]
    public async Task Store_RedisStopped_StoreUnavailableAndNothingHandedOver()
    {
        // Arrange
        await using var server = await RedisServerProcess.StartNewAsync();
        var options = RedisTestOptions.For(server, o => o.OperationTimeout = TimeSpan.FromMilliseconds(500));
        var connection = await RedisTestConnection.ConnectAsync(options);
        var store = new RedisCallStateStore(connection, options, () => []);
        await server.StopAsync();

        // Act
        var claim = await store.ClaimAsync(_tenant, "call-1");
        var resumption = await store.ResumeAsync(_tenant, "call-1");
        var handedOver = await store.HandOverAsync(Snapshot("call-1", version: 1));
        store.Save(Snapshot("call-1", version: 2));

        // Assert
        Assert.Equal(CallClaim.StoreUnavailable, claim);
        Assert.Equal(CallResumptionOutcome.StoreUnavailable, resumption.Outcome);
        Assert.False(handedOver);
        await store.DisposeAsync();
        await connection.CloseAsync();
        connection.Dispose();
    }

    private IDatabase Database() => _admin!.GetDatabase();

    private string StateKey(string callId) => $"{TestAlerts.Tag(_tenant)}:call:{callId}:state";

    private string TimelineKey(string callId) => $"{TestAlerts.Tag(_tenant)}:call:{callId}:timeline";

    private string LeaseKey(string callId) => $"{TestAlerts.Tag(_tenant)}:call:{callId}:lease";

    /// <summary>A store on a connection of its own, as another instance would have; disposed after the test.</summary>
    private async Task<RedisCallStateStore> NewStoreAsync(
        Action<RedisAlertsOptions>? configure = null,
        Func<IReadOnlyList<(string TenantId, string CallId)>>? liveCalls = null,
        TimeProvider? time = null,
        TestLogger? logs = null)
    {
        _admin ??= await RedisTestConnection.AdminAsync(redis.Server);
        var options = redis.NewOptions(configure);
        var connection = await RedisTestConnection.ConnectAsync(options);
        var store = new RedisCallStateStore(connection, options, liveCalls ?? (() => []), time, logs?.For<RedisCallStateStore>());
        _owned.Add(new Disposal(async () =>
        {
            await connection.CloseAsync();
            connection.Dispose();
        }));
        _owned.Add(store);
        return store;
    }

    /// <summary>
    /// The state of a real call: abuse to warning with evidence, the agent's warning, a supervisor's answer; the caller's
    /// baseline not yet set (NaN), the agent's warmed up.
    /// </summary>
    private CallSnapshot Snapshot(string callId, long version, EscalationLevel? level = null, IncidentOutcome outcome = IncidentOutcome.Ongoing)
    {
        var call = new CallParticipants(_tenant, callId, "agent-7", "team-3", "cust-9", "en-GB");
        var escalation = new CallEscalation(call, Start, new EscalationOptions(), ScriptBook.Default);
        escalation.Observe(new ChunkSignal(1, CallSpeaker.Customer, true, Start.AddSeconds(2), 2000, "you are useless", AbuseFlags.Insult | AbuseFlags.Directed, Evidence: [new EvidenceSpan(AbuseCategory.Insult, 8, 7, 1f)]));
        escalation.OnAgentAction(AgentActionKind.WarningGiven, 2, Start.AddSeconds(4), "asked to stop");
        escalation.Observe(new ChunkSignal(3, CallSpeaker.Customer, true, Start.AddSeconds(6), 6000, "you fucking idiot", AbuseFlags.Swearing | AbuseFlags.Directed, Profanity: ProfanityStrength.Strong));
        escalation.OnSupervisorResponse("Sam", joining: false, "", Start.AddSeconds(7));
        var state = escalation.Capture() with { Outcome = outcome };
        return new CallSnapshot
        {
            Call = call,
            Version = version,
            LastSeq = 4,
            LastFinalSeq = 3,
            IncidentKept = false,
            Escalation = level is { } set ? state with { Level = set } : state,
            CustomerVoice = new ShoutingState(float.NaN, 0, 0),
            AgentVoice = new ShoutingState(-31.25f, 4, 1),
            CallTime = Start.AddSeconds(7.5),
            PlatformTimed = true,
        };
    }

    private sealed class Disposal(Func<Task> dispose) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await dispose();
    }
}
