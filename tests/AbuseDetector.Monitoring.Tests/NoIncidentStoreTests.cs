using AbuseDetector.Escalation;

namespace AbuseDetector.Monitoring.Tests;

public sealed class NoIncidentStoreTests
{
    private readonly NoIncidentStore _store = new();

    [Fact]
    public async Task GetAsync_AnyCall_IncidentsNotKept()
    {
        await Assert.ThrowsAsync<IncidentsNotKeptException>(() => _store.GetAsync("acme", "call-1"));
    }

    [Fact]
    public async Task ListAsync_AnyFilter_IncidentsNotKept()
    {
        await Assert.ThrowsAsync<IncidentsNotKeptException>(() => _store.ListAsync("acme", new IncidentFilter(), 10));
    }

    [Fact]
    public async Task GetCustomerHistoryAsync_AnyCaller_NothingOnRecord()
    {
        // Act
        var history = await _store.GetCustomerHistoryAsync("acme", "cust-9", TimeSpan.FromDays(30));

        // Assert
        Assert.Equal(CustomerHistory.None, history);
    }

    [Fact]
    public async Task RecordCallOutcomeAsync_AbusiveCall_NoCounts()
    {
        // Act
        var wellbeing = await _store.RecordCallOutcomeAsync("acme", "team-2", "agent-7", abusive: true, Monitors.CallStart, TimeSpan.FromHours(8));

        // Assert
        Assert.Null(wellbeing);
    }

    [Fact]
    public async Task GetTeamWellbeingAsync_AfterAnAbusiveCallOfTheTeam_Empty()
    {
        // Arrange
        await _store.RecordCallOutcomeAsync("acme", "team-2", "agent-7", abusive: true, Monitors.CallStart, TimeSpan.FromHours(8));

        // Act
        var team = await _store.GetTeamWellbeingAsync("acme", "team-2", Monitors.CallStart, TimeSpan.FromHours(8));

        // Assert
        Assert.Empty(team);
    }

    [Fact]
    public async Task Keep_Incident_NothingToReadBack()
    {
        // Arrange
        var incident = new Incident(Monitors.Call, Monitors.CallStart, Monitors.CallStart.AddMinutes(3), EscalationLevel.FinalWarning, IncidentOutcome.Completed, [], [], true, false);

        // Act
        _store.Keep(incident);

        // Assert
        await Assert.ThrowsAsync<IncidentsNotKeptException>(() => _store.GetAsync(Monitors.Call.TenantId, Monitors.Call.CallId));
    }
}
