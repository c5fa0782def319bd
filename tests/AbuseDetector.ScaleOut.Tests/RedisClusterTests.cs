using System.Collections.Concurrent;
using AbuseDetector.Alerts.Redis;
using AbuseDetector.Client;
using AbuseDetector.Contracts.V1;
using Grpc.Core;
using StackExchange.Redis;

namespace AbuseDetector.ScaleOut.Tests;

/// <summary>The service on a real three-master Redis Cluster, given its nodes.</summary>
public sealed class RedisClusterTests(RedisClusterFixture fixture) : IClassFixture<RedisClusterFixture>
{
    private const string Threat = "If you cancel it I'll come down to your office and hurt you.";
    private const int Tenants = 12;

    [Fact]
    public async Task ThreeMasterCluster_TenantsOnDifferentMasters_EachThreatOnceInItsHistoryAndEachIncidentKept()
    {
        // Arrange: tenants are hash tags, so a dozen of them land on more than one master.
        var client = fixture.Client;
        var tenants = Enumerable.Range(0, Tenants).Select(_ => NewTenant()).ToArray();

        // Act: one threat call per tenant (each reaches end_call_permitted, so each keeps an incident).
        await Task.WhenAll(tenants.Select(tenant => ThreatCallAsync(tenant)));

        // Assert
        foreach (var tenant in tenants)
        {
            var history = await TeamHistory.ReadAsync(client, tenant, callsEnded: 1);
            Assert.Single(history, a => a.Kind == AlertKind.Threat);
            Assert.Equal(history.Count, history.Select(a => a.AlertId).Distinct(StringComparer.Ordinal).Count());
            await Eventually.TrueAsync(
                async () => await TeamHistory.TryGetIncidentAsync(client, tenant, "call-" + tenant) is { } incident && incident.Outcome == IncidentOutcome.Completed,
                $"tenant {tenant}'s incident is kept with its outcome");
        }

        var keys = await fixture.Cluster.KeysPerNodeAsync();
        Assert.True(keys.Count(k => k > 0) >= 2, $"keys per master: {string.Join(", ", keys)}");
        Assert.DoesNotContain(fixture.Service.Output, line => line.Contains("fail:", StringComparison.Ordinal) || line.Contains("CROSSSLOT", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ThreeMasterCluster_WatchOpenBeforeTheCall_ThreatArrivesLiveOnTheShardChannelOfTheTenantsSlot()
    {
        // Arrange: a live watch through the service, which subscribes with SSUBSCRIBE on the node owning the tenant's
        // slot; and a plain client's SSUBSCRIBE, which only a SPUBLISH reaches (the history poll cannot).
        var tenant = NewTenant();
        var teamChannel = $"abuse:{{{tenant}}}:team:floor";
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var watch = fixture.Client.WatchAlerts(new WatchAlertsRequest { TenantId = tenant, TeamId = "floor" }, cancellationToken: limit.Token);
        var watched = ReadUntilThreatAsync(watch.ResponseStream, limit.Token);
        await Subscriptions.WaitShardedAsync(fixture.Cluster.Nodes, teamChannel);
        using var raw = await ConnectionMultiplexer.ConnectAsync(fixture.Cluster.Nodes);
        var received = new ConcurrentQueue<Escalation.Alert>();
        var queue = await raw.GetSubscriber().SubscribeAsync(RedisChannel.Sharded(teamChannel));
        queue.OnMessage(message => received.Enqueue(AlertJson.Parse((string)message.Message!)));

        // Act
        await ThreatCallAsync(tenant);

        // Assert
        await Eventually.TrueAsync(() => received.Any(a => a.Kind == Escalation.AlertKind.Threat && a.Call.CallId == "call-" + tenant), "the threat arrived on the shard channel");
        Assert.Equal("call-" + tenant, (await watched).CallId);
    }

    private static string NewTenant() => "c" + Guid.NewGuid().ToString("N")[..10];

    private async Task ThreatCallAsync(string tenant)
    {
        await using var call = await fixture.Client.StartCallAsync(new CallStart { CallId = "call-" + tenant, TenantId = tenant, AgentId = "ann", TeamId = "floor", CustomerId = "cust-1" });
        await call.SendChunkAsync(new TranscriptChunk { Seq = 1, Speaker = Speaker.Customer, Text = Threat, IsFinal = true });
        await call.EndAsync(new CallEnd { Reason = CallEndReason.Completed });
        await foreach (var update in call.ReadUpdatesAsync())
        {
        }
    }

    private static async Task<Alert> ReadUntilThreatAsync(IAsyncStreamReader<Alert> alerts, CancellationToken cancellationToken)
    {
        await foreach (var alert in alerts.ReadAllAsync(cancellationToken))
        {
            if (alert.Kind == AlertKind.Threat)
            {
                return alert;
            }
        }

        throw new InvalidOperationException("The watch ended without a threat.");
    }
}
