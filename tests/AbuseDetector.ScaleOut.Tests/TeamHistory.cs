using AbuseDetector.Contracts.V1;
using Grpc.Core;

namespace AbuseDetector.ScaleOut.Tests;

/// <summary>What a supervisor sees through the service: a team's alert history and a call's incident.</summary>
internal static class TeamHistory
{
    /// <summary>Reads team <c>floor</c>'s history from its start (WatchAlerts, since_history_id "0") until it holds <paramref name="calls"/> threats and call ends.</summary>
    public static async Task<List<Alert>> ReadAsync(AbuseDetector.Contracts.V1.AbuseDetector.AbuseDetectorClient client, string tenant, int calls)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var watch = client.WatchAlerts(new WatchAlertsRequest { TenantId = tenant, TeamId = "floor", SinceHistoryId = "0" }, cancellationToken: limit.Token);
        var alerts = new List<Alert>();
        await foreach (var alert in watch.ResponseStream.ReadAllAsync(limit.Token))
        {
            alerts.Add(alert);
            if (alerts.Count(a => a.Kind == AlertKind.Threat) == calls && alerts.Count(a => a.Kind == AlertKind.CallEnded) == calls)
            {
                break;
            }
        }

        return alerts;
    }

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
