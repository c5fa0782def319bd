using AbuseDetector.Client;
using AbuseDetector.Contracts.V1;
using Grpc.Net.Client;

namespace AbuseDetector.ScaleOut.Tests;

/// <summary>What is learnt across calls holds across instances: each call here is sent straight to a chosen instance.</summary>
public sealed class AcrossInstancesTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private const string ApiKey = "scale-out-api-key-000003";

    [Fact]
    public async Task CallsOnAlternatingInstances_IncidentsRepeatCallerAndWellbeing_SeenByTheOtherInstance()
    {
        // Arrange: one agent's abusive calls from one customer, on the first, the second, then the first instance again.
        var tenant = RedisServerFixture.NewTenant();
        string[] settings = ["--redis", redis.Configuration, $"--AbuseDetector:Tenants:0:TenantId={tenant}", $"--AbuseDetector:Tenants:0:ApiKeys:0={ApiKey}"];
        await using var first = await ServiceProcess.StartAsync([.. settings, $"--AbuseDetector:DataPath={DataPath()}"]);
        await using var second = await ServiceProcess.StartAsync([.. settings, $"--AbuseDetector:DataPath={DataPath()}"]);
        using var firstChannel = GrpcChannel.ForAddress(first.GrpcAddress);
        using var secondChannel = GrpcChannel.ForAddress(second.GrpcAddress);
        var onFirst = new AbuseDetector.Contracts.V1.AbuseDetector.AbuseDetectorClient(firstChannel.WithApiKey(ApiKey));
        var onSecond = new AbuseDetector.Contracts.V1.AbuseDetector.AbuseDetectorClient(secondChannel.WithApiKey(ApiKey));
        CallStart Start(string callId)
        {
            var start = ScriptedCall.Start(tenant, callId, "ann");
            start.CustomerId = "cust-42";
            return start;
        }

        // Act
        var firstCall = await ScriptedCall.RunAsync(onFirst, Start("across-1"), TimeSpan.Zero);
        Incident? incidentReadOnSecond = null;
        await Eventually.TrueAsync(async () => (incidentReadOnSecond = await TeamHistory.TryGetIncidentAsync(onSecond, tenant, "across-1")) is not null, "the first call's incident, read on the second instance");
        var secondCall = await ScriptedCall.RunAsync(onSecond, Start("across-2"), TimeSpan.Zero);
        await ScriptedCall.RunAsync(onFirst, Start("across-3"), TimeSpan.Zero);

        // Assert
        Assert.DoesNotContain(firstCall.Alerts, a => a.Kind == AlertKind.RepeatCaller);
        Assert.Equal(EscalationLevel.EndCallPermitted, incidentReadOnSecond!.HighestLevel);
        Assert.Equal(AlertKind.RepeatCaller, secondCall.Alerts.First().Kind);
        // The wellbeing count comes after the third call ended, on the first instance; read on the second.
        var history = await TeamHistory.ReadUntilAsync(onSecond, tenant, alerts => alerts.Any(a => a.Kind == AlertKind.AgentWellbeing));
        Assert.Equal(3, history.Count(a => a.Kind == AlertKind.CallEnded));
        Assert.Equal("ann", history.Single(a => a.Kind == AlertKind.AgentWellbeing).AgentId);
        Assert.Equal(history.Count, history.Select(a => a.AlertId).Distinct(StringComparer.Ordinal).Count());
    }

    private static string DataPath() => Path.Combine(Path.GetTempPath(), "abuse-detector-tests", Guid.NewGuid().ToString("N"));
}
