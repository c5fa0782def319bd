using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AbuseDetector.Transport.Grpc.Tests.Functional;

/// <summary>One Kestrel host, HTTP/2 cleartext on a free loopback port, serving <see cref="TestService"/>; shared by the functional tests.</summary>
public sealed class GrpcServerFixture : IAsyncLifetime
{
    /// <summary>The largest request message the test server accepts.</summary>
    public const int MaxReceiveMessageSize = 1024 * 1024;

    private WebApplication? _app;

    internal TestService Service { get; } = new();

    public int Port { get; private set; }

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}");

    /// <summary>Every log entry the server wrote at Warning or above.</summary>
    public ConcurrentQueue<(LogLevel Level, EventId EventId, string Message)> Problems { get; } = new();

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(new RecordingLoggerProvider(Problems));
        builder.WebHost.ConfigureKestrel(kestrel =>
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpcTransport(options =>
        {
            options.MaxReceiveMessageSize = MaxReceiveMessageSize;
            options.ResponseCompression = true;
        });

        _app = builder.Build();
        _app.MapGrpcService(Service.Build());
        await _app.StartAsync();

        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        Port = new Uri(address).Port;
    }

    /// <summary>Fails when the server logged an Error the tests did not provoke (only the Crash method's is expected) after the first <paramref name="skip"/> entries.</summary>
    public void AssertNoUnexpectedErrors(int skip)
    {
        var unexpected = Problems
            .Skip(skip)
            .Where(p => p.Level >= LogLevel.Error && !(p.EventId.Id == 1 && p.Message.Contains("/test.Echo/Crash", StringComparison.Ordinal)))
            .Select(p => $"{p.EventId.Name}: {p.Message}")
            .ToList();
        Assert.True(unexpected.Count == 0, "The server logged unexpected errors: " + string.Join("; ", unexpected));
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    private sealed class RecordingLoggerProvider(ConcurrentQueue<(LogLevel, EventId, string)> problems) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new RecordingLogger(problems);

        public void Dispose()
        {
        }
    }

    private sealed class RecordingLogger(ConcurrentQueue<(LogLevel, EventId, string)> problems) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                problems.Enqueue((logLevel, eventId, formatter(state, exception)));
            }
        }
    }
}

[CollectionDefinition(Name)]
public sealed class GrpcServerCollection : ICollectionFixture<GrpcServerFixture>
{
    public const string Name = "gRPC server";
}
