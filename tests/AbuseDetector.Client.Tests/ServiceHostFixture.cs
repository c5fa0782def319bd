namespace AbuseDetector.Client.Tests;

/// <summary>The real service, in its default configuration, that the client tests talk to.</summary>
public sealed class ServiceHostFixture : IAsyncLifetime
{
    private ServiceInstance? _service;

    public Uri GrpcAddress => (_service ?? throw new InvalidOperationException("The service has not started.")).GrpcAddress;

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
public sealed class ServiceHostCollection : ICollectionFixture<ServiceHostFixture>
{
    public const string Name = "AbuseDetector service host";
}
