using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace AbuseDetector.Transport.Grpc.Tests.Functional;

/// <summary>One Kestrel host, HTTP/2 cleartext on a free loopback port, serving <see cref="TestService"/>; shared by the functional tests.</summary>
public sealed class GrpcServerFixture : IAsyncLifetime
{
    /// <summary>The largest request message the test server accepts.</summary>
    public const int MaxReceiveMessageSize = 1024 * 1024;

    /// <summary>The largest response message the test server sends.</summary>
    public const int MaxSendMessageSize = 64 * 1024;

    private WebApplication? _app;
    private int _http1Port;

    internal TestService Service { get; } = new();

    public int Port { get; private set; }

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}");

    /// <summary>An HTTP/1.1-only endpoint of the same server, for the tests of refusing HTTP/1.1.</summary>
    public Uri Http1Address => new($"http://127.0.0.1:{_http1Port}");

    /// <summary>Every log entry the server wrote at Warning or above.</summary>
    public ConcurrentQueue<(LogLevel Level, EventId EventId, string Message)> Problems { get; } = new();

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(new RecordingLoggerProvider(Problems));
        // Both on port 0: Kestrel writes the port it bound back into each endpoint's options.
        ListenOptions? http2 = null;
        ListenOptions? http1 = null;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0, listen => (listen.Protocols, http2) = (HttpProtocols.Http2, listen));
            kestrel.Listen(IPAddress.Loopback, 0, listen => (listen.Protocols, http1) = (HttpProtocols.Http1, listen));
        });
        builder.Services.AddGrpcTransport(options =>
        {
            options.MaxReceiveMessageSize = MaxReceiveMessageSize;
            options.MaxSendMessageSize = MaxSendMessageSize;
            options.ResponseCompression = true;
        });

        _app = builder.Build();
        _app.MapGrpcService(Service.Build());
        await _app.StartAsync();

        Port = ((IPEndPoint)http2!.EndPoint!).Port;
        _http1Port = ((IPEndPoint)http1!.EndPoint!).Port;
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
        // Ends the methods that ignore their token, so that the host stops at once.
        await Service.Stopping.CancelAsync();
        Service.StallRelease.TrySetResult();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        Service.Stopping.Dispose();
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
