using AbuseDetector.Client;
using AbuseDetector.Contracts.V1;
using Grpc.Core;
using Grpc.Net.Client;

namespace AbuseDetector.ScaleOut.Tests;

/// <summary>The service on a real three-master Redis Cluster, given its nodes.</summary>
public sealed class RedisClusterTests
{
    private const string Threat = "If you cancel it I'll come down to your office and hurt you.";
    private const int Tenants = 12;

    [Fact]
    public async Task ThreeMasterCluster_TenantsOnDifferentMasters_EachThreatOnceInItsHistoryAndEachIncidentKept()
    {
        // Arrange: tenants are hash tags, so a dozen of them land on more than one master.
        await using var cluster = await RedisClusterProcess.StartAsync();
        var dataPath = Path.Combine(Path.GetTempPath(), "abuse-detector-tests", Guid.NewGuid().ToString("N"));
        await using var service = await ServiceProcess.StartAsync(["--redis", cluster.Nodes, $"--AbuseDetector:DataPath={dataPath}"]);
        using var channel = GrpcChannel.ForAddress(service.GrpcAddress);
        var client = new AbuseDetector.Contracts.V1.AbuseDetector.AbuseDetectorClient(channel);
        var tenants = Enumerable.Range(0, Tenants).Select(_ => "c" + Guid.NewGuid().ToString("N")[..10]).ToArray();

        // Act: one threat call per tenant (each reaches end_call_permitted, so each keeps an incident).
        await Task.WhenAll(tenants.Select(async tenant =>
        {
            await using var call = await client.StartCallAsync(new CallStart { CallId = "call-" + tenant, TenantId = tenant, AgentId = "ann", TeamId = "floor", CustomerId = "cust-1" });
            await call.SendChunkAsync(new TranscriptChunk { Seq = 1, Speaker = Speaker.Customer, Text = Threat, IsFinal = true });
            await call.EndAsync(new CallEnd { Reason = CallEndReason.Completed });
            await foreach (var update in call.ReadUpdatesAsync())
            {
            }
        }));

        // Assert
        foreach (var tenant in tenants)
        {
            var history = await ReadTeamHistoryAsync(client, tenant);
            Assert.Single(history, a => a.Kind == AlertKind.Threat);
            Assert.Equal(history.Count, history.Select(a => a.AlertId).Distinct(StringComparer.Ordinal).Count());
            await Eventually.TrueAsync(
                async () => await TryGetIncidentAsync(client, tenant) is { } incident && incident.Outcome == IncidentOutcome.Completed,
                $"tenant {tenant}'s incident is kept with its outcome");
        }

        var keys = await cluster.KeysPerNodeAsync();
        Assert.True(keys.Count(k => k > 0) >= 2, $"keys per master: {string.Join(", ", keys)}");
        Assert.DoesNotContain(service.Output, line => line.Contains("fail:", StringComparison.Ordinal) || line.Contains("CROSSSLOT", StringComparison.Ordinal));
    }

    private static async Task<List<Alert>> ReadTeamHistoryAsync(AbuseDetector.Contracts.V1.AbuseDetector.AbuseDetectorClient client, string tenant)
    {
        // Threat, level change and call end: the three team alerts of a threat call.
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var watch = client.WatchAlerts(new WatchAlertsRequest { TenantId = tenant, TeamId = "floor", SinceHistoryId = "0" }, cancellationToken: limit.Token);
        var alerts = new List<Alert>();
        await foreach (var alert in watch.ResponseStream.ReadAllAsync(limit.Token))
        {
            alerts.Add(alert);
            if (alerts.Any(a => a.Kind == AlertKind.CallEnded))
            {
                break;
            }
        }

        return alerts;
    }

    private static async Task<Incident?> TryGetIncidentAsync(AbuseDetector.Contracts.V1.AbuseDetector.AbuseDetectorClient client, string tenant)
    {
        try
        {
            return await client.GetIncidentAsync(new GetIncidentRequest { TenantId = tenant, CallId = "call-" + tenant });
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
        {
            return null;
        }
    }
}
