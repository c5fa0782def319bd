namespace AbuseDetector.Service.Tests;

/// <summary>The real service in its default (open) configuration, shared by the tests of one collection.</summary>
public sealed class ServiceFixture : IAsyncLifetime
{
    private ServiceInstance? _service;

    private ServiceInstance Service => _service ?? throw new InvalidOperationException("The service has not started.");

    public int GrpcPort => Service.GrpcPort;

    public Uri GrpcAddress => Service.GrpcAddress;

    public Uri HttpAddress => Service.HttpAddress;

    /// <summary>Every log entry the service wrote at Error or above, so far.</summary>
    public IReadOnlyList<string> Errors => [.. Service.Errors];

    public async Task InitializeAsync() => _service = await ServiceInstance.StartAsync();

    public async Task DisposeAsync()
    {
        if (_service is not null)
        {
            await _service.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ServiceCollection : ICollectionFixture<ServiceFixture>
{
    public const string Name = "AbuseDetector service";
}
