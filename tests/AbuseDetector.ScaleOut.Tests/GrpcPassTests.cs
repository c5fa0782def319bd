using AbuseDetector.Client;
using AbuseDetector.Contracts.V1;
using Grpc.Net.Client;

namespace AbuseDetector.ScaleOut.Tests;

/// <summary>Two service instances behind the documented nginx configuration (grpc_pass), on one real Redis.</summary>
public sealed class GrpcPassTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private const string ApiKey = "scale-out-api-key-000001";
    private const string Threat = "If you cancel it I'll come down to your office and hurt you.";
    private const int Calls = 12;

    [Fact]
    public async Task GrpcPass_CallsThroughNginx_SpreadOverBothInstancesAndEachThreatAlertedOnce()
    {
        // Arrange
        var tenant = RedisServerFixture.NewTenant();
        string[] settings =
        [
            "--redis", redis.Configuration,
            $"--AbuseDetector:Tenants:0:TenantId={tenant}",
            $"--AbuseDetector:Tenants:0:ApiKeys:0={ApiKey}",
        ];
        await using var first = await ServiceProcess.StartAsync([.. settings, $"--AbuseDetector:DataPath={DataPath()}"]);
        await using var second = await ServiceProcess.StartAsync([.. settings, $"--AbuseDetector:DataPath={DataPath()}"]);
        await using var nginx = await NginxProcess.StartAsync([first, second]);
        using var channel = GrpcChannel.ForAddress(nginx.GrpcAddress);
        var client = new AbuseDetector.Contracts.V1.AbuseDetector.AbuseDetectorClient(channel.WithApiKey(ApiKey));

        // Act: calls open at once, so least_conn spreads them; each makes one threat.
        var callIds = Enumerable.Range(0, Calls).Select(i => $"lb-{i}-{Guid.NewGuid():N}").ToArray();
        var threatsOnStreams = await Task.WhenAll(callIds.Select(async callId =>
        {
            await using var call = await client.StartCallAsync(new CallStart { CallId = callId, TenantId = tenant, AgentId = "ann", TeamId = "floor" });
            await call.SendChunkAsync(new TranscriptChunk { Seq = 1, Speaker = Speaker.Customer, Text = Threat, IsFinal = true });
            await Task.Delay(TimeSpan.FromSeconds(1));
            await call.EndAsync(new CallEnd { Reason = CallEndReason.Completed });
            var threats = 0;
            await foreach (var update in call.ReadUpdatesAsync())
            {
                threats += update.Alert?.Kind == AlertKind.Threat ? 1 : 0;
            }

            return threats;
        }));

        // Assert: every call was scored and alerted on its stream, both instances took calls, and the team's history
        // (read through nginx, from whichever instance answers) holds each call's threat once.
        Assert.All(threatsOnStreams, threats => Assert.Equal(1, threats));
        Assert.True(CallsEnded(first) > 0 && CallsEnded(second) > 0, $"calls per instance: {CallsEnded(first)} and {CallsEnded(second)}");
        Assert.Equal(Calls, CallsEnded(first) + CallsEnded(second));
        var history = await TeamHistory.ReadAsync(client, tenant, callsEnded: Calls);
        Assert.Equal(callIds.Order(StringComparer.Ordinal), history.Where(a => a.Kind == AlertKind.Threat).Select(a => a.CallId).Order(StringComparer.Ordinal));
        Assert.Equal(history.Count, history.Select(a => a.AlertId).Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public async Task HttpThroughNginx_HealthOfTheInstances_Answered()
    {
        // Arrange
        await using var first = await ServiceProcess.StartAsync(["--redis", redis.Configuration, $"--AbuseDetector:DataPath={DataPath()}"]);
        await using var second = await ServiceProcess.StartAsync(["--redis", redis.Configuration, $"--AbuseDetector:DataPath={DataPath()}"]);
        await using var nginx = await NginxProcess.StartAsync([first, second]);
        using var http = new HttpClient();

        // Act
        using var health = await http.GetAsync(new Uri(nginx.HttpAddress, "/health"));

        // Assert
        Assert.True(health.IsSuccessStatusCode, $"/health through nginx answered {(int)health.StatusCode}");
    }

    private static string DataPath() => Path.Combine(Path.GetTempPath(), "abuse-detector-tests", Guid.NewGuid().ToString("N"));

    /// <summary>Calls an instance ended, from its one log line per call.</summary>
    private static int CallsEnded(ServiceProcess service) => service.Output.Count(line => line.Contains("Call ended", StringComparison.Ordinal));
}
