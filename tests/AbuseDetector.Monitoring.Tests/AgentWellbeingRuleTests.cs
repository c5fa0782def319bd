using AbuseDetector.Escalation;
using Microsoft.Extensions.Time.Testing;

namespace AbuseDetector.Monitoring.Tests;

/// <remarks>The store answers at once, so <see cref="AgentWellbeingRule.Count"/> has raised any alert when it returns.</remarks>
public sealed class AgentWellbeingRuleTests : IAsyncDisposable
{
    private readonly InMemoryIncidentStore _store = new();
    private readonly InProcessAlerts _alerts = new();
    private readonly AlertInbox _team;
    private readonly CallHistoryOptions _options = new() { WellbeingCallsInARow = 3, WellbeingCallsPerShift = 5, WellbeingShiftWindow = TimeSpan.FromHours(8) };

    public AgentWellbeingRuleTests()
    {
        _team = AlertInbox.Team(_alerts, Monitors.Call);
    }

    [Fact]
    public async Task Count_AbusiveCallsInARowReachTheThreshold_TellsTheTeamOnceAtExactlyThatCall()
    {
        // Arrange
        _options.WellbeingCallsPerShift = 1000;
        var rule = Rule(_store);

        // Act
        var alertsPerCall = new List<int>();
        for (var call = 1; call <= 6; call++)
        {
            rule.Count(Monitors.Call, abusive: true);
            alertsPerCall.Add((await _team.DrainAsync()).Count);
        }

        // Assert
        Assert.Equal([0, 0, 1, 0, 0, 0], alertsPerCall);
    }

    [Fact]
    public async Task Count_AbusiveCallsInTheShiftReachTheThreshold_TellsTheTeamOnceAtExactlyThatCall()
    {
        // Arrange: calm calls between keep the streak under three; the fifth abusive call in the shift is the seventh call.
        var rule = Rule(_store);
        bool[] calls = [true, true, false, true, true, false, true, true, false];

        // Act
        var alertsPerCall = new List<int>();
        foreach (var abusive in calls)
        {
            rule.Count(Monitors.Call, abusive);
            alertsPerCall.Add((await _team.DrainAsync()).Count);
        }

        // Assert
        Assert.Equal([0, 0, 0, 0, 0, 0, 1, 0, 0], alertsPerCall);
    }

    [Fact]
    public async Task Count_StreakResetByACalmCall_TellsTheTeamAgainAtTheNextStreak()
    {
        // Arrange
        _options.WellbeingCallsPerShift = 1000;
        var rule = Rule(_store);

        // Act
        var alertsPerCall = new List<int>();
        foreach (var abusive in new[] { true, true, true, false, true, true, true })
        {
            rule.Count(Monitors.Call, abusive);
            alertsPerCall.Add((await _team.DrainAsync()).Count);
        }

        // Assert
        Assert.Equal([0, 0, 1, 0, 0, 0, 1], alertsPerCall);
    }

    [Fact]
    public async Task Count_ThresholdReached_WarnsTheAgentsTeamWithTheCounts()
    {
        // Arrange
        var time = new FakeTimeProvider(Monitors.CallStart.AddHours(2));
        var rule = new AgentWellbeingRule(_store, _alerts, _options, time);
        rule.Count(Monitors.Call, abusive: true);
        rule.Count(Monitors.Call, abusive: true);

        // Act
        rule.Count(Monitors.Call, abusive: true);

        // Assert
        var alert = Assert.Single(await _team.DrainAsync());
        Assert.Equal(AlertKind.AgentWellbeing, alert.Kind);
        Assert.Equal(AlertAudience.Team, alert.Audience);
        Assert.Equal(AlertSeverity.Warning, alert.Severity);
        Assert.Equal(Monitors.Call, alert.Call);
        Assert.Equal(time.GetUtcNow(), alert.At);
        Assert.Equal("Agent agent-7 has taken 3 abusive calls in a row and 3 in the last 8 hours; consider offering a break.", alert.Reason);
    }

    [Fact]
    public async Task Count_CallsOfATeam_ListsTheAgentInThatTeamsWellbeingOnly()
    {
        // Arrange
        var rule = Rule(_store);
        var shift = _options.WellbeingShiftWindow;

        // Act
        rule.Count(Monitors.Call, abusive: true);
        rule.Count(Monitors.Call, abusive: true);
        rule.Count(Monitors.Call with { TeamId = "" }, abusive: false);

        // Assert: the calm call without a team ended the streak, and listed the agent for no team.
        var team = await _store.GetTeamWellbeingAsync(Monitors.Call.TenantId, Monitors.Call.TeamId, Monitors.CallStart, shift);
        Assert.Equal([new AgentShiftWellbeing(Monitors.Call.AgentId, 2, 0, Monitors.CallStart)], team);
        Assert.Empty(await _store.GetTeamWellbeingAsync(Monitors.Call.TenantId, "team-9", Monitors.CallStart, shift));
        Assert.Empty(await _store.GetTeamWellbeingAsync(Monitors.Call.TenantId, "", Monitors.CallStart, shift));
    }

    [Fact]
    public void Count_NoAgentId_NotCounted()
    {
        // Arrange
        var rule = Rule(_store);

        // Act
        rule.Count(Monitors.Call with { AgentId = "" }, abusive: true);

        // Assert
        Assert.Empty(_store.Outcomes);
    }

    [Fact]
    public async Task Count_StoreUnavailable_NoAlertAndNoThrow()
    {
        // Arrange
        _store.OutcomesUnavailable = true;
        var rule = Rule(_store);

        // Act
        for (var call = 1; call <= 5; call++)
        {
            rule.Count(Monitors.Call, abusive: true);
        }

        // Assert
        Assert.Empty(await _team.DrainAsync());
    }

    [Fact]
    public async Task Count_StoreKeepsNoCounts_NoAlert()
    {
        // Arrange
        var rule = Rule(new NoIncidentStore());

        // Act
        for (var call = 1; call <= 5; call++)
        {
            rule.Count(Monitors.Call, abusive: true);
        }

        // Assert
        Assert.Empty(await _team.DrainAsync());
    }

    public ValueTask DisposeAsync() => _team.DisposeAsync();

    private AgentWellbeingRule Rule(IIncidentStore store) => new(store, _alerts, _options, new FakeTimeProvider(Monitors.CallStart));
}
