using AbuseDetector.Contracts.V1;
using static Microsoft.Playwright.Assertions;

namespace AbuseDetector.Web.Tests;

/// <summary>axe-core on every page, with data on it: no violation of serious or critical impact.</summary>
public sealed class AccessibilityTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [Theory]
    [InlineData("/supervisor/sign-in")]
    [InlineData("/agent/sign-in")]
    public async Task SignInPage_Empty_NoSeriousViolations(string path)
    {
        await using var context = await fixture.NewContextAsync(forAxe: true);
        var page = await context.NewPageAsync();
        await page.GotoAsync(path);
        await Axe.AssertNoSeriousViolationsAsync(page);
    }

    [Fact]
    public async Task SignInPage_Refused_NoSeriousViolations()
    {
        var tenant = fixture.NewTenant();
        await using var context = await fixture.NewContextAsync(forAxe: true);
        var page = await context.NewPageAsync();
        await page.SignInAsSupervisorAsync(tenant, tenant.Team1, "Alex", "wrong-token-0123456789");
        await Expect(page.GetByTestId("sign-in-message")).Not.ToBeEmptyAsync();
        await Axe.AssertNoSeriousViolationsAsync(page);
    }

    [Fact]
    public async Task Dashboard_WithLiveCallsAlertsAndWellbeing_NoSeriousViolations()
    {
        // Arrange
        var tenant = fixture.NewTenant();
        await using var context = await fixture.NewContextAsync(forAxe: true);
        var page = await context.OpenDashboardAsync(tenant, tenant.Team1, "Alex");
        await using var team = await BusyTeam.StartAsync(fixture, tenant);
        await Expect(page.GetByTestId("call-row")).ToHaveCountAsync(4);
        await Expect(page.Alerts(team.Threat, "threat")).ToHaveCountAsync(1);
        await page.Alerts(team.Threat, "threat").GetByTestId("join-button").ClickAsync();
        await Expect(page.Alerts(team.Threat, "threat").GetByTestId("alert-taken")).ToBeVisibleAsync();
        await page.ReloadAsync(); // wellbeing is read at load
        await Expect(page.GetByTestId("wellbeing-row")).Not.ToHaveCountAsync(0);

        // Act and assert
        await Axe.AssertNoSeriousViolationsAsync(page);
    }

    [Fact]
    public async Task AgentPanel_DuringAThreatWithASupervisorJoining_NoSeriousViolations()
    {
        // Arrange
        var tenant = fixture.NewTenant();
        await using var desks = await SupervisorAndAgent.OpenAsync(fixture, tenant, "Alex", "agent-7", forAxe: true);
        var panel = desks.Panel;
        await desks.Call.CustomerSaysFlaggedAsync(Lines.Threat, Category.Threat);
        await desks.Dashboard.Alerts(desks.Call, "threat").GetByTestId("join-button").ClickAsync();
        await Expect(panel.GetByTestId("supervisor-response")).ToBeVisibleAsync();
        await Expect(panel.GetByTestId("end-call-permitted")).ToBeVisibleAsync();

        // Act and assert
        await Axe.AssertNoSeriousViolationsAsync(panel);
    }

    [Fact]
    public async Task AgentPanel_NoCall_NoSeriousViolations()
    {
        var tenant = fixture.NewTenant();
        await using var context = await fixture.NewContextAsync(360, 640, forAxe: true);
        var panel = await context.OpenAgentPanelAsync(tenant, tenant.Team1, "agent-7");
        await Axe.AssertNoSeriousViolationsAsync(panel);
    }

    [Fact]
    public async Task IncidentPages_WithAnIncident_NoSeriousViolations()
    {
        // Arrange
        var tenant = fixture.NewTenant();
        var kept = await TestCall.RunAbusiveCallAsync(fixture, tenant, "agent-9", "cust-5001");
        await using var context = await fixture.NewContextAsync(forAxe: true);
        var page = await context.OpenDashboardAsync(tenant, tenant.Team1, "Alex");

        // Act and assert: the list.
        await page.GotoAsync("/supervisor/incidents");
        var row = page.Locator($"[data-testid='incident-row'][data-call-id='{kept.CallId}']");
        await Expect(row).ToHaveCountAsync(1);
        await Axe.AssertNoSeriousViolationsAsync(page);

        // The report.
        await row.GetByRole(Microsoft.Playwright.AriaRole.Link).ClickAsync();
        await Expect(page.GetByTestId("timeline-row")).Not.ToHaveCountAsync(0);
        await Axe.AssertNoSeriousViolationsAsync(page);
    }
}
