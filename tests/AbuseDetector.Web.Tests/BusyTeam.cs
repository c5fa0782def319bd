using AbuseDetector.Contracts.V1;

namespace AbuseDetector.Web.Tests;

/// <summary>
/// A team in the middle of a shift, for the pages' looks and accessibility: four live calls at different levels (a
/// threat, abuse at final warning, a notice, a calm call) and an agent who already took an abusive call that ended.
/// </summary>
internal sealed class BusyTeam : IAsyncDisposable
{
    private BusyTeam(TestCall threat, TestCall finalWarning, TestCall notice, TestCall calm)
    {
        Threat = threat;
        FinalWarning = finalWarning;
        Notice = notice;
        Calm = calm;
    }

    /// <summary>A call where the caller threatened the agent (end_call_permitted).</summary>
    public TestCall Threat { get; }

    /// <summary>A call of persistent swearing at final_warning.</summary>
    public TestCall FinalWarning { get; }

    /// <summary>A call at notice.</summary>
    public TestCall Notice { get; }

    /// <summary>A calm call.</summary>
    public TestCall Calm { get; }

    public IEnumerable<TestCall> Calls => [Threat, FinalWarning, Notice, Calm];

    public static async Task<BusyTeam> StartAsync(BrowserFixture fixture, TestTenant tenant)
    {
        var teamId = tenant.Team1.TeamId;
        await using (var ended = await TestCall.StartAsync(fixture, tenant, teamId, "ben.okafor", "cust-58213"))
        {
            await ended.ReplaySampleAsync("persistent-swearing");
            await ended.EndAsync();
        }

        var calm = await TestCall.StartAsync(fixture, tenant, teamId, "dana.reyes", "cust-30944");
        await calm.ReplaySampleAsync("calm", 1, 4);
        var notice = await TestCall.StartAsync(fixture, tenant, teamId, "chen.li", "cust-77120");
        await notice.ReplaySampleAsync("persistent-swearing", 1, 2);
        await notice.WaitForLevelAsync(EscalationLevel.Notice);
        var finalWarning = await TestCall.StartAsync(fixture, tenant, teamId, "ben.okafor", "cust-61507");
        await finalWarning.ReplaySampleAsync("persistent-swearing", 1, 7);
        await finalWarning.WaitForLevelAsync(EscalationLevel.FinalWarning);
        var threat = await TestCall.StartAsync(fixture, tenant, teamId, "amira.khan", "cust-10482");
        await threat.ReplaySampleAsync("threat", 1, 3);
        await threat.CustomerSaysFlaggedAsync(Lines.Threat, Category.Threat);
        await threat.WaitForLevelAsync(EscalationLevel.EndCallPermitted);
        return new BusyTeam(threat, finalWarning, notice, calm);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var call in Calls)
        {
            await call.DisposeAsync();
        }
    }
}
