using AbuseDetector.Alerts.Redis.Internal;
using AbuseDetector.Escalation;
using AbuseDetector.Monitoring;
using StackExchange.Redis;

namespace AbuseDetector.Alerts.Redis.Tests;

/// <summary>
/// Every script's keys in one Redis Cluster slot, checked against a real redis-server in cluster mode holding all
/// 16,384 slots: the server's own CLUSTER KEYSLOT, and the whole stack run on it, where a cross-slot call fails.
/// </summary>
public sealed class RedisClusterSlotTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 13, 0, 0, TimeSpan.Zero);
    private readonly string _dir = Directory.CreateTempSubdirectory("abuse-cluster-").FullName;
    private RedisServerProcess _server = null!;
    private ConnectionMultiplexer _admin = null!;

    public async Task InitializeAsync()
    {
        _server = new RedisServerProcess(extraArguments: ["--cluster-enabled", "yes", "--cluster-config-file", Path.Combine(_dir, "nodes.conf"), "--dir", _dir]);
        await _server.StartAsync();
        _admin = await RedisTestConnection.AdminAsync(_server);
        var node = _admin.GetServer(_admin.GetEndPoints()[0]);
        await node.ExecuteAsync("CLUSTER", "ADDSLOTSRANGE", "0", "16383");
        await Eventually.TrueAsync(async () => ((string)(await node.ExecuteAsync("CLUSTER", "INFO"))!).Contains("cluster_state:ok", StringComparison.Ordinal), "the one-node cluster serves every slot");
    }

    public async Task DisposeAsync()
    {
        await _admin.CloseAsync();
        _admin.Dispose();
        await _server.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task ScriptArguments_EveryScript_KeysShareTheTenantsSlot()
    {
        var keys = new RedisKeys("abuse");
        var options = new RedisAlertsOptions();
        foreach (var tenant in new[] { "acme", "globex", "t-9f" })
        {
            var batch = Enumerable.Range(1, 6)
                .Select(i => TestAlerts.Make(tenant, i, team: $"team-{i % 3}", agent: $"agent-{i}"))
                .Select(a => new OutboxItem(a, AlertJson.Serialize(a), OutboxItem.NewToken(), 0))
                .ToList();
            var publish = Scripts.PublishAlertsArguments(keys, options, batch, sharded: false);
            var shardedPublish = Scripts.PublishAlertsArguments(keys, options, batch, sharded: true);
            var save = Scripts.SaveIncidentArguments(keys, TestAlerts.Incident(tenant, "call-1", Now, team: "red", agent: "ann", customer: "cust-7"), Now, TimeSpan.FromDays(90))!.Value;
            var wellbeing = Scripts.RecordCallOutcomeArguments(keys, tenant, "red", "ann", abusive: true, Now, TimeSpan.FromHours(8));
            var channels = Channels(publish.Values);
            var shardChannels = Channels(shardedPublish.Values);

            // PUBLISH in a script is not bound to its slot, so those channels keep the names plugins use; SPUBLISH is,
            // so shard channels carry the tenant's hash tag and share the slot of the keys.
            var slots = new HashSet<long>();
            foreach (var key in publish.Keys.Concat(save.Keys).Concat(wellbeing.Keys).Select(k => (string)k!).Concat(shardChannels))
            {
                slots.Add((long)await _admin.GetServer(_admin.GetEndPoints()[0]).ExecuteAsync("CLUSTER", "KEYSLOT", key));
            }

            Assert.Equal(18, publish.Keys.Length);
            Assert.Equal(5, save.Keys.Length);
            Assert.Equal([$"abuse:{{{tenant}}}:wellbeing:ann:abusive_calls", $"abuse:{{{tenant}}}:wellbeing:ann:streak", $"abuse:{{{tenant}}}:team:red:wellbeing"], wellbeing.Keys.Select(k => (string)k!));
            Assert.Equal(12, channels.Length);
            Assert.All(channels, c => Assert.StartsWith($"abuse:{tenant}:", c, StringComparison.Ordinal));
            Assert.Equal(12, shardChannels.Length);
            Assert.All(shardChannels, c => Assert.StartsWith($"abuse:{{{tenant}}}:", c, StringComparison.Ordinal));
            Assert.Equal(["PUBLISH", "SPUBLISH"], [(string)publish.Values[^2]!, (string)shardedPublish.Values[^2]!]);
            Assert.Single(slots);
        }

        static string[] Channels(RedisValue[] values) => [.. values.Select(v => (string)v!).Where(v => v.StartsWith("abuse:", StringComparison.Ordinal))];
    }

    [Fact]
    public async Task CallStateStore_OnAOneNodeCluster_ClaimsSavesHandsOverAndResumesWithoutCrossSlotErrors()
    {
        // Arrange: two instances' stores; the cluster refuses a script whose keys span slots.
        var options = RedisTestOptions.For(_server);
        await using var first = await RedisTestConnection.ConnectAsync(options);
        await using var second = await RedisTestConnection.ConnectAsync(options);
        await using var a = new RedisCallStateStore(first, options, () => [("acme", "call-1")]);
        await using var b = new RedisCallStateStore(second, options, () => []);
        var call = new CallParticipants("acme", "call-1", "agent-1", "team-1", "", "");
        var snapshot = new CallSnapshot
        {
            Call = call,
            Version = 1,
            LastSeq = 0,
            IncidentKept = false,
            Escalation = new CallEscalation(call, Now, new EscalationOptions(), ScriptBook.Default).Capture(),
            CustomerVoice = default,
            AgentVoice = default,
        };

        // Act
        var claim = await a.ClaimAsync("acme", "call-1");
        var handedOver = await a.HandOverAsync(snapshot);
        var resumption = await b.ResumeAsync("acme", "call-1");

        // Assert
        Assert.Equal(CallClaim.Claimed, claim);
        Assert.True(handedOver);
        Assert.Equal(CallResumptionOutcome.Resumed, resumption.Outcome);
    }

    [Fact]
    public async Task Stack_OnAOneNodeCluster_PublishesSavesAndReadsWithoutCrossSlotErrors()
    {
        // Arrange: three tenants' alerts interleaved, so batches must split by tenant.
        await using var stack = await RedisStack.ConnectAsync(RedisTestOptions.For(_server), time: new TestClock(Now));
        var publisher = await stack.StartPublisherAsync();
        var store = stack.Store();
        string[] tenants = ["acme", "globex", "initech"];
        // A cluster of Redis 7 carries alerts on shard channels, named with the tenant's hash tag.
        await using var raw = await RawSubscriber.StartShardedAsync(_server.Configuration, [.. tenants.Select(t => $"abuse:{{{t}}}:team:team-1")]);

        // Act
        for (var i = 1; i <= 300; i++)
        {
            Assert.True(publisher.TryEnqueue(TestAlerts.Make(tenants[i % 3], i)));
        }

        foreach (var tenant in tenants)
        {
            store.Keep(TestAlerts.Incident(tenant, "call-1", Now.AddHours(-2), customer: "x"));
            store.Keep(TestAlerts.Incident(tenant, "call-2", Now.AddHours(-1), customer: "x"));
        }

        // Assert
        Assert.True(await publisher.FlushAsync(TimeSpan.FromSeconds(15)));
        Assert.True(await store.FlushAsync(TimeSpan.FromSeconds(15)));
        Assert.Equal(0, publisher.DroppedCount);
        Assert.Empty(stack.Logs.Messages("IncidentNotSaved"));
        await Eventually.TrueAsync(() => raw.Messages.Count >= 300, "every alert reached its tenant's team channel");
        var feed = stack.Feed();
        foreach (var tenant in tenants)
        {
            Assert.Equal(100, (await feed.ReadHistoryAsync(AlertScope.Team(tenant, "team-1"), HistoryId.Start, 1000)).Count);
            Assert.Equal(["call-2", "call-1"], (await store.ListAsync(tenant, new IncidentFilter(CustomerId: "x"), 10)).Select(i => i.Call.CallId));
            Assert.Equal(2, (await store.GetCustomerHistoryAsync(tenant, "x", TimeSpan.FromDays(1))).IncidentCount);
            Assert.Equal(new AgentWellbeing(1, 1), await store.RecordCallOutcomeAsync(tenant, "team-1", "ann", true, Now, TimeSpan.FromHours(8)));
            Assert.Equal([new AgentShiftWellbeing("ann", 1, 1, Now)], await store.GetTeamWellbeingAsync(tenant, "team-1", Now, TimeSpan.FromHours(8)));
        }
    }

    [Fact]
    public async Task PublishAlertsScript_KeysOfTwoTenants_IsRefusedOnTheCluster()
    {
        // The control: the checks above would catch keys that span slots.
        var batch = new[] { TestAlerts.Make("acme", 1), TestAlerts.Make("globex", 2) }
            .Select(a => new OutboxItem(a, AlertJson.Serialize(a), OutboxItem.NewToken(), 0))
            .ToList();
        var (keys, values) = Scripts.PublishAlertsArguments(new RedisKeys("abuse"), new RedisAlertsOptions(), batch, sharded: true);
        using var redis = await RedisTestConnection.ConnectAsync(RedisTestOptions.For(_server));

        var error = await Assert.ThrowsAnyAsync<RedisException>(() => redis.GetDatabase().ScriptEvaluateAsync(Scripts.PublishAlerts, keys, values));

        Assert.Matches("(?i)slot", error.Message);
    }
}
