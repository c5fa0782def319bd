namespace AbuseDetector.Web.Tests;

/// <summary>One team of a test tenant and the tokens that open its pages.</summary>
/// <param name="TeamId">The team id calls carry in CallStart.team_id.</param>
/// <param name="SupervisorToken">Opens the team's supervisor dashboard.</param>
/// <param name="AgentToken">Opens the agent panel for the team's agents.</param>
public sealed record TestTeam(string TeamId, string SupervisorToken, string AgentToken);

/// <summary>
/// A tenant configured in the service for one test only, so no other test sees its calls, alerts or incidents:
/// its API key, and two teams with their sign-in tokens.
/// </summary>
/// <param name="TenantId">The tenant id.</param>
/// <param name="ApiKey">The tenant's API key for gRPC calls.</param>
/// <param name="Team1">The first team.</param>
/// <param name="Team2">A second team of the same tenant, which must see nothing of the first.</param>
public sealed record TestTenant(string TenantId, string ApiKey, TestTeam Team1, TestTeam Team2)
{
    public static TestTenant New()
    {
        // Readable in the screenshots, unique all the same.
        var id = "acme-" + Guid.NewGuid().ToString("N")[..6];
        return new TestTenant(
            id,
            $"key-{id}-{Guid.NewGuid():N}",
            new TestTeam("billing", $"sup-1-{Guid.NewGuid():N}", $"agt-1-{Guid.NewGuid():N}"),
            new TestTeam("collections", $"sup-2-{Guid.NewGuid():N}", $"agt-2-{Guid.NewGuid():N}"));
    }

    /// <summary>The service's in-memory settings that configure the tenant as item <paramref name="index"/>.</summary>
    public IEnumerable<KeyValuePair<string, string?>> Settings(int index)
    {
        var prefix = $"AbuseDetector:Tenants:{index}:";
        yield return new(prefix + "TenantId", TenantId);
        yield return new(prefix + "ApiKeys:0", ApiKey);
        foreach (var (team, j) in new[] { (Team1, 0), (Team2, 1) })
        {
            yield return new($"{prefix}Teams:{j}:TeamId", team.TeamId);
            yield return new($"{prefix}Teams:{j}:SupervisorTokens:0", team.SupervisorToken);
            yield return new($"{prefix}Teams:{j}:AgentTokens:0", team.AgentToken);
        }
    }
}
