using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using Xunit.Abstractions;

namespace AbuseDetector.Service.Tests;

/// <summary>
/// Callers without a key against a service process of its own: refused before a single request message is read, so
/// flooding the service with large unauthenticated messages holds no memory. The figures come from the process's RSS.
/// </summary>
public sealed class UnauthenticatedCallerTests(ITestOutputHelper output)
{
    private const string ClassifyPath = "/abuse_detector.v1.AbuseDetector/Classify";
    private const string HealthCheckPath = "/grpc.health.v1.Health/Check";
    private const int Connections = 3;
    private const int StreamsPerConnection = 100;
    private const int MessageBytes = 4 * 1024 * 1024;

    // The defect this guards against held 4 MB per stream (about 1.2 GB for this attack); the service's own working set
    // moves by tens of MB under any load, so the bar sits well between the two.
    private const long MostGrowthBytes = 150L * 1024 * 1024;

    [Fact]
    public async Task FourMegabyteMessagesWithoutAKey_ThreeHundredStreams_RefusedAndMemoryStaysFlat()
    {
        // Act: three connections, each with as many concurrent streams as the server allows, each sending a 4 MB message.
        var (statuses, before, after) = await FloodAsync(ClassifyPath);

        // Assert: UNAUTHENTICATED (16) for every one.
        Assert.All(statuses, status => Assert.Equal("16", status));
        Assert.True(after - before < MostGrowthBytes, $"RSS grew from {before / 1048576} MB to {after / 1048576} MB under {Connections * StreamsPerConnection} unauthenticated 4 MB messages.");
    }

    [Fact]
    public async Task FourMegabyteMessagesToTheOpenHealthService_RefusedAsTooLargeAndMemoryStaysFlat()
    {
        // Act: grpc.health.v1 answers anyone, so its messages are capped small instead.
        var (statuses, before, after) = await FloodAsync(HealthCheckPath);

        // Assert: RESOURCE_EXHAUSTED (8), decided from the message's length prefix.
        Assert.All(statuses, status => Assert.Equal("8", status));
        Assert.True(after - before < MostGrowthBytes, $"RSS grew from {before / 1048576} MB to {after / 1048576} MB under {Connections * StreamsPerConnection} 4 MB health checks.");
    }

    /// <summary>
    /// A service process with a tenant, warmed up, then flooded on <paramref name="path"/> with no key: the statuses and the
    /// service's RSS before and after.
    /// </summary>
    private async Task<(List<string> Statuses, long Before, long After)> FloodAsync(string path)
    {
        await using var service = await ServiceProcess.StartAsync(["--redis", "none", "--AbuseDetector:Tenants:0:TenantId=tenant-a", "--AbuseDetector:Tenants:0:ApiKeys:0=key-a-0123456789"]);
        await WarmUpAsync(service);
        var before = service.ResidentBytes;
        var connections = Enumerable.Range(0, Connections).Select(_ => new HttpClient(Http2Only()) { Timeout = TimeSpan.FromMinutes(2) }).ToList();
        List<string> statuses;
        try
        {
            var all = await Task.WhenAll(connections.Select(client => SendAsync(client, service.GrpcAddress, path, StreamsPerConnection, MessageBytes)));
            statuses = [.. all.SelectMany(s => s)];
        }
        finally
        {
            connections.ForEach(c => c.Dispose());
        }

        await Task.Delay(500);
        var after = service.ResidentBytes;
        output.WriteLine($"{path}: RSS before {before / 1048576} MB, after {after / 1048576} MB");
        Assert.False(service.HasExited);
        return (statuses, before, after);
    }

    /// <summary>One small call of each kind first, so start-up allocations are not counted as growth.</summary>
    private static async Task WarmUpAsync(ServiceProcess service)
    {
        using var client = new HttpClient(Http2Only());
        var statuses = await SendAsync(client, service.GrpcAddress, ClassifyPath, 1, 16);
        Assert.Equal(["16"], statuses);
    }

    private static async Task<List<string>> SendAsync(HttpClient client, Uri address, string path, int streams, int messageBytes)
    {
        var calls = Enumerable.Range(0, streams).Select(async _ =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(address, path))
            {
                Version = HttpVersion.Version20,
                VersionPolicy = HttpVersionPolicy.RequestVersionExact,
                Content = new LargeMessageContent(messageBytes),
            };
            request.Headers.TryAddWithoutValidation("te", "trailers");
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead);
            return response.Headers.Concat(response.TrailingHeaders).FirstOrDefault(h => h.Key == "grpc-status").Value?.Single() ?? "none";
        });
        return [.. await Task.WhenAll(calls)];
    }

    /// <summary>One connection per client (no extra connections once 100 streams are open): the attack's shape.</summary>
    private static SocketsHttpHandler Http2Only() => new() { EnableMultipleHttp2Connections = false };

    /// <summary>A gRPC frame of <c>bytes</c> zero bytes, written in pieces, so the test itself holds no large buffer.</summary>
    private sealed class LargeMessageContent : HttpContent
    {
        private static readonly byte[] Piece = new byte[64 * 1024];
        private readonly int _bytes;

        public LargeMessageContent(int bytes)
        {
            _bytes = bytes;
            Headers.ContentType = MediaTypeHeaderValue.Parse("application/grpc");
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var prefix = new byte[5];
            BinaryPrimitives.WriteUInt32BigEndian(prefix.AsSpan(1), (uint)_bytes);
            await stream.WriteAsync(prefix);
            for (var written = 0; written < _bytes; written += Piece.Length)
            {
                await stream.WriteAsync(Piece.AsMemory(0, Math.Min(Piece.Length, _bytes - written)));
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 5L + _bytes;
            return true;
        }
    }
}
