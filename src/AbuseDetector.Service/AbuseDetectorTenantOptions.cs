namespace AbuseDetector.Service;

/// <summary>One tenant allowed to call the service, and the API keys it calls with; an item of <see cref="AbuseDetectorServiceOptions.Tenants"/>.</summary>
public sealed class AbuseDetectorTenantOptions
{
    /// <summary>The tenant id its calls carry in CallStart.tenant_id.</summary>
    /// <value>The default value is <see langword="null"/>; a configured tenant must set it.</value>
    public string? TenantId { get; set; }

    /// <summary>The API keys that identify the tenant, sent as <c>authorization: Bearer &lt;key&gt;</c> or <c>x-api-key: &lt;key&gt;</c>; several allow a key to be rotated.</summary>
    /// <value>The default value is an empty list; a configured tenant must have at least one key.</value>
    public IList<string> ApiKeys { get; } = [];

    /// <summary>The tenant's teams that may sign in to the supervisor dashboard and the agent panel, with their tokens.</summary>
    /// <value>The default value is an empty list: nobody of the tenant can sign in to the pages.</value>
    public IList<AbuseDetectorTeamOptions> Teams { get; } = [];
}

/// <summary>One team's sign-in tokens for the pages; an item of <see cref="AbuseDetectorTenantOptions.Teams"/>.</summary>
public sealed class AbuseDetectorTeamOptions
{
    /// <summary>The team id its calls carry in CallStart.team_id.</summary>
    /// <value>The default value is <see langword="null"/>; a configured team must set it.</value>
    public string? TeamId { get; set; }

    /// <summary>Tokens that open the team's supervisor dashboard; several allow one per supervisor, or rotation.</summary>
    /// <value>The default value is an empty list.</value>
    public IList<string> SupervisorTokens { get; } = [];

    /// <summary>Tokens that open the agent panel for the team's agents.</summary>
    /// <value>The default value is an empty list.</value>
    public IList<string> AgentTokens { get; } = [];
}
