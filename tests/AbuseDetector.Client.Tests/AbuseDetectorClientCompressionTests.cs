using System.Collections.Concurrent;
using AbuseDetector.Contracts.V1;
using AbuseDetector.Transport.Grpc;
using Microsoft.Extensions.DependencyInjection;

namespace AbuseDetector.Client.Tests;

/// <summary>The client against a real service configured to compress its responses with gzip.</summary>
public sealed class AbuseDetectorClientCompressionTests : IAsyncLifetime
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(30);

    private readonly RecordingHandler _handler = new();
    private ServiceInstance? _service;

    public async Task InitializeAsync() =>
        _service = await ServiceInstance.StartAsync(configureServices: services =>
            services.Configure<GrpcServerOptions>(options => options.ResponseCompression = true));

    public async Task DisposeAsync()
    {
        if (_service is not null)
        {
            await _service.DisposeAsync();
        }
    }

    [Fact]
    public async Task ClassifyAsync_ServiceCompressesResponse_Decompresses()
    {
        using var client = CreateClient();

        var response = await client.ClassifyAsync(new ClassifyRequest { Text = "you're thick as shit, you useless idiot" });

        Assert.Contains(response.Scores, s => s.Category == Category.Insult && s.Flagged);
        var exchange = Assert.Single(_handler.Exchanges);
        Assert.Equal("identity,gzip", exchange.RequestAcceptEncoding);
        Assert.Null(exchange.RequestEncoding);
        Assert.Equal("gzip", exchange.ResponseEncoding);
    }

    [Fact]
    public async Task StartCall_CompressRequests_BothDirectionsCompressed()
    {
        using var client = CreateClient(compressRequests: true);
        using var timeout = new CancellationTokenSource(TestTimeout);
        await using var call = client.StartCall(new CallStart { CallId = Guid.NewGuid().ToString("N"), TenantId = "tenant-client-tests", AgentId = "agent-1", TeamId = "team-1" }, timeout.Token);

        for (ulong seq = 1; seq <= 5; seq++)
        {
            await call.SendChunkAsync(new TranscriptChunk { Seq = seq, Speaker = Speaker.Customer, Text = "hello, I'd like to check my order", IsFinal = true }, timeout.Token);
        }

        await call.EndAsync(new CallEnd { Reason = CallEndReason.Completed }, timeout.Token);
        var updates = new List<CallUpdate>();
        await foreach (var update in call.ReadUpdatesAsync(timeout.Token))
        {
            updates.Add(update);
        }

        Assert.Equal([1UL, 2, 3, 4, 5], updates.Select(u => u.Seq));
        var exchange = Assert.Single(_handler.Exchanges);
        Assert.Equal("gzip", exchange.RequestEncoding);
        Assert.Equal("gzip", exchange.ResponseEncoding);
    }

    [Fact]
    public async Task ClassifyAsync_DecompressedResponseOverLimit_ThrowsResourceExhausted()
    {
        using var client = CreateClient(maxReceiveMessageSize: 16);

        var ex = await Assert.ThrowsAsync<AbuseDetectorRpcException>(() =>
            client.ClassifyAsync(new ClassifyRequest { Text = "you're thick as shit, you useless idiot" }));

        Assert.Equal(GrpcStatusCode.ResourceExhausted, ex.StatusCode);
    }

    private AbuseDetectorClient CreateClient(bool compressRequests = false, int maxReceiveMessageSize = AbuseDetectorClientOptions.DefaultMaxReceiveMessageSize) =>
        new(
            new AbuseDetectorClientOptions { Address = _service!.GrpcAddress, CompressRequests = compressRequests, MaxReceiveMessageSize = maxReceiveMessageSize },
            _handler);

    /// <summary>Records the encoding headers of each exchange, passing everything through.</summary>
    private sealed class RecordingHandler() : DelegatingHandler(new SocketsHttpHandler())
    {
        public ConcurrentQueue<(string? RequestAcceptEncoding, string? RequestEncoding, string? ResponseEncoding)> Exchanges { get; } = new();

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            Exchanges.Enqueue((Header(request.Headers, "grpc-accept-encoding"), Header(request.Headers, "grpc-encoding"), Header(response.Headers, "grpc-encoding")));
            return response;
        }

        private static string? Header(System.Net.Http.Headers.HttpHeaders headers, string name) =>
            headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;
    }
}
