using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace AbuseDetector.Web.Tests;

/// <summary>What the tests do on the pages as a person would: fill the sign-in forms by their labels and press the buttons.</summary>
internal static class Pages
{
    private static readonly PageGetByLabelOptions Exactly = new() { Exact = true };

    /// <summary>Opens the supervisor sign-in page, fills it in and presses "Sign in"; returns the answer to the form post.</summary>
    public static Task<IResponse> SignInAsSupervisorAsync(this IPage page, TestTenant tenant, TestTeam team, string name, string? token = null) =>
        SignInAsync(page, "/supervisor/sign-in", tenant.TenantId, team.TeamId, ("Your name", name), ("Supervisor token", token ?? team.SupervisorToken));

    /// <summary>Opens the agent sign-in page, fills it in and presses "Sign in"; returns the answer to the form post.</summary>
    public static Task<IResponse> SignInAsAgentAsync(this IPage page, TestTenant tenant, TestTeam team, string agentId, string? token = null) =>
        SignInAsync(page, "/agent/sign-in", tenant.TenantId, team.TeamId, ("Agent id", agentId), ("Agent token", token ?? team.AgentToken));

    /// <summary>A new page in <paramref name="context"/>, signed in as the team's supervisor, on a live dashboard.</summary>
    public static Task<IPage> OpenDashboardAsync(this IBrowserContext context, TestTenant tenant, TestTeam team, string name) =>
        OpenAsync(context, "/supervisor", page => page.SignInAsSupervisorAsync(tenant, team, name));

    /// <summary>A new page in <paramref name="context"/>, signed in as the agent, on a live agent panel.</summary>
    public static Task<IPage> OpenAgentPanelAsync(this IBrowserContext context, TestTenant tenant, TestTeam team, string agentId) =>
        OpenAsync(context, "/agent", page => page.SignInAsAgentAsync(tenant, team, agentId));

    /// <summary>Waits until the page's event stream is open ("Live" in the connection state).</summary>
    public static Task ExpectLiveAsync(this IPage page) =>
        Assertions.Expect(page.GetByTestId("connection-state")).ToHaveTextAsync("Live");

    /// <summary>The dashboard's row of a call.</summary>
    public static ILocator CallRow(this IPage page, TestCall call) =>
        page.Locator($"[data-testid='call-row'][data-call-id='{call.CallId}']");

    /// <summary>The dashboard's alerts of a call, of one kind or of every kind.</summary>
    public static ILocator Alerts(this IPage page, TestCall call, string? kind = null) =>
        page.Locator($"[data-testid='alert'][data-call-id='{call.CallId}']" + (kind is null ? "" : $"[data-kind='{kind}']"));

    /// <summary>The alert ids the page shows now, in page order, repeats included.</summary>
    public static async Task<IReadOnlyList<string>> AlertIdsAsync(this IPage page, TestCall call)
    {
        var ids = new List<string>();
        foreach (var alert in await page.Alerts(call).AllAsync())
        {
            ids.Add(await alert.GetAttributeAsync("data-alert-id") ?? "");
        }

        return ids;
    }

    private static async Task<IPage> OpenAsync(IBrowserContext context, string path, Func<IPage, Task<IResponse>> signIn)
    {
        var page = await context.NewPageAsync();
        await signIn(page);
        await Assertions.Expect(page).ToHaveURLAsync(new Regex(Regex.Escape(path) + "$"));
        await page.ExpectLiveAsync();
        return page;
    }

    private static async Task<IResponse> SignInAsync(IPage page, string path, string tenantId, string teamId, (string Label, string Value) person, (string Label, string Value) token)
    {
        await page.GotoAsync(path);
        await page.GetByLabel("Tenant", Exactly).FillAsync(tenantId);
        await page.GetByLabel("Team", Exactly).FillAsync(teamId);
        await page.GetByLabel(person.Label, Exactly).FillAsync(person.Value);
        await page.GetByLabel(token.Label, Exactly).FillAsync(token.Value);
        return await page.RunAndWaitForResponseAsync(
            () => page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync(),
            response => response.Request.Method == "POST" && response.Url.EndsWith(path, StringComparison.Ordinal));
    }
}
