namespace AbuseDetector.Service.Tests;

/// <summary>The real service in its default (open) configuration, shared by the tests of one collection.</summary>
public sealed class ServiceFixture() : ServiceFixtureBase();

[CollectionDefinition(Name)]
public sealed class ServiceCollection : ICollectionFixture<ServiceFixture>
{
    public const string Name = "AbuseDetector service";
}
