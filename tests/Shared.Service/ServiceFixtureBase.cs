namespace AbuseDetector.Testing.Service;

/// <summary>
/// The real service with the given settings, started once and shared by the tests of a class or collection. Test
/// projects derive one fixture per configuration: the settings are all that differs.
/// </summary>
/// <param name="settings">Configuration added in memory, or null for the default (open) configuration.</param>
public abstract class ServiceFixtureBase(IReadOnlyDictionary<string, string?>? settings = null) : IAsyncLifetime
{
    private ServiceInstance? _service;

    public ServiceInstance Service => _service ?? throw new InvalidOperationException("The service has not started.");

    public int GrpcPort => Service.GrpcPort;

    public Uri GrpcAddress => Service.GrpcAddress;

    public Uri HttpAddress => Service.HttpAddress;

    /// <summary>A generated client of the service, sending <paramref name="apiKey"/> with every call.</summary>
    public Contracts.V1.AbuseDetector.AbuseDetectorClient NewClient(string? apiKey = null) => Service.NewClient(apiKey);

    /// <summary>Every log entry the service wrote at Error or above, so far.</summary>
    public IReadOnlyList<string> Errors => [.. Service.Errors];

    public virtual async Task InitializeAsync() => _service = await ServiceInstance.StartAsync(settings);

    public virtual async Task DisposeAsync()
    {
        if (_service is not null)
        {
            await _service.DisposeAsync();
        }
    }

    /// <summary>Starts the service with <paramref name="startSettings"/>, for fixtures whose settings are known only once they start.</summary>
    protected async Task StartServiceAsync(IReadOnlyDictionary<string, string?> startSettings) => _service = await ServiceInstance.StartAsync(startSettings);
}
