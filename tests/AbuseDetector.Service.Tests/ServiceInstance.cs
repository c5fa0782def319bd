using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace AbuseDetector.Service.Tests;

/// <summary>
/// A real service built as Program.cs builds it, on two free loopback ports, with extra settings added in memory;
/// for tests that need settings of their own or that stop the host.
/// </summary>
public sealed class ServiceInstance : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ServiceInstance(WebApplication app, int grpcPort, ConcurrentQueue<(LogLevel Level, string? EventName, string Message)> logs)
    {
        _app = app;
        GrpcAddress = new Uri($"http://127.0.0.1:{grpcPort}");
        Logs = logs;
    }

    public Uri GrpcAddress { get; }

    /// <summary>Every log entry the service wrote at Warning or above.</summary>
    public ConcurrentQueue<(LogLevel Level, string? EventName, string Message)> Logs { get; }

    public IEnumerable<string> Errors => Logs.Where(l => l.Level >= LogLevel.Error).Select(l => $"{l.EventName}: {l.Message}");

    public static async Task<ServiceInstance> StartAsync(IReadOnlyDictionary<string, string?> settings)
    {
        var grpcPort = FreePort();
        string[] args = ["--grpc-port", grpcPort.ToString(CultureInfo.InvariantCulture), "--http-port", FreePort().ToString(CultureInfo.InvariantCulture)];
        var logs = new ConcurrentQueue<(LogLevel, string?, string)>();
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(new LogRecorder(logs));
        builder.AddAbuseDetectorService(args);

        var app = builder.Build();
        app.MapAbuseDetectorService();
        await app.StartAsync();
        return new ServiceInstance(app, grpcPort, logs);
    }

    /// <summary>Stops the host, as Ctrl+C or SIGTERM would.</summary>
    public Task StopAsync(CancellationToken cancellationToken = default) => _app.StopAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
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

/// <summary>
/// A service with two tenants configured (tenant-a with key-a, tenant-b with key-b) and at most 2 calls per tenant;
/// shared by the authentication and limit tests.
/// </summary>
public sealed class TenantServiceFixture : IAsyncLifetime
{
    public const string KeyA = "key-a-0123456789";
    public const string KeyB = "key-b-9876543210";

    private ServiceInstance? _service;

    public ServiceInstance Service => _service ?? throw new InvalidOperationException("The service has not started.");

    public static Dictionary<string, string?> Settings() => new()
    {
        ["AbuseDetector:Tenants:0:TenantId"] = "tenant-a",
        ["AbuseDetector:Tenants:0:ApiKeys:0"] = KeyA,
        ["AbuseDetector:Tenants:1:TenantId"] = "tenant-b",
        ["AbuseDetector:Tenants:1:ApiKeys:0"] = KeyB,
        ["AbuseDetector:MaxConcurrentCallsPerTenant"] = "2",
    };

    public async Task InitializeAsync() => _service = await ServiceInstance.StartAsync(Settings());

    public async Task DisposeAsync()
    {
        if (_service is not null)
        {
            await _service.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class TenantServiceCollection : ICollectionFixture<TenantServiceFixture>
{
    public const string Name = "AbuseDetector service with tenants";
}
