using System.Net;
using System.Text;
using AbuseDetector.Transport.Grpc.Internal;
using Microsoft.Extensions.Logging;

namespace AbuseDetector.Transport.Grpc.Tests.Functional;

[Collection(GrpcServerCollection.Name)]
public class HttpClientGrpcTests(GrpcServerFixture server) : IDisposable
{
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
        Assert.Equal("gzip", response.HeadersAndTrailers["grpc-accept-encoding"]);
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
}
