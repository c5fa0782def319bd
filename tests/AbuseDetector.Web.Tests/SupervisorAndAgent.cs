using Microsoft.Playwright;

namespace AbuseDetector.Web.Tests;

/// <summary>
/// A supervisor's dashboard and an agent's panel, each in a browser context of its own (as on two desks), and a live call
/// of that agent; the problems of both pages are recorded.
/// </summary>
internal sealed class SupervisorAndAgent : IAsyncDisposable
{
    private readonly IBrowserContext _supervisorContext;
    private readonly IBrowserContext _agentContext;
    private readonly PageProblems _problems;

    private SupervisorAndAgent(IBrowserContext supervisorContext, IBrowserContext agentContext, PageProblems problems, IPage dashboard, IPage panel, TestCall call)
    {
        _supervisorContext = supervisorContext;
        _agentContext = agentContext;
        _problems = problems;
        Dashboard = dashboard;
        Panel = panel;
        Call = call;
    }

    public IPage Dashboard { get; }

    /// <summary>The agent panel, 420x720 as a softphone embeds it.</summary>
    public IPage Panel { get; }

    public TestCall Call { get; }

    /// <summary>Signs both in (team 1 of the tenant), waits until both pages are live, then starts the agent's call.</summary>
    /// <param name="fixture">The class's browser, service and redis-server.</param>
    /// <param name="tenant">The test's tenant.</param>
    /// <param name="supervisor">The name the supervisor signs in with.</param>
    /// <param name="agentId">The agent who signs in and takes the call.</param>
    /// <param name="customerId">The caller.</param>
    /// <param name="forAxe">Contexts that let axe-core be added to the pages (see <see cref="BrowserFixture.NewContextAsync"/>).</param>
    public static async Task<SupervisorAndAgent> OpenAsync(BrowserFixture fixture, TestTenant tenant, string supervisor, string agentId, string customerId = "cust-1042", bool forAxe = false)
    {
        var supervisorContext = await fixture.NewContextAsync(forAxe: forAxe);
        var agentContext = await fixture.NewContextAsync(420, 720, forAxe);
        var problems = PageProblems.Watch(supervisorContext, agentContext);
        var dashboard = await supervisorContext.OpenDashboardAsync(tenant, tenant.Team1, supervisor);
        var panel = await agentContext.OpenAgentPanelAsync(tenant, tenant.Team1, agentId);
        var call = await TestCall.StartAsync(fixture, tenant, tenant.Team1.TeamId, agentId, customerId);
        return new SupervisorAndAgent(supervisorContext, agentContext, problems, dashboard, panel, call);
    }

    /// <summary>Fails when either page had a script error or a console error.</summary>
    public void AssertNoPageProblems() => _problems.AssertNone();

    public async ValueTask DisposeAsync()
    {
        await Call.DisposeAsync();
        await _agentContext.DisposeAsync();
        await _supervisorContext.DisposeAsync();
    }
}
