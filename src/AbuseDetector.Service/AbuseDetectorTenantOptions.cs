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
}
