using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace AbuseDetector.Service.Tests;

/// <summary>The real service, built as Program.cs builds it, on two free loopback ports with the committed model; shared by the tests.</summary>
public sealed class ServiceFixture : IAsyncLifetime
{
    private WebApplication? _app;

    public int GrpcPort { get; } = FreePort();

    public int HttpPort { get; } = FreePort();

    public Uri GrpcAddress => new($"http://127.0.0.1:{GrpcPort}");

    public Uri HttpAddress => new($"http://127.0.0.1:{HttpPort}");

    /// <summary>Every log entry the service wrote at Error or above.</summary>
    public ConcurrentQueue<string> Errors { get; } = new();

    public async Task InitializeAsync()
    {
        string[] args = ["--grpc-port", GrpcPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--http-port", HttpPort.ToString(System.Globalization.CultureInfo.InvariantCulture)];
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(new ErrorRecorder(Errors));
        builder.AddAbuseDetectorService(args);

        _app = builder.Build();
        _app.MapAbuseDetectorService();
        await _app.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class ErrorRecorder(ConcurrentQueue<string> errors) : ILoggerProvider, ILogger
    {
        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                errors.Enqueue($"{eventId.Name}: {formatter(state, exception)} {exception}");
            }
        }

        public void Dispose()
        {
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ServiceCollection : ICollectionFixture<ServiceFixture>
{
    public const string Name = "AbuseDetector service";
}
