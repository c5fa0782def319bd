using AbuseDetector.Contracts.V1;
using Grpc.Core;

namespace AbuseDetector.ScaleOut.Tests;

/// <summary>What a supervisor sees through the service: team <c>floor</c>'s alert history and a call's incident.</summary>
internal static class TeamHistory
{
    public const string Team = "floor";

    /// <summary>Reads the team's history from its start until it holds <paramref name="callsEnded"/> call_ended alerts.</summary>
    public static Task<List<Alert>> ReadAsync(AbuseDetector.Contracts.V1.AbuseDetector.AbuseDetectorClient client, string tenant, int callsEnded) =>
        ReadUntilAsync(client, tenant, alerts => alerts.Count(a => a.Kind == AlertKind.CallEnded) == callsEnded);

    /// <summary>Reads the team's history from its start (WatchAlerts, since_history_id "0") until <paramref name="complete"/> says it is all there.</summary>
    public static async Task<List<Alert>> ReadUntilAsync(AbuseDetector.Contracts.V1.AbuseDetector.AbuseDetectorClient client, string tenant, Func<List<Alert>, bool> complete)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var watch = client.WatchAlerts(new WatchAlertsRequest { TenantId = tenant, TeamId = Team, SinceHistoryId = "0" }, cancellationToken: limit.Token);
        var alerts = new List<Alert>();
        await foreach (var alert in watch.ResponseStream.ReadAllAsync(limit.Token))
        {
            alerts.Add(alert);
            if (complete(alerts))
            {
                break;
            }
        }

        return alerts;
    }

    /// <summary>Alerts as kind and level, in order: what must be the same for calls with the same transcript.</summary>
    public static string Summary(IEnumerable<Alert> alerts) => string.Join(", ", alerts.Select(a => $"{a.Kind}@{a.Level}"));

    /// <summary>The call's incident, or null while it is not kept.</summary>
    public static async Task<Incident?> TryGetIncidentAsync(AbuseDetector.Contracts.V1.AbuseDetector.AbuseDetectorClient client, string tenant, string callId)
    {
        try
        {
            return await client.GetIncidentAsync(new GetIncidentRequest { TenantId = tenant, CallId = callId });
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
        {
            return null;
        }
    }
}
