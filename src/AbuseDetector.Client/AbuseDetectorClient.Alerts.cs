using System.Runtime.CompilerServices;
using AbuseDetector.Client.Internal;
using AbuseDetector.Contracts.V1;

namespace AbuseDetector.Client;

/// <summary>Alerts and incident notes: WatchAlerts, GetIncident, ListIncidents.</summary>
public sealed partial class AbuseDetectorClient
{
    private const string WatchAlertsPath = "/abuse_detector.v1.AbuseDetector/WatchAlerts";
    private const string GetIncidentPath = "/abuse_detector.v1.AbuseDetector/GetIncident";
    private const string ListIncidentsPath = "/abuse_detector.v1.AbuseDetector/ListIncidents";

    /// <summary>
    /// Streams the alerts of one team or agent as the service raises them; with <c>since_history_id</c> set, the missed
    /// alerts from the team's or agent's history come first. The stream runs until cancelled or the service ends it.
    /// </summary>
    /// <param name="request">Whose alerts, and where to resume their history.</param>
    /// <param name="cancellationToken">Ends the watch (status <c>CANCELLED</c>).</param>
    /// <returns>The alerts, in the order they were raised.</returns>
    /// <exception cref="AbuseDetectorRpcException">The service ended the watch with a status other than <c>OK</c>.</exception>
    public async IAsyncEnumerable<Alert> WatchAlertsAsync(WatchAlertsRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        // A watch is open-ended: the configured per-call deadline applies to requests, not to it.
        var call = GrpcClientCall<Alert>.Start(
            _http, _options, deadline: null, WatchAlertsPath, new ByteArrayContent(GrpcClientCall<Alert>.Frame(request, _options.CompressRequests)), Alert.Parser, cancellationToken);
        await using (call.ConfigureAwait(false))
        {
            while (await call.ReadNextAsync().ConfigureAwait(false) is { } alert)
            {
                yield return alert;
            }
        }
    }

    /// <summary>The incident notes of one call.</summary>
    /// <param name="request">The tenant and call.</param>
    /// <param name="cancellationToken">Cancels the call (status <c>CANCELLED</c>).</param>
    /// <returns>The incident.</returns>
    /// <exception cref="AbuseDetectorRpcException">The call failed, such as <c>NOT_FOUND</c> when the call has no incident.</exception>
    public Task<Incident> GetIncidentAsync(GetIncidentRequest request, CancellationToken cancellationToken = default)
        => UnaryAsync(GetIncidentPath, request, Incident.Parser, cancellationToken);

    /// <summary>Incident notes of a tenant, newest first, filtered by team, agent, customer and time.</summary>
    /// <param name="request">The filters.</param>
    /// <param name="cancellationToken">Cancels the call (status <c>CANCELLED</c>).</param>
    /// <returns>The incidents that matched.</returns>
    /// <exception cref="AbuseDetectorRpcException">The call failed, such as <c>INVALID_ARGUMENT</c> for a limit over 1000.</exception>
    public Task<ListIncidentsResponse> ListIncidentsAsync(ListIncidentsRequest request, CancellationToken cancellationToken = default)
        => UnaryAsync(ListIncidentsPath, request, ListIncidentsResponse.Parser, cancellationToken);
}
