using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AbuseDetector.Web.Tests;

/// <summary>The incident list and the incident report, on incidents the real service kept in Redis.</summary>
public sealed class IncidentPagesTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Incidents_AbusiveCallEnded_ListedByAgentWithItsTimelineAndExportedAsJson()
    {
        // Arrange: two finished abusive calls, of two agents.
        var tenant = fixture.NewTenant();
        var kept = await TestCall.RunAbusiveCallAsync(fixture, tenant, "agent-9", "cust-2001");
        await TestCall.RunAbusiveCallAsync(fixture, tenant, "agent-4", "cust-2002");
        await using var context = await fixture.NewContextAsync();
        var problems = PageProblems.Watch(context);
        var page = await context.OpenDashboardAsync(tenant, tenant.Team1, "Alex");
        await page.GetByRole(AriaRole.Link, new() { Name = "Incidents" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/supervisor/incidents$"));
        await Expect(page.GetByTestId("incident-row")).ToHaveCountAsync(2);

        // Act 1: filter by agent.
        await page.GetByLabel("Agent id", new() { Exact = true }).FillAsync("agent-9");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();

        // Assert 1: only that agent's call, and the filter never reached the address.
        var row = page.GetByTestId("incident-row");
        await Expect(row).ToHaveCountAsync(1);
        await Expect(row).ToHaveAttributeAsync("data-call-id", kept.CallId);
        await Expect(row).ToContainTextAsync("agent-9");
        await Expect(row).ToContainTextAsync("End call permitted");
        Assert.EndsWith("/supervisor/incidents", page.Url, StringComparison.Ordinal);

        // Act 2: open the report.
        await row.GetByRole(AriaRole.Link).ClickAsync();

        // Assert 2: the summary and every utterance the service kept.
        await Expect(page).ToHaveURLAsync(new Regex("/supervisor/incident#call=" + Regex.Escape(Uri.EscapeDataString(kept.CallId)) + "$"));
        await Expect(page.GetByTestId("incident-summary")).ToContainTextAsync("agent-9");
        await Expect(page.GetByTestId("incident-summary")).ToContainTextAsync("cust-2001");
        await Expect(page.GetByTestId("timeline-row")).ToHaveCountAsync(kept.Timeline.Count);
        await Expect(page.GetByTestId("timeline-row").First).ToContainTextAsync(kept.Timeline[0].Excerpt);

        // Act 3: export.
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("export-json").ClickAsync());

        // Assert 3: a JSON file of the call.
        Assert.Equal($"incident-{kept.CallId}.json", download.SuggestedFilename);
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(await download.PathAsync()));
        Assert.Equal(kept.CallId, json.RootElement.GetProperty("callId").GetString());
        Assert.Equal("agent-9", json.RootElement.GetProperty("agentId").GetString());
        Assert.Equal(kept.Timeline.Count, json.RootElement.GetProperty("timeline").GetArrayLength());
        problems.AssertNone();
        fixture.AssertNoServerErrors();
    }

    [Fact]
    public async Task IncidentReport_OtherTeamsCall_SaysNoIncidentAndShowsNothingOfIt()
    {
        // Arrange
        var tenant = fixture.NewTenant();
        var kept = await TestCall.RunAbusiveCallAsync(fixture, tenant, "agent-9", "cust-3001");
        await using var context = await fixture.NewContextAsync();
        var page = await context.OpenDashboardAsync(tenant, tenant.Team2, "Sam");

        // Act
        await page.GotoAsync("/supervisor/incident#call=" + Uri.EscapeDataString(kept.CallId));

        // Assert
        await Expect(page.GetByTestId("incident-status")).ToContainTextAsync("No incident is kept for this call in your team");
        await Expect(page.GetByTestId("incident-summary")).ToBeHiddenAsync();
        await Expect(page.GetByTestId("timeline-row")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("export-json")).ToBeDisabledAsync();
        Assert.DoesNotContain("cust-3001", await page.ContentAsync(), StringComparison.Ordinal);
        fixture.AssertNoServerErrors();
    }

    [Fact]
    public async Task IncidentReport_FlaggedUtterances_TriggeringWordsHighlighted()
    {
        // Arrange
        var tenant = fixture.NewTenant();
        var kept = await TestCall.RunAbusiveCallAsync(fixture, tenant, "agent-9", "cust-4001");
        await using var context = await fixture.NewContextAsync();
        var page = await context.OpenDashboardAsync(tenant, tenant.Team1, "Alex");

        // Act
        await page.GotoAsync("/supervisor/incident#call=" + Uri.EscapeDataString(kept.CallId));

        // Assert
        await Expect(page.GetByTestId("timeline-row")).ToHaveCountAsync(kept.Timeline.Count);
        await Expect(page.GetByTestId("incident-timeline").Locator("tbody mark").First).ToBeVisibleAsync();
    }
}
