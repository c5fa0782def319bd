using AbuseDetector.Contracts.V1;
using static Microsoft.Playwright.Assertions;

namespace AbuseDetector.Web.Tests;

/// <summary>The agent panel beside the supervisor dashboard, each in its own browser context, on calls streamed to the real service.</summary>
public sealed class AgentPanelTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Threat_DuringACall_PanelShowsTheLevelTheLineAndThatEndingIsPermitted()
    {
        // Arrange
        var tenant = fixture.NewTenant();
        await using var context = await fixture.NewContextAsync(420, 720);
        var problems = PageProblems.Watch(context);
        var panel = await context.OpenAgentPanelAsync(tenant, tenant.Team1, "agent-7");
        await using var call = await TestCall.StartAsync(fixture, tenant, tenant.Team1.TeamId, "agent-7");
        await call.SayAsync(Speaker.Agent, Lines.AgentGreeting);
        await Expect(panel.GetByTestId("agent-level")).ToHaveTextAsync("None");
        await Expect(panel.GetByTestId("end-call-permitted")).ToHaveCountAsync(0);

        // Act
        await call.CustomerSaysFlaggedAsync(Lines.Threat, Category.Threat);
        await call.WaitForLevelAsync(EscalationLevel.EndCallPermitted);

        // Assert
        await Expect(panel.GetByTestId("agent-level")).ToHaveTextAsync("End call permitted");
        await Expect(panel.GetByTestId("end-call-permitted")).ToHaveTextAsync("Ending the call is permitted");
        await Expect(panel.GetByTestId("recommended-line")).ToBeVisibleAsync();
        await Expect(panel.GetByTestId("recommended-line")).Not.ToBeEmptyAsync();
        await Expect(panel.Locator("[data-testid='agent-alert'][data-kind='threat']")).ToHaveCountAsync(1);
        problems.AssertNone();
        fixture.AssertNoServerErrors();
    }

    [Fact]
    public async Task Join_OnTheThreatAlert_AgentPanelShowsTheSupervisorAndTheAlertIsTaken()
    {
        // Arrange: the supervisor's dashboard and the agent's panel, in two browser contexts.
        var tenant = fixture.NewTenant();
        await using var desks = await SupervisorAndAgent.OpenAsync(fixture, tenant, "Alex", "agent-7");
        var (dashboard, panel, call) = (desks.Dashboard, desks.Panel, desks.Call);
        await call.SayAsync(Speaker.Agent, Lines.AgentGreeting);
        await call.CustomerSaysFlaggedAsync(Lines.Threat, Category.Threat);
        var threat = dashboard.Alerts(call, "threat");
        await Expect(threat).ToHaveCountAsync(1);
        await Expect(panel.GetByTestId("supervisor-response")).ToHaveCountAsync(0);

        // Act
        await threat.GetByTestId("join-button").ClickAsync();

        // Assert
        await Expect(panel.GetByTestId("supervisor-response")).ToHaveTextAsync("Alex is joining your call");
        await Expect(threat.GetByTestId("alert-taken")).ToHaveTextAsync("Alex is joining");
        await Expect(dashboard.CallRow(call)).ToContainTextAsync("Alex is joining");
        desks.AssertNoPageProblems();
        fixture.AssertNoServerErrors();
    }

    [Fact]
    public async Task Acknowledge_OnTheThreatAlert_AgentPanelSaysHelpIsComing()
    {
        // Arrange
        var tenant = fixture.NewTenant();
        await using var desks = await SupervisorAndAgent.OpenAsync(fixture, tenant, "Robin", "agent-8");
        await desks.Call.CustomerSaysFlaggedAsync(Lines.Threat, Category.Threat);
        var threat = desks.Dashboard.Alerts(desks.Call, "threat");

        // Act
        await threat.GetByTestId("ack-button").ClickAsync();

        // Assert
        await Expect(desks.Panel.GetByTestId("supervisor-response")).ToHaveTextAsync("Robin acknowledged - help is coming");
        await Expect(threat.GetByTestId("alert-taken")).ToHaveTextAsync("Acknowledged by Robin");
        desks.AssertNoPageProblems();
        fixture.AssertNoServerErrors();
    }

    [Fact]
    public async Task RequestSupervisor_DuringACalmCall_SupervisorNeededAlertOnTheDashboard()
    {
        // Arrange
        var tenant = fixture.NewTenant();
        await using var desks = await SupervisorAndAgent.OpenAsync(fixture, tenant, "Alex", "agent-7");
        var (dashboard, panel, call) = (desks.Dashboard, desks.Panel, desks.Call);
        await call.SayAsync(Speaker.Customer, Lines.CalmQuestion);
        await Expect(panel.GetByTestId("agent-level")).ToHaveTextAsync("None");
        await Expect(dashboard.CallRow(call)).ToBeVisibleAsync();
        await Expect(dashboard.Alerts(call, "supervisor_needed")).ToHaveCountAsync(0);

        // Act
        await panel.GetByTestId("request-supervisor").ClickAsync();

        // Assert
        await Expect(panel.GetByTestId("request-status")).ToHaveTextAsync("Supervisor requested");
        await Expect(dashboard.Alerts(call, "supervisor_needed")).ToHaveCountAsync(1);
        await Expect(dashboard.Alerts(call, "supervisor_needed")).ToContainTextAsync("agent-7");
        desks.AssertNoPageProblems();
        fixture.AssertNoServerErrors();
    }

    [Fact]
    public async Task RequestSupervisor_WithoutALiveCall_PanelSaysThereIsNoCall()
    {
        // Arrange
        var tenant = fixture.NewTenant();
        await using var context = await fixture.NewContextAsync(420, 720);
        var panel = await context.OpenAgentPanelAsync(tenant, tenant.Team1, "agent-7");
        await Expect(panel.GetByTestId("agent-level")).ToHaveTextAsync("No active call");

        // Act
        await panel.GetByTestId("request-supervisor").ClickAsync();

        // Assert
        await Expect(panel.GetByTestId("request-status")).ToContainTextAsync("no live call");
        fixture.AssertNoServerErrors();
    }
}
