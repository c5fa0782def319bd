using AbuseDetector.Escalation;
using Microsoft.Extensions.Time.Testing;

namespace AbuseDetector.Monitoring.Tests;

public sealed class RepeatCallerRuleTests : IAsyncDisposable
{
    private static readonly CallParticipants KnownCaller = Monitors.Call with { CustomerId = "cust-9" };

    private readonly InMemoryIncidentStore _store = new();
    private readonly InProcessAlerts _alerts = new();
    private readonly FakeTimeProvider _time = new(Monitors.CallStart);
    private readonly AlertInbox _agent;
    private readonly RepeatCallerRule _rule;

    public RepeatCallerRuleTests()
    {
        _agent = AlertInbox.Agent(_alerts, KnownCaller);
        _rule = new RepeatCallerRule(_store, _alerts, new CallHistoryOptions(), _time);
    }

    [Fact]
    public async Task CheckAsync_CallerWithSeriousIncidents_RaisesWarningHeadsUpForTheAgent()
    {
        // Arrange
        _store.AnswerHistory = _ => Task.FromResult(new CustomerHistory(2, IncidentOutcome.CallerHungUp, EscalationLevel.FinalWarning, Monitors.CallStart.AddDays(-3)));

        // Act
        var alert = await _rule.CheckAsync(KnownCaller, CancellationToken.None);

        // Assert
        Assert.NotNull(alert);
        Assert.Equal(AlertKind.RepeatCaller, alert.Kind);
        Assert.Equal(AlertAudience.Agent, alert.Audience);
        Assert.Equal(AlertSeverity.Warning, alert.Severity);
        Assert.Equal(Monitors.CallStart, alert.At);
        Assert.Equal("This caller has 2 incidents on record in the last 30 days. The last one reached final_warning and ended with the caller hanging up.", alert.Reason);
        Assert.Equal([alert], await _agent.DrainAsync());
    }

    [Fact]
    public async Task CheckAsync_OneIncidentBelowFinalWarning_InfoHeadsUp()
    {
        // Arrange
        _store.AnswerHistory = _ => Task.FromResult(new CustomerHistory(1, IncidentOutcome.Completed, EscalationLevel.Warning, Monitors.CallStart.AddDays(-1)));

        // Act
        var alert = await _rule.CheckAsync(KnownCaller, CancellationToken.None);

        // Assert
        Assert.NotNull(alert);
        Assert.Equal(AlertSeverity.Info, alert.Severity);
        Assert.Equal("This caller has 1 incident on record in the last 30 days. The last one reached warning and ended normally.", alert.Reason);
    }

    [Fact]
    public async Task CheckAsync_NothingOnRecord_NoHeadsUp()
    {
        // Act
        var alert = await _rule.CheckAsync(KnownCaller, CancellationToken.None);

        // Assert
        Assert.Null(alert);
        Assert.Equal(1, _store.HistoryLookups);
        Assert.Empty(await _agent.DrainAsync());
    }

    [Fact]
    public async Task CheckAsync_UnknownCaller_StoreNotAsked()
    {
        // Arrange
        _store.AnswerHistory = _ => Task.FromResult(new CustomerHistory(5, IncidentOutcome.EndedByAgent, EscalationLevel.EndCallPermitted, Monitors.CallStart));

        // Act
        var alert = await _rule.CheckAsync(Monitors.Call, CancellationToken.None);

        // Assert
        Assert.Null(alert);
        Assert.Equal(0, _store.HistoryLookups);
    }

    [Fact]
    public async Task CheckAsync_CallerCancels_OperationCanceled()
    {
        // Arrange: the store never answers; the caller's stream goes away.
        _store.AnswerHistory = _ => new TaskCompletionSource<CustomerHistory>().Task;
        using var cancel = new CancellationTokenSource();
        var checking = _rule.CheckAsync(KnownCaller, cancel.Token);

        // Act
        await cancel.CancelAsync();

        // Assert
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => checking.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    public ValueTask DisposeAsync() => _agent.DisposeAsync();
}
