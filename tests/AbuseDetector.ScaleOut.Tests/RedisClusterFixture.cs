using Grpc.Net.Client;

namespace AbuseDetector.ScaleOut.Tests;

/// <summary>A real three-master Redis Cluster and the service process given all its nodes, shared by a test class; tests keep apart by tenant.</summary>
public sealed class RedisClusterFixture : IAsyncLifetime
{
    private RedisClusterProcess? _cluster;
    private ServiceProcess? _service;
    private GrpcChannel? _channel;

    internal RedisClusterProcess Cluster => _cluster ?? throw new InvalidOperationException("The fixture has not started.");

    public ServiceProcess Service => _service ?? throw new InvalidOperationException("The fixture has not started.");

    public AbuseDetector.Contracts.V1.AbuseDetector.AbuseDetectorClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _cluster = await RedisClusterProcess.StartAsync();
        var dataPath = Path.Combine(Path.GetTempPath(), "abuse-detector-tests", Guid.NewGuid().ToString("N"));
        _service = await ServiceProcess.StartAsync(["--redis", _cluster.Nodes, $"--AbuseDetector:DataPath={dataPath}"]);
        _channel = GrpcChannel.ForAddress(_service.GrpcAddress);
        Client = new AbuseDetector.Contracts.V1.AbuseDetector.AbuseDetectorClient(_channel);
    }

    public async Task DisposeAsync()
    {
        _channel?.Dispose();
        if (_service is not null)
        {
            await _service.DisposeAsync();
        }

        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}
