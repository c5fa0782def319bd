namespace AbuseDetector.Service.Tests;

/// <summary>
/// A service with two tenants configured (tenant-a with key-a, tenant-b with key-b) and at most 2 calls per tenant;
/// shared by the authentication and limit tests.
/// </summary>
public sealed class TenantServiceFixture() : ServiceFixtureBase(Settings())
{
    public const string KeyA = "key-a-0123456789";
    public const string KeyB = "key-b-9876543210";

    public static Dictionary<string, string?> Settings() => new()
    {
        ["AbuseDetector:Tenants:0:TenantId"] = "tenant-a",
        ["AbuseDetector:Tenants:0:ApiKeys:0"] = KeyA,
        ["AbuseDetector:Tenants:1:TenantId"] = "tenant-b",
        ["AbuseDetector:Tenants:1:ApiKeys:0"] = KeyB,
        ["AbuseDetector:MaxConcurrentCallsPerTenant"] = "2",
    };
}

[CollectionDefinition(Name)]
public sealed class TenantServiceCollection : ICollectionFixture<TenantServiceFixture>
{
    public const string Name = "AbuseDetector service with tenants";
}
