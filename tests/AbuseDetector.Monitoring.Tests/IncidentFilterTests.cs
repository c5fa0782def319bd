using AbuseDetector.Escalation;

namespace AbuseDetector.Monitoring.Tests;

public sealed class IncidentFilterTests
{
    private static readonly Incident Incident = new(
        new CallParticipants("acme", "call-1", "agent-7", "team-2", "cust-9", "en"),
        Monitors.CallStart,
        Monitors.CallStart.AddMinutes(4),
        EscalationLevel.FinalWarning,
        IncidentOutcome.CallerHungUp,
        [],
        [],
        SupervisorAlerted: true,
        ThreatRaised: false);

    [Fact]
    public void Matches_NoCriteria_True()
    {
        Assert.True(new IncidentFilter().Matches(Incident));
    }

    [Theory]
    [InlineData("team-2", null, null, true)]
    [InlineData(null, "agent-7", null, true)]
    [InlineData(null, null, "cust-9", true)]
    [InlineData("team-2", "agent-7", "cust-9", true)]
    [InlineData("team-3", null, null, false)]
    [InlineData(null, "agent-8", null, false)]
    [InlineData(null, null, "cust-1", false)]
    [InlineData("team-2", "agent-7", "cust-1", false)]
    [InlineData("TEAM-2", null, null, false)]
    public void Matches_TeamAgentCustomer_EveryCriterionGivenMustMatch(string? teamId, string? agentId, string? customerId, bool matches)
    {
        // Arrange
        var filter = new IncidentFilter(teamId, agentId, customerId);

        // Act
        var result = filter.Matches(Incident);

        // Assert
        Assert.Equal(matches, result);
    }

    [Fact]
    public void Matches_TimesOutsideTheCall_StillTrueAsTimesAreTheIndexsBusiness()
    {
        // Arrange
        var filter = new IncidentFilter(From: Monitors.CallStart.AddDays(1), To: Monitors.CallStart.AddDays(2));

        // Act
        var result = filter.Matches(Incident);

        // Assert
        Assert.True(result);
    }
}
