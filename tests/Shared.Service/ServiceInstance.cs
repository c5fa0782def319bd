using System.Collections.Concurrent;
using System.Globalization;
using AbuseDetector.Client;
using AbuseDetector.Service;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace AbuseDetector.Testing.Service;

/// <summary>
/// A real service built as Program.cs builds it, on two free loopback ports with the committed model, with extra
/// settings added in memory. Shared by the service and client tests: fixtures wrap one, and tests that need settings
/// of their own or that stop the host start their own.
/// </summary>
public sealed class ServiceInstance : IAsyncDisposable
{
    private readonly WebApplication _app;

    private readonly string _dataPath;
    private readonly Lazy<GrpcChannel> _channel;

    private ServiceInstance(WebApplication app, int grpcPort, int httpPort, ConcurrentQueue<(LogLevel Level, string? EventName, string Message)> logs, string dataPath)
    {
        _app = app;
        _dataPath = dataPath;
        _channel = new(() => GrpcChannel.ForAddress(new Uri($"http://127.0.0.1:{grpcPort}")));
        GrpcPort = grpcPort;
        GrpcAddress = new Uri($"http://127.0.0.1:{grpcPort}");
        HttpAddress = new Uri($"http://127.0.0.1:{httpPort}");
        Logs = logs;
    }

    public int GrpcPort { get; }

    public Uri GrpcAddress { get; }

    public Uri HttpAddress { get; }

    /// <summary>The host's services, for tests that look inside (such as how many alert watchers are open).</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>Every log entry the service wrote at Information or above.</summary>
    public ConcurrentQueue<(LogLevel Level, string? EventName, string Message)> Logs { get; }

    public IEnumerable<string> Errors => Logs.Where(l => l.Level >= LogLevel.Error).Select(l => $"{l.EventName}: {l.Message}");

    /// <param name="settings">Configuration added in memory.</param>
    /// <param name="configureServices">Runs after the service's own registrations, for settings configuration does not reach (such as the gRPC transport's options).</param>
    /// <param name="grpcPort">The gRPC port, or null for a free one (pass a stopped instance's to start another where clients look).</param>
    public static async Task<ServiceInstance> StartAsync(IReadOnlyDictionary<string, string?>? settings = null, Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? configureServices = null, int? grpcPort = null)
    {
        var (grpc, httpPort) = (grpcPort ?? FreePort.Next(), FreePort.Next());
        string[] args = ["--grpc-port", grpc.ToString(CultureInfo.InvariantCulture), "--http-port", httpPort.ToString(CultureInfo.InvariantCulture)];
        var logs = new ConcurrentQueue<(LogLevel, string?, string)>();
        var builder = WebApplication.CreateSlimBuilder(args);
        // Tests run without Redis unless they pass a real one (AbuseDetector:Redis = host:port of a RedisServerFixture), and
        // keep their local data (the outbox journal) in a folder of their own.
        var dataPath = Path.Combine(Path.GetTempPath(), "abuse-detector-tests", Guid.NewGuid().ToString("N"));
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["AbuseDetector:Redis"] = "none", ["AbuseDetector:DataPath"] = dataPath });
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(new LogRecorder(logs));
        builder.AddAbuseDetectorService(args);
        configureServices?.Invoke(builder.Services);

        var app = builder.Build();
        app.MapAbuseDetectorService();
        await app.StartAsync();
        return new ServiceInstance(app, grpc, httpPort, logs, dataPath);
    }

    /// <summary>A generated client on the instance's one channel (Grpc.Net.Client), sending <paramref name="apiKey"/> with every call.</summary>
    public Contracts.V1.AbuseDetector.AbuseDetectorClient NewClient(string? apiKey = null) => new(_channel.Value.WithApiKey(apiKey));

    /// <summary>Stops the host, as Ctrl+C or SIGTERM would.</summary>
    public Task StopAsync(CancellationToken cancellationToken = default) => _app.StopAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_channel.IsValueCreated)
        {
            _channel.Value.Dispose();
        }

        await _app.StopAsync();
        await _app.DisposeAsync();
        if (Directory.Exists(_dataPath))
        {
            Directory.Delete(_dataPath, recursive: true);
        }
    }

    private sealed class LogRecorder(ConcurrentQueue<(LogLevel, string?, string)> logs) : ILoggerProvider, ILogger
    {
        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                logs.Enqueue((logLevel, eventId.Name, $"{formatter(state, exception)} {exception}"));
            }
        }

        public void Dispose()
        {
        }
    }
}
