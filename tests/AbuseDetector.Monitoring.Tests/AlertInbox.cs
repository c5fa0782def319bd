using AbuseDetector.Escalation;

namespace AbuseDetector.Monitoring.Tests;

/// <summary>
/// A watch on <see cref="InProcessAlerts"/> the way WatchAlerts holds one. <see cref="DrainAsync"/> raises a marker alert
/// through the same sink and returns everything delivered before it: raising is synchronous, so an alert missing from
/// the list was never raised.
/// </summary>
internal sealed class AlertInbox : IAsyncDisposable
{
    private const string MarkerPrefix = "marker-";
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(10);

    private readonly InProcessAlerts _alerts;
    private readonly CallParticipants _call;
    private readonly CancellationTokenSource _stop = new();
    private readonly IAlertWatch _opened;
    private readonly IAsyncEnumerator<WatchedAlert> _watch;

    private AlertInbox(InProcessAlerts alerts, CallParticipants call, AlertScope scope)
    {
        _alerts = alerts;
        _call = call;

        // The in-process feed opens its watches at once.
        _opened = alerts.WatchAsync(scope, since: null).GetAwaiter().GetResult();
        _watch = _opened.ReadAllAsync(_stop.Token).GetAsyncEnumerator(_stop.Token);
    }

    /// <summary>The supervisors' view of the call's team.</summary>
    public static AlertInbox Team(InProcessAlerts alerts, CallParticipants call) => new(alerts, call, AlertScope.Team(call.TenantId, call.TeamId));

    /// <summary>The agent's softphone view.</summary>
    public static AlertInbox Agent(InProcessAlerts alerts, CallParticipants call) => new(alerts, call, AlertScope.Agent(call.TenantId, call.AgentId));

    public async Task<IReadOnlyList<Alert>> DrainAsync()
    {
        var marker = MarkerPrefix + Guid.NewGuid().ToString("N");
        _alerts.Raise(new Alert(marker, _call, AlertKind.LevelChanged, AlertAudience.AgentAndTeam, EscalationLevel.None, "", AlertSeverity.Info, "marker", [], "", 0, DateTimeOffset.UnixEpoch));
        var delivered = new List<Alert>();
        while (await _watch.MoveNextAsync().AsTask().WaitAsync(ReadTimeout))
        {
            var alert = _watch.Current.Alert;
            if (string.Equals(alert.AlertId, marker, StringComparison.Ordinal))
            {
                return delivered;
            }

            // Another inbox's marker on the same sink is not an alert the monitor raised.
            if (!alert.AlertId.StartsWith(MarkerPrefix, StringComparison.Ordinal))
            {
                delivered.Add(alert);
            }
        }

        Assert.Fail("The watch ended before the marker alert arrived.");
        return delivered;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _watch.DisposeAsync();
        await _opened.DisposeAsync();
        _stop.Dispose();
    }
}
