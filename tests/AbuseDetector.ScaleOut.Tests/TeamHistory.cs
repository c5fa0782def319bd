using AbuseDetector.Contracts.V1;
using Grpc.Core;

namespace AbuseDetector.ScaleOut.Tests;

/// <summary>A team's alert history, read back through the service (WatchAlerts from the start).</summary>
internal static class TeamHistory
{
    /// <summary>Reads the team's history until it holds <paramref name="callsEnded"/> call_ended alerts.</summary>
    public static async Task<List<Alert>> ReadAsync(AbuseDetector.Contracts.V1.AbuseDetector.AbuseDetectorClient client, string tenant, string team, int callsEnded)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var watch = client.WatchAlerts(new WatchAlertsRequest { TenantId = tenant, TeamId = team, SinceHistoryId = "0" }, cancellationToken: limit.Token);
        var alerts = new List<Alert>();
        await foreach (var alert in watch.ResponseStream.ReadAllAsync(limit.Token))
        {
            alerts.Add(alert);
            if (alerts.Count(a => a.Kind == AlertKind.CallEnded) == callsEnded)
            {
                break;
            }
        }

        return alerts;
    }

    /// <summary>Alerts as kind and level, in order: what must be the same for calls with the same transcript.</summary>
    public static string Summary(IEnumerable<Alert> alerts) => string.Join(", ", alerts.Select(a => $"{a.Kind}@{a.Level}"));
}
