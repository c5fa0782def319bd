namespace AbuseDetector.Client.Tests;

/// <summary>The real service, in its default configuration, that the client tests talk to.</summary>
public sealed class ServiceHostFixture() : ServiceFixtureBase();

[CollectionDefinition(Name)]
public sealed class ServiceHostCollection : ICollectionFixture<ServiceHostFixture>
{
    public const string Name = "AbuseDetector service host";
}
