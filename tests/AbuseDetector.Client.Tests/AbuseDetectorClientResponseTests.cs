using System.Net;
using System.Net.Http.Headers;
using AbuseDetector.Contracts.V1;
using AbuseDetector.Transport.Grpc;

namespace AbuseDetector.Client.Tests;

/// <summary>The client against canned HTTP responses that are not what a gRPC service sends.</summary>
public sealed class AbuseDetectorClientResponseTests
{
    [Theory]
    [InlineData("application/grpc-web")]
    [InlineData("application/grpc+json")]
    [InlineData("application/grpcx")]
    public async Task ClassifyAsync_ResponseContentTypeNotGrpcProtobuf_FailsWithUnknown(string contentType)
    {
        // Arrange
        using var client = new AbuseDetectorClient(
            new AbuseDetectorClientOptions { Address = new Uri("http://127.0.0.1:1") }, new CannedHandler(contentType));

        // Act
        var ex = await Assert.ThrowsAsync<AbuseDetectorRpcException>(() => client.ClassifyAsync(new ClassifyRequest { Text = "hello" }));

        // Assert
        Assert.Equal(GrpcStatusCode.Unknown, ex.StatusCode);
        Assert.Contains(contentType, ex.StatusMessage, StringComparison.Ordinal);
    }

    private sealed class CannedHandler(string contentType) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var content = new ByteArrayContent([]);
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Version = HttpVersion.Version20, Content = content, RequestMessage = request });
        }
    }
}
