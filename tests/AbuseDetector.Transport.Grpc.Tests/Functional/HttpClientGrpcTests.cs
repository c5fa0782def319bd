using System.Net;
using System.Text;
using AbuseDetector.Transport.Grpc.Internal;
using Microsoft.Extensions.Logging;

namespace AbuseDetector.Transport.Grpc.Tests.Functional;

[Collection(GrpcServerCollection.Name)]
public class HttpClientGrpcTests(GrpcServerFixture server) : IDisposable
{
    // Only guards against a hung call failing the whole run; no assertion depends on timing.
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(20);

    private readonly int _problemsBefore = server.Problems.Count;

    /// <summary>Fails the test when the server logged an unexpected Error during it.</summary>
    public void Dispose()
    {
        server.AssertNoUnexpectedErrors(_problemsBefore);
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task Unary_Echo_ReturnsMessageAndStatusOkInTrailers()
    {
        // Arrange
        var payload = Encoding.UTF8.GetBytes("hello agent");

        // Act
        var response = await RawGrpcClient.CallAsync(server.BaseAddress, "/test.Echo/Echo", RawGrpcClient.Frame(payload));

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpVersion.Version20, response.Version);
        Assert.Equal("application/grpc", response.ContentType);
        Assert.Equal("identity,gzip", response.HeadersAndTrailers["grpc-accept-encoding"]);
        Assert.Equal("echo", response.HeadersAndTrailers["x-handler"]);
        var message = Assert.Single(response.Messages);
        Assert.False(message.Compressed);
        Assert.Equal(payload, message.Payload);
        Assert.True(response.HasTrailers);
        Assert.Equal(0, response.GrpcStatus);
    }

    [Fact]
    public async Task Unary_RequestHeader_CopiedIntoTrailers()
    {
        // Arrange
        byte[] binary = [0, 1, 254, 255];

        // Act
        var response = await RawGrpcClient.CallAsync(server.BaseAddress, "/test.Echo/Echo", RawGrpcClient.Frame([1]), headers: h =>
        {
            h.Add("x-echo", "metadata value");
            h.Add("x-echo-bin", Convert.ToBase64String(binary));
        });

        // Assert
        Assert.Equal(0, response.GrpcStatus);
        Assert.Equal("metadata value", response.HeadersAndTrailers["x-echo"]);
        Assert.Equal(binary, Convert.FromBase64String(response.HeadersAndTrailers["x-echo-bin"] + "=="[..((4 - (response.HeadersAndTrailers["x-echo-bin"].Length % 4)) % 4)]));
    }

    [Fact]
    public async Task ServerStreaming_Count_SendsEachMessage()
    {
        // Act
        var response = await RawGrpcClient.CallAsync(server.BaseAddress, "/test.Echo/Count", RawGrpcClient.Frame("3"u8.ToArray()));

        // Assert
        Assert.Equal(0, response.GrpcStatus);
        Assert.Equal(["0", "1", "2"], response.Messages.Select(m => Encoding.ASCII.GetString(m.Payload)));
    }

    [Fact]
    public async Task ClientStreaming_Sum_AddsEveryMessage()
    {
        // Arrange
        var body = RawGrpcClient.Frame("2"u8.ToArray()).Concat(RawGrpcClient.Frame("40"u8.ToArray())).ToArray();

        // Act
        var response = await RawGrpcClient.CallAsync(server.BaseAddress, "/test.Echo/Sum", body);

        // Assert
        Assert.Equal(0, response.GrpcStatus);
        Assert.Equal("42", Encoding.ASCII.GetString(Assert.Single(response.Messages).Payload));
    }

    [Theory]
    [InlineData("/test.Echo/Nope")]
    [InlineData("/nope.Service/Echo")]
    public async Task UnknownMethod_ReturnsUnimplementedTrailersOnly(string path)
    {
        // Act
        var response = await RawGrpcClient.CallAsync(server.BaseAddress, path, RawGrpcClient.Frame([1]));

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(12, response.GrpcStatus);
        Assert.Empty(response.Messages);
        Assert.False(response.HasTrailers);
    }

    [Fact]
    public async Task Oversize_ReturnsResourceExhausted()
    {
        // Arrange
        var payload = new byte[GrpcServerFixture.MaxReceiveMessageSize + 1];

        // Act
        var response = await RawGrpcClient.CallAsync(server.BaseAddress, "/test.Echo/Echo", RawGrpcClient.Frame(payload));

        // Assert
        Assert.Equal(8, response.GrpcStatus);
        Assert.Empty(response.Messages);
    }

    [Fact]
    public async Task WrongContentType_Returns415()
    {
        // Act
        var response = await RawGrpcClient.CallAsync(server.BaseAddress, "/test.Echo/Echo", RawGrpcClient.Frame([1]), contentType: "application/json");

        // Assert
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Fact]
    public async Task RpcException_ReturnsItsStatusAndPercentDecodedMessage()
    {
        // Act
        var response = await RawGrpcClient.CallAsync(server.BaseAddress, "/test.Echo/Fail", RawGrpcClient.Frame([1]));

        // Assert
        Assert.Equal(3, response.GrpcStatus);
        Assert.Equal("bad thing", GrpcMessageEncoding.Decode(response.GrpcMessage!));
    }

    [Fact]
    public async Task MalformedMessage_ReturnsInvalidArgument()
    {
        // Act
        var response = await RawGrpcClient.CallAsync(server.BaseAddress, "/test.Echo/Sum", RawGrpcClient.Frame("not a number"u8.ToArray()));

        // Assert
        Assert.Equal(3, response.GrpcStatus);
        Assert.Equal("The request message could not be parsed.", GrpcMessageEncoding.Decode(response.GrpcMessage!));
    }

    [Fact]
    public async Task UnexpectedException_ReturnsUnknownWithoutLeakingAndLogsError()
    {
        // Act
        var response = await RawGrpcClient.CallAsync(server.BaseAddress, "/test.Echo/Crash", RawGrpcClient.Frame([1]));

        // Assert
        Assert.Equal(2, response.GrpcStatus);
        Assert.DoesNotContain("secret", GrpcMessageEncoding.Decode(response.GrpcMessage!), StringComparison.Ordinal);
        Assert.Contains(server.Problems, p => p.Level == LogLevel.Error && p.EventId.Id == 1 && p.Message.Contains("/test.Echo/Crash", StringComparison.Ordinal));
    }

    [Fact]
    public async Task GzipRequest_IsDecompressed()
    {
        // Arrange
        var payload = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("compress me ", 100)));

        // Act
        var response = await RawGrpcClient.CallAsync(
            server.BaseAddress, "/test.Echo/Echo", RawGrpcClient.Frame(RawGrpcClient.Gzip(payload), compressed: true), headers: h => h.Add("grpc-encoding", "gzip"));

        // Assert
        Assert.Equal(0, response.GrpcStatus);
        Assert.Equal(payload, Assert.Single(response.Messages).Payload);
    }

    [Fact]
    public async Task CompressedFlagWithoutEncoding_ReturnsInternal()
    {
        // Act
        var response = await RawGrpcClient.CallAsync(server.BaseAddress, "/test.Echo/Echo", RawGrpcClient.Frame(RawGrpcClient.Gzip([1]), compressed: true));

        // Assert
        Assert.Equal(13, response.GrpcStatus);
    }

    [Fact]
    public async Task AcceptEncodingGzip_ResponseIsCompressed()
    {
        // Arrange
        var payload = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("compress me ", 100)));

        // Act
        var response = await RawGrpcClient.CallAsync(
            server.BaseAddress, "/test.Echo/Echo", RawGrpcClient.Frame(payload), headers: h => h.Add("grpc-accept-encoding", "identity,gzip"));

        // Assert
        Assert.Equal(0, response.GrpcStatus);
        Assert.Equal("gzip", response.HeadersAndTrailers["grpc-encoding"]);
        var message = Assert.Single(response.Messages);
        Assert.True(message.Compressed);
        Assert.True(GzipMessageCompression.TryDecompress(new(message.Payload), int.MaxValue, out var decompressed, out _));
        Assert.Equal(payload, decompressed);
    }

    [Fact]
    public async Task Deadline_Passes_ReturnsDeadlineExceeded()
    {
        // Act
        var response = await RawGrpcClient.CallAsync(server.BaseAddress, "/test.Echo/Sleep", RawGrpcClient.Frame([1]), headers: h => h.Add("grpc-timeout", "200m"));

        // Assert
        Assert.Equal(4, response.GrpcStatus);
    }

    [Fact]
    public async Task InvalidTimeout_ReturnsInternal()
    {
        // Act
        var response = await RawGrpcClient.CallAsync(server.BaseAddress, "/test.Echo/Echo", RawGrpcClient.Frame([1]), headers: h => h.Add("grpc-timeout", "soon"));

        // Assert
        Assert.Equal(13, response.GrpcStatus);
    }

    [Fact]
    public async Task UnaryWithTwoMessages_ReturnsInternal()
    {
        // Act
        var response = await RawGrpcClient.CallAsync(server.BaseAddress, "/test.Echo/Echo", [.. RawGrpcClient.Frame([1]), .. RawGrpcClient.Frame([2])]);

        // Assert
        Assert.Equal(13, response.GrpcStatus);
        Assert.Empty(response.Messages);
    }

    [Fact]
    public async Task Deadline_UnaryHandlerIgnoresToken_ServerEndsCallWithDeadlineExceededTrailersOnly()
    {
        // Act
        var response = await RawGrpcClient.CallAsync(server.BaseAddress, "/test.Echo/Stall", RawGrpcClient.Frame([1]), headers: h => h.Add("grpc-timeout", "200m"))
            .WaitAsync(HangGuard);

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(4, response.GrpcStatus);
        Assert.Empty(response.Messages);
        Assert.False(response.HasTrailers);
    }

    [Fact]
    public async Task Deadline_StreamingHandlerIgnoresToken_TrailersAfterMessageAndLaterWriteFailsCleanly()
    {
        // Arrange
        server.Service.ResetStall();
        var problemsBefore = server.Problems.Count;

        // Act
        var response = await RawGrpcClient.CallAsync(server.BaseAddress, "/test.Echo/StallStream", RawGrpcClient.Frame([7]), headers: h => h.Add("grpc-timeout", "300m"))
            .WaitAsync(HangGuard);
        try
        {
            await Eventually.TrueAsync(
                () => server.Problems.Skip(problemsBefore).Any(p => p.Level == LogLevel.Warning && p.EventId.Name == "HandlerIgnoredDeadline"),
                "the server warned that the method ignored its deadline",
                HangGuard);
        }
        finally
        {
            server.Service.StallRelease.TrySetResult();
        }

        var laterWrite = await server.Service.StalledWriteOutcome.Task.WaitAsync(HangGuard);

        // Assert
        Assert.Equal(4, response.GrpcStatus);
        Assert.True(response.HasTrailers);
        Assert.Equal([7], Assert.Single(response.Messages).Payload);
        Assert.IsAssignableFrom<OperationCanceledException>(laterWrite);
    }

    [Fact]
    public async Task UnsupportedEncoding_ReturnsUnimplementedWithAcceptEncoding()
    {
        // Act
        var response = await RawGrpcClient.CallAsync(
            server.BaseAddress, "/test.Echo/Echo", RawGrpcClient.Frame([1], compressed: true), headers: h => h.Add("grpc-encoding", "snappy"));

        // Assert
        Assert.Equal(12, response.GrpcStatus);
        Assert.Contains("grpc-encoding", GrpcMessageEncoding.Decode(response.GrpcMessage!), StringComparison.Ordinal);
        Assert.Equal("identity,gzip", response.HeadersAndTrailers["grpc-accept-encoding"]);
        Assert.Empty(response.Messages);
    }

    [Fact]
    public async Task IdentityEncoding_UncompressedMessage_IsAccepted()
    {
        // Act
        var response = await RawGrpcClient.CallAsync(server.BaseAddress, "/test.Echo/Echo", RawGrpcClient.Frame([1, 2]), headers: h => h.Add("grpc-encoding", "identity"));

        // Assert
        Assert.Equal(0, response.GrpcStatus);
        Assert.Equal([1, 2], Assert.Single(response.Messages).Payload);
    }

    [Fact]
    public async Task IdentityEncoding_CompressedFlag_ReturnsInternal()
    {
        // Act
        var response = await RawGrpcClient.CallAsync(
            server.BaseAddress, "/test.Echo/Echo", RawGrpcClient.Frame(RawGrpcClient.Gzip([1]), compressed: true), headers: h => h.Add("grpc-encoding", "identity"));

        // Assert
        Assert.Equal(13, response.GrpcStatus);
    }

    [Fact]
    public async Task MaxSendMessageSize_Exceeded_ReturnsResourceExhaustedWithoutPartialMessage()
    {
        // Act
        var response = await RawGrpcClient.CallAsync(
            server.BaseAddress, "/test.Echo/Big", RawGrpcClient.Frame(System.Text.Encoding.ASCII.GetBytes($"{GrpcServerFixture.MaxSendMessageSize + 1}")));

        // Assert
        Assert.Equal(8, response.GrpcStatus);
        Assert.Contains("maximum send message size", GrpcMessageEncoding.Decode(response.GrpcMessage!), StringComparison.Ordinal);
        Assert.Equal([1], Assert.Single(response.Messages).Payload);
    }

    [Fact]
    public async Task MaxSendMessageSize_AtLimit_IsSent()
    {
        // Act
        var response = await RawGrpcClient.CallAsync(
            server.BaseAddress, "/test.Echo/Big", RawGrpcClient.Frame(System.Text.Encoding.ASCII.GetBytes($"{GrpcServerFixture.MaxSendMessageSize}")));

        // Assert
        Assert.Equal(0, response.GrpcStatus);
        Assert.Equal(2, response.Messages.Count);
        Assert.Equal(GrpcServerFixture.MaxSendMessageSize, response.Messages[1].Payload.Length);
    }

    [Fact]
    public async Task Http11Request_Returns426()
    {
        // Arrange
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server.Http1Address, "/test.Echo/Echo"))
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(RawGrpcClient.Frame([1])),
        };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/grpc");

        // Act
        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        // Assert
        Assert.Equal(HttpStatusCode.UpgradeRequired, response.StatusCode);
        Assert.Equal(HttpVersion.Version11, response.Version);
        Assert.Contains("HTTP/2", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongContentType_Http2_Returns415WithGrpcStatus()
    {
        // Act
        var response = await RawGrpcClient.CallAsync(server.BaseAddress, "/test.Echo/Echo", Encoding.UTF8.GetBytes("{}"), contentType: "application/json");

        // Assert
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal(13, response.GrpcStatus);
    }

    [Fact]
    public async Task ResponseHeaders_AddedAfterFirstMessage_Throws()
    {
        // Act
        var response = await RawGrpcClient.CallAsync(server.BaseAddress, "/test.Echo/LateHeader", RawGrpcClient.Frame([1]));

        // Assert
        Assert.Equal(0, response.GrpcStatus);
        Assert.False(response.HeadersAndTrailers.ContainsKey("x-late"));
        Assert.StartsWith("Response headers cannot be added", response.HeadersAndTrailers["x-late-error"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteResponseHeadersAsync_SendsHeadersOnceThenRefusesMore()
    {
        // Act
        var response = await RawGrpcClient.CallAsync(server.BaseAddress, "/test.Echo/EarlyHeaders", RawGrpcClient.Frame([1]));

        // Assert
        Assert.Equal(0, response.GrpcStatus);
        Assert.Equal("1", response.HeadersAndTrailers["x-first"]);
        Assert.Equal("yes", response.HeadersAndTrailers["x-early"]);
        Assert.Contains("only once", response.HeadersAndTrailers["x-second-write-error"], StringComparison.Ordinal);
        Assert.StartsWith("Response headers cannot be added", response.HeadersAndTrailers["x-late-error"], StringComparison.Ordinal);
        Assert.False(response.HeadersAndTrailers.ContainsKey("x-late"));
    }
}
