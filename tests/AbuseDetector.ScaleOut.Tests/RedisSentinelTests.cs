using System.Globalization;
using AbuseDetector.Client;
using AbuseDetector.Contracts.V1;
using Grpc.Net.Client;

namespace AbuseDetector.ScaleOut.Tests;

/// <summary>The service on a real Redis Sentinel set-up, given the sentinels and the master's name, through a failover.</summary>
public sealed class RedisSentinelTests
{
    private const string Threat = "If you cancel it I'll come down to your office and hurt you.";

    [Fact]
    public async Task MasterKilledMidCall_SentinelsPromoteTheReplica_ServiceFollowsAndEachAlertArrivesOnce()
    {
        // Arrange: three calls open; one threat raised and replicated before the master dies.
        await using var redis = await RedisSentinelProcess.StartAsync();
        var dataPath = Path.Combine(Path.GetTempPath(), "abuse-detector-tests", Guid.NewGuid().ToString("N"));
        await using var service = await ServiceProcess.StartAsync(["--redis", redis.Configuration, $"--AbuseDetector:DataPath={dataPath}"]);
        using var http = new HttpClient { BaseAddress = service.HttpAddress };
        using var channel = GrpcChannel.ForAddress(service.GrpcAddress);
        var client = new AbuseDetector.Contracts.V1.AbuseDetector.AbuseDetectorClient(channel);
        var tenant = "s" + Guid.NewGuid().ToString("N")[..10];
        string[] callIds = ["before-failover", "during-failover-1", "during-failover-2"];
        var calls = new List<CallStream>();
        foreach (var callId in callIds)
        {
            calls.Add(await client.StartCallAsync(new CallStart { CallId = callId, TenantId = tenant, AgentId = "ann", TeamId = "floor", CustomerId = "cust-1" }));
        }

        await Eventually.TrueAsync(async () => await http.GetStringAsync("/health") == "healthy", "the service reaches the master the sentinels name");
        await calls[0].SendChunkAsync(ThreatChunk());
        await Eventually.TrueAsync(async () => await MetricAsync(http, "abuse_detector_alerts_published_total") >= 1 && await MetricAsync(http, "abuse_detector_alerts_outbox_depth") == 0, "the first threat's alerts reached the master");

        // Replication is asynchronous: what the master acknowledged but had not sent on when it died is lost in a
        // failover (Redis's documented limit). Waiting for the replica keeps the first call's alerts; the others are
        // raised only once the master is gone, so the outbox must hold them until the replica is promoted.
        await redis.WaitUntilReplicaCaughtUpAsync();
        var retriesBefore = await MetricAsync(http, "abuse_detector_alerts_publish_retries_total");

        // Act: the master dies mid-call; the other calls' threats come while there is none.
        await redis.Master.StopAsync();
        foreach (var call in calls.Skip(1))
        {
            await call.SendChunkAsync(ThreatChunk());
        }

        await Eventually.TrueAsync(async () => await redis.MasterPortAsync() == redis.Replica.Port, "the sentinels promoted the replica", TimeSpan.FromSeconds(60));
        foreach (var call in calls)
        {
            await call.EndAsync(new CallEnd { Reason = CallEndReason.Completed });
            await foreach (var update in call.ReadUpdatesAsync())
            {
            }

            await call.DisposeAsync();
        }

        // Assert: every call's threat and call end once in the team's history on the new master, and every incident kept.
        var history = await TeamHistory.ReadAsync(client, tenant, callsEnded: callIds.Length);
        Assert.Equal(callIds.Order(StringComparer.Ordinal), history.Where(a => a.Kind == AlertKind.Threat).Select(a => a.CallId).Order(StringComparer.Ordinal));
        Assert.Equal(callIds.Order(StringComparer.Ordinal), history.Where(a => a.Kind == AlertKind.CallEnded).Select(a => a.CallId).Order(StringComparer.Ordinal));
        Assert.Equal(history.Count, history.Select(a => a.AlertId).Distinct(StringComparer.Ordinal).Count());
        foreach (var callId in callIds)
        {
            await Eventually.TrueAsync(
                async () => await TeamHistory.TryGetIncidentAsync(client, tenant, callId) is { } incident && incident.Outcome == IncidentOutcome.Completed,
                $"the incident of {callId} is kept with its outcome");
        }

        Assert.True(await MetricAsync(http, "abuse_detector_alerts_publish_retries_total") > retriesBefore, "alerts raised without a master waited and were retried");
        await Eventually.TrueAsync(async () => await http.GetStringAsync("/health") == "healthy", "the service is healthy on the new master");
        Assert.DoesNotContain(service.Output, line => line.Contains("fail:", StringComparison.Ordinal));
    }

    private static TranscriptChunk ThreatChunk() => new() { Seq = 1, Speaker = Speaker.Customer, Text = Threat, IsFinal = true };

    /// <summary>A counter or gauge from /metrics (Prometheus text), 0 before its first measurement.</summary>
    private static async Task<double> MetricAsync(HttpClient http, string name)
    {
        var line = (await http.GetStringAsync("/metrics")).Split('\n').FirstOrDefault(l => l.StartsWith(name + "{", StringComparison.Ordinal) || l.StartsWith(name + " ", StringComparison.Ordinal));
        return line is null ? 0 : double.Parse(line.Split(' ')[1], CultureInfo.InvariantCulture);
    }
}
