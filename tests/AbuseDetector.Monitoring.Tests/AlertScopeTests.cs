using AbuseDetector.Escalation;

namespace AbuseDetector.Monitoring.Tests;

public sealed class AlertScopeTests
{
    [Theory]
    [InlineData("acme", "t1", "a1", AlertAudience.Team, true)]
    [InlineData("acme", "t1", "a1", AlertAudience.AgentAndTeam, true)]
    [InlineData("acme", "t1", "a1", AlertAudience.Agent, false)]
    [InlineData("acme", "t2", "a1", AlertAudience.Team, false)]
    [InlineData("globex", "t1", "a1", AlertAudience.Team, false)]
    [InlineData("ACME", "t1", "a1", AlertAudience.Team, false)]
    [InlineData("acme", "T1", "a1", AlertAudience.Team, false)]
    public void Includes_TeamScope_TeamAlertsOfThatTenantsTeam(string tenantId, string teamId, string agentId, AlertAudience audience, bool included)
    {
        // Arrange
        var scope = AlertScope.Team("acme", "t1");

        // Act
        var includes = scope.Includes(Alerts.For(tenantId, teamId, agentId, audience));

        // Assert
        Assert.Equal(included, includes);
    }

    [Theory]
    [InlineData("acme", "t1", "a1", AlertAudience.Agent, true)]
    [InlineData("acme", "t9", "a1", AlertAudience.AgentAndTeam, true)]
    [InlineData("acme", "t1", "a1", AlertAudience.Team, false)]
    [InlineData("acme", "t1", "a2", AlertAudience.Agent, false)]
    [InlineData("globex", "t1", "a1", AlertAudience.Agent, false)]
    public void Includes_AgentScope_AgentAlertsOfThatTenantsAgent(string tenantId, string teamId, string agentId, AlertAudience audience, bool included)
    {
        // Arrange
        var scope = AlertScope.Agent("acme", "a1");

        // Act
        var includes = scope.Includes(Alerts.For(tenantId, teamId, agentId, audience));

        // Assert
        Assert.Equal(included, includes);
    }

    [Fact]
    public void Team_TenantAndTeam_NoAgent()
    {
        Assert.Equal(new AlertScope("acme", "t1", null), AlertScope.Team("acme", "t1"));
    }

    [Fact]
    public void Agent_TenantAndAgent_NoTeam()
    {
        Assert.Equal(new AlertScope("acme", null, "a1"), AlertScope.Agent("acme", "a1"));
    }
}
