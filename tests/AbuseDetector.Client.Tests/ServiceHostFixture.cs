using System.Globalization;
using System.Net;
using System.Net.Sockets;
using AbuseDetector.Service;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace AbuseDetector.Client.Tests;

/// <summary>
/// The real service, built as Program.cs builds it, on two free loopback ports with the committed model.
/// Same start-up as tests/AbuseDetector.Service.Tests/ServiceFixture.cs; both should move to one shared helper.
/// </summary>
public sealed class ServiceHostFixture : IAsyncLifetime
{
    private WebApplication? _app;

    public Uri GrpcAddress { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var grpcPort = FreePort();
        string[] args = ["--grpc-port", grpcPort.ToString(CultureInfo.InvariantCulture), "--http-port", FreePort().ToString(CultureInfo.InvariantCulture)];
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Logging.ClearProviders();
        builder.AddAbuseDetectorService(args);
        _app = builder.Build();
        _app.MapAbuseDetectorService();
        await _app.StartAsync();
        GrpcAddress = new Uri($"http://127.0.0.1:{grpcPort}");
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
}

[CollectionDefinition(Name)]
public sealed class ServiceHostCollection : ICollectionFixture<ServiceHostFixture>
{
    public const string Name = "AbuseDetector service host";
}
