namespace AbuseDetector.Client.Tests;

/// <summary>The real service, with one tenant and its API key, that the client tests talk to.</summary>
public sealed class ServiceHostFixture() : ServiceFixtureBase(new Dictionary<string, string?>
{
    ["AbuseDetector:Tenants:0:TenantId"] = Tenant,
    ["AbuseDetector:Tenants:0:ApiKeys:0"] = ApiKey,
})
{
    public const string Tenant = "tenant-client-tests";
    public const string ApiKey = "client-tests-key-0123456789";
}

[CollectionDefinition(Name)]
public sealed class ServiceHostCollection : ICollectionFixture<ServiceHostFixture>
{
    public const string Name = "AbuseDetector service host";
}
