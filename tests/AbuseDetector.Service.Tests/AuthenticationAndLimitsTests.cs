using System.Net.Http.Headers;
using AbuseDetector.Contracts.V1;
using Google.Protobuf;

namespace AbuseDetector.Service.Tests;

[Collection(TenantServiceCollection.Name)]
public class AuthenticationAndLimitsTests(TenantServiceFixture fixture) : IDisposable
{
    private const string ClassifyPath = "/abuse_detector.v1.AbuseDetector/Classify";
    private const string StreamCallPath = "/abuse_detector.v1.AbuseDetector/StreamCall";
    private const int Ok = 0;
    private const int PermissionDenied = 7;
    private const int ResourceExhausted = 8;
    private const int Unauthenticated = 16;

    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    private readonly int _errorsBefore = fixture.Service.Errors.Count();

    private ServiceInstance Service => fixture.Service;

    /// <summary>Fails the test when the service logged an Error during it.</summary>
    public void Dispose()
    {
        var errors = Service.Errors.Skip(_errorsBefore).ToList();
        Assert.True(errors.Count == 0, "The service logged errors: " + string.Join("; ", errors));
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task Classify_NoKey_Unauthenticated()
    {
        // Act
        var response = await ClassifyAsync(headers: null);

        // Assert
        Assert.Equal(Unauthenticated, response.GrpcStatus);
        Assert.Equal("a valid API key is required", response.GrpcMessage);
        Assert.Empty(response.Messages);
    }

    [Fact]
    public async Task Classify_WrongKey_Unauthenticated()
    {
        // Act
        var response = await ClassifyAsync(h => h.Authorization = new AuthenticationHeaderValue("Bearer", "not-a-key"));

        // Assert
        Assert.Equal(Unauthenticated, response.GrpcStatus);
    }

    [Fact]
    public async Task Classify_BearerKey_Ok()
    {
        // Act
        var response = await ClassifyAsync(h => h.Authorization = new AuthenticationHeaderValue("Bearer", TenantServiceFixture.KeyA));

        // Assert
        Assert.Equal(Ok, response.GrpcStatus);
        Assert.Single(response.Messages);
    }

    [Fact]
    public async Task Classify_ApiKeyHeader_Ok()
    {
        // Act
        var response = await ClassifyAsync(h => h.Add("x-api-key", TenantServiceFixture.KeyB));

        // Assert
        Assert.Equal(Ok, response.GrpcStatus);
    }

    [Fact]
    public async Task StreamCall_NoKey_Unauthenticated()
    {
        // Act
        var response = await RawGrpcClient.CallAsync(Service.GrpcAddress, StreamCallPath, Frames(Start("tenant-a"), End()));

        // Assert
        Assert.Equal(Unauthenticated, response.GrpcStatus);
        Assert.Empty(response.Messages);
    }

    [Fact]
    public async Task StreamCall_WrongKey_Unauthenticated()
    {
        // Act
        var response = await RawGrpcClient.CallAsync(Service.GrpcAddress, StreamCallPath, Frames(Start("tenant-a"), End()), headers: Key("wrong-key"));

        // Assert
        Assert.Equal(Unauthenticated, response.GrpcStatus);
    }

    [Fact]
    public async Task StreamCall_RightKey_Ok()
    {
        // Act
        var response = await RawGrpcClient.CallAsync(
            Service.GrpcAddress, StreamCallPath, Frames(Start("tenant-a"), Chunk(1), End()), headers: Key(TenantServiceFixture.KeyA));

        // Assert
        Assert.Equal(Ok, response.GrpcStatus);
        Assert.Single(response.Messages);
    }

    [Fact]
    public async Task StreamCall_KeyOfOtherTenant_PermissionDenied()
    {
        // Act
        var response = await RawGrpcClient.CallAsync(
            Service.GrpcAddress, StreamCallPath, Frames(Start("tenant-b"), End()), headers: Key(TenantServiceFixture.KeyA));

        // Assert
        Assert.Equal(PermissionDenied, response.GrpcStatus);
        Assert.False(string.IsNullOrEmpty(response.GrpcMessage));
    }

    [Fact]
    public async Task StreamCall_ThirdConcurrentCallOfTenant_ResourceExhaustedOtherTenantOk()
    {
        // Arrange: two live calls of tenant-a, each known to be registered because it has answered a chunk.
        await using var first = await OpenLiveCallAsync("tenant-a", TenantServiceFixture.KeyA);
        await using var second = await OpenLiveCallAsync("tenant-a", TenantServiceFixture.KeyA);

        // Act
        var third = await RawGrpcClient.CallAsync(
            Service.GrpcAddress, StreamCallPath, Frames(Start("tenant-a"), End()), headers: Key(TenantServiceFixture.KeyA));
        var otherTenant = await RawGrpcClient.CallAsync(
            Service.GrpcAddress, StreamCallPath, Frames(Start("tenant-b"), Chunk(1), End()), headers: Key(TenantServiceFixture.KeyB));

        // Assert
        Assert.Equal(ResourceExhausted, third.GrpcStatus);
        Assert.False(string.IsNullOrEmpty(third.GrpcMessage));
        Assert.Equal(Ok, otherTenant.GrpcStatus);

        // The two live calls still end normally.
        foreach (var call in new[] { first, second })
        {
            await call.SendAsync(End().ToByteArray());
            call.CompleteRequests();
            var (status, _, _) = await call.ReadToEndAsync().WaitAsync(Generous);
            Assert.Equal(Ok, status);
        }
    }

    [Fact]
    public async Task StreamCall_SlotFreedAfterCallEnds_NextCallOk()
    {
        // Arrange: fill tenant-a's two slots, then end both calls.
        for (var i = 0; i < 2; i++)
        {
            var response = await RawGrpcClient.CallAsync(
                Service.GrpcAddress, StreamCallPath, Frames(Start("tenant-a"), End()), headers: Key(TenantServiceFixture.KeyA));
            Assert.Equal(Ok, response.GrpcStatus);
        }

        // Act
        var next = await RawGrpcClient.CallAsync(
            Service.GrpcAddress, StreamCallPath, Frames(Start("tenant-a"), End()), headers: Key(TenantServiceFixture.KeyA));

        // Assert
        Assert.Equal(Ok, next.GrpcStatus);
    }

    internal static Action<HttpRequestHeaders> Key(string key) => h => h.Authorization = new AuthenticationHeaderValue("Bearer", key);

    internal static CallEvent Start(string tenantId) =>
        new() { Start = new CallStart { CallId = Guid.NewGuid().ToString("N"), TenantId = tenantId, AgentId = "agent-1" } };

    internal static CallEvent Chunk(ulong seq) =>
        new() { Chunk = new TranscriptChunk { Seq = seq, Text = "hello I am calling about my bill", Speaker = Speaker.Customer, IsFinal = true } };

    internal static CallEvent End() => new() { End = new CallEnd { Reason = CallEndReason.Completed } };

    internal static byte[] Frames(params CallEvent[] events) => [.. events.SelectMany(e => RawGrpcClient.Frame(e.ToByteArray()))];

    /// <summary>Opens a StreamCall, sends CallStart and one chunk, and waits for its update, so the call is live on return.</summary>
    internal static async Task<RawGrpcDuplexCall> OpenLiveCallAsync(Uri address, string tenantId, string? key)
    {
        var call = RawGrpcClient.StartDuplex(address, StreamCallPath, key is null ? null : Key(key));
        await call.SendAsync(Start(tenantId).ToByteArray());
        await call.SendAsync(Chunk(1).ToByteArray());
        var update = await call.ReadAsync().WaitAsync(Generous);
        Assert.NotNull(update);
        Assert.Equal(CallUpdate.UpdateOneofCase.Assessment, CallUpdate.Parser.ParseFrom(update).UpdateCase);
        return call;
    }

    private Task<RawGrpcDuplexCall> OpenLiveCallAsync(string tenantId, string key) => OpenLiveCallAsync(Service.GrpcAddress, tenantId, key);

    private Task<RawGrpcResponse> ClassifyAsync(Action<HttpRequestHeaders>? headers) => RawGrpcClient.CallAsync(
        Service.GrpcAddress, ClassifyPath, RawGrpcClient.Frame(new ClassifyRequest { Text = "you're a useless idiot" }.ToByteArray()), headers: headers);
}
