using AbuseDetector.Contracts.V1;
using Grpc.Core;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AbuseDetector.Web.Tests;

/// <summary>The supervisor dashboard against live calls streamed to the real service: calls, levels, alerts, teams apart, reloads, wellbeing.</summary>
public sealed class SupervisorDashboardTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task LiveCall_AbuseThenAThreat_RowLevelRisesAndAThreatAlertAppears()
    {
        // Arrange
        var tenant = fixture.NewTenant();
        await using var context = await fixture.NewContextAsync();
        var problems = PageProblems.Watch(context);
        var page = await context.OpenDashboardAsync(tenant, tenant.Team1, "Alex");
        await using var call = await TestCall.StartAsync(fixture, tenant, tenant.Team1.TeamId, "agent-7");
        var row = page.CallRow(call);
        await Expect(row).ToBeVisibleAsync();
        await Expect(row.GetByTestId("call-level")).ToHaveTextAsync("None");

        // Act and assert: each level the service reaches shows in the call's row.
        await call.ReplaySampleAsync("persistent-swearing", 1, 2);
        await call.WaitForLevelAsync(EscalationLevel.Notice);
        await Expect(row.GetByTestId("call-level")).ToHaveTextAsync("Notice");

        await call.ReplaySampleAsync("persistent-swearing", 3, 4);
        await call.WaitForLevelAsync(EscalationLevel.Warning);
        await Expect(row.GetByTestId("call-level")).ToHaveTextAsync("Warning");
        await Expect(page.Alerts(call, "threat")).ToHaveCountAsync(0);

        await call.CustomerSaysFlaggedAsync(Lines.Threat, Category.Threat);
        var threat = page.Alerts(call, "threat");
        await Expect(threat).ToHaveCountAsync(1);
        await Expect(threat).ToContainTextAsync("Critical - threat");
        await Expect(threat).ToContainTextAsync("agent-7");
        await call.WaitForLevelAsync(EscalationLevel.EndCallPermitted);
        await Expect(row.GetByTestId("call-level")).ToHaveTextAsync("End call permitted");
        await Expect(row).ToContainTextAsync("Threat");
        problems.AssertNone();
        fixture.AssertNoServerErrors();
    }

    [Fact]
    public async Task LiveCall_Ends_RowLeavesTheTable()
    {
        // Arrange
        var tenant = fixture.NewTenant();
        await using var context = await fixture.NewContextAsync();
        var page = await context.OpenDashboardAsync(tenant, tenant.Team1, "Alex");
        await using var call = await TestCall.StartAsync(fixture, tenant, tenant.Team1.TeamId, "agent-3");
        await call.SayAsync(Speaker.Agent, Lines.AgentGreeting);
        await Expect(page.CallRow(call)).ToBeVisibleAsync();

        // Act
        await call.EndAsync(CallEndReason.Completed);

        // Assert
        await Expect(page.CallRow(call)).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("live-calls")).ToContainTextAsync("No live calls right now.");
    }

    [Fact]
    public async Task OtherTeam_SameTenant_SeesNoneOfTheTeamsCallsOrAlerts()
    {
        // Arrange: both supervisors watching before the call starts.
        var tenant = fixture.NewTenant();
        await using var team1Context = await fixture.NewContextAsync();
        await using var team2Context = await fixture.NewContextAsync();
        var team1 = await team1Context.OpenDashboardAsync(tenant, tenant.Team1, "Alex");
        var team2 = await team2Context.OpenDashboardAsync(tenant, tenant.Team2, "Sam");
        await Expect(team2.GetByTestId("live-calls")).ToContainTextAsync("No live calls right now.");

        // Act
        await using var call = await TestCall.StartAsync(fixture, tenant, tenant.Team1.TeamId, "agent-7");
        await call.ReplaySampleAsync("persistent-swearing", 1, 4);
        await call.CustomerSaysFlaggedAsync(Lines.Threat, Category.Threat);

        // Assert: team 1 sees the call and its alert; by then team 2 has had the same events and shows nothing.
        await Expect(team1.CallRow(call)).ToBeVisibleAsync();
        await Expect(team1.Alerts(call, "threat")).ToHaveCountAsync(1);
        await Expect(team2.GetByTestId("call-row")).ToHaveCountAsync(0);
        await Expect(team2.GetByTestId("alert")).ToHaveCountAsync(0);
        await team2.ReloadAsync();
        await team2.ExpectLiveAsync();
        await Expect(team2.GetByTestId("live-calls")).ToContainTextAsync("No live calls right now.");
        await Expect(team2.GetByTestId("call-row")).ToHaveCountAsync(0);
        await Expect(team2.GetByTestId("alert")).ToHaveCountAsync(0);
        fixture.AssertNoServerErrors();
    }

    [Fact]
    public async Task Reload_MidCall_EveryAlertTheServicePublishedShownOnce()
    {
        // Arrange: the team's alerts as the service publishes them, from the start of its history (gRPC WatchAlerts).
        var tenant = fixture.NewTenant();
        await using var published = new Collector<Alert>(ct => fixture.Client(tenant)
            .WatchAlerts(new WatchAlertsRequest { TenantId = tenant.TenantId, TeamId = tenant.Team1.TeamId, SinceHistoryId = "0" }, cancellationToken: ct)
            .ResponseStream.ReadAllAsync(ct));
        await using var context = await fixture.NewContextAsync();
        var problems = PageProblems.Watch(context);
        var page = await context.OpenDashboardAsync(tenant, tenant.Team1, "Alex");
        await using var call = await TestCall.StartAsync(fixture, tenant, tenant.Team1.TeamId, "agent-7");
        var shown = new List<string>();

        // Act 1: up to the final warning, with the page open.
        await call.ReplaySampleAsync("persistent-swearing", 1, 7);
        shown.AddRange(await ShownOnceAsync(page, call, published, expected: 2, publishedSoFar: 2));

        // Act 2: the page goes away, alerts are published meanwhile, and the page comes back in the same tab.
        await page.GotoAsync("about:blank");
        await call.ReplaySampleAsync("persistent-swearing", 8, 9);
        await Eventually.TrueAsync(() => OfCall(published, call).Count >= 4, "the service published the end_call_permitted alerts");
        await page.GotoAsync("/supervisor");
        await page.ExpectLiveAsync();
        shown.AddRange(await ShownOnceAsync(page, call, published, expected: 2, publishedSoFar: 4));

        // Act 3: a plain reload, then the call ends.
        await page.ReloadAsync();
        await page.ExpectLiveAsync();
        await call.ReplaySampleAsync("persistent-swearing", 10, 11);
        await call.EndAsync();
        shown.AddRange(await ShownOnceAsync(page, call, published, expected: 1, publishedSoFar: 5));

        // Assert: each alert the service published for the call was shown exactly once over the page's life.
        var all = OfCall(published, call);
        Assert.Equal(5, all.Count);
        Assert.Equal(all.Select(a => a.AlertId).Order(StringComparer.Ordinal), shown.Order(StringComparer.Ordinal));
        Assert.Equal(AlertKind.CallEnded, all[^1].Kind);
        var kept = await page.EvaluateAsync<string?>("() => sessionStorage.getItem('abuse-detector.supervisor.last-alert-id')");
        Assert.Equal(all[^1].HistoryId, kept);
        Assert.Null(published.Error);
        problems.AssertNone();
        fixture.AssertNoServerErrors();
    }

    [Fact]
    public async Task Wellbeing_ThreeAbusiveCallsEnd_AgentsRowShowsThemInARow()
    {
        // Arrange
        var tenant = fixture.NewTenant();
        await using var context = await fixture.NewContextAsync();
        var page = await context.OpenDashboardAsync(tenant, tenant.Team1, "Alex");
        var rows = page.Locator("[data-testid='wellbeing-row'][data-agent-id='agent-5']");
        await Expect(page.GetByTestId("wellbeing")).ToContainTextAsync("No abusive calls this shift.");

        // Act
        for (var i = 0; i < 3; i++)
        {
            await using var call = await TestCall.StartAsync(fixture, tenant, tenant.Team1.TeamId, "agent-5");
            await call.ReplaySampleAsync("persistent-swearing");
            await call.EndAsync();
            Assert.True(call.Level >= EscalationLevel.FinalWarning, $"call {i} reached {call.Level}");
        }

        // Assert
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows).ToContainTextAsync("3 in a row");
        await Expect(rows.Locator("td").First).ToHaveTextAsync("3");
        fixture.AssertNoServerErrors();
    }

    /// <summary>
    /// Waits until the service published <paramref name="publishedSoFar"/> alerts of the call and the page shows
    /// <paramref name="expected"/> of them, none twice, and returns their ids.
    /// </summary>
    private static async Task<IReadOnlyList<string>> ShownOnceAsync(IPage page, TestCall call, Collector<Alert> published, int expected, int publishedSoFar)
    {
        await Eventually.TrueAsync(() => OfCall(published, call).Count >= publishedSoFar, $"the service published {publishedSoFar} alerts of the call");
        await Expect(page.Alerts(call)).ToHaveCountAsync(expected);
        var ids = await page.AlertIdsAsync(call);
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        var publishedIds = OfCall(published, call).Select(a => a.AlertId).ToHashSet(StringComparer.Ordinal);
        Assert.All(ids, id => Assert.Contains(id, publishedIds));
        return ids;
    }

    private static List<Alert> OfCall(Collector<Alert> published, TestCall call) => [.. published.Items.Where(a => a.CallId == call.CallId)];
}
