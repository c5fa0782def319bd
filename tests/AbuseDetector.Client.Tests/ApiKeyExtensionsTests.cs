using AbuseDetector.Contracts.V1;
using Grpc.Core;
using Grpc.Net.Client;

namespace AbuseDetector.Client.Tests;

[Collection(ServiceHostCollection.Name)]
public sealed class ApiKeyExtensionsTests(ServiceHostFixture service)
{
    [Fact]
    public async Task WithApiKey_TenantKey_ServiceAcceptsTheCall()
    {
        // Arrange
        using var channel = GrpcChannel.ForAddress(service.GrpcAddress);
        var client = new Contracts.V1.AbuseDetector.AbuseDetectorClient(channel.WithApiKey(ServiceHostFixture.ApiKey));

        // Act
        var response = await client.ClassifyAsync(new ClassifyRequest { Text = "you're thick as shit, you useless idiot" });

        // Assert
        Assert.Contains(response.Scores, s => s.Category == Category.Insult && s.Flagged);
    }

    [Fact]
    public async Task WithApiKey_SameHeadersForSeveralCalls_EveryCallAcceptedAndTheHeadersLeftAlone()
    {
        // Arrange: a plugin that builds its headers once and passes them to every call.
        using var channel = GrpcChannel.ForAddress(service.GrpcAddress);
        var client = new Contracts.V1.AbuseDetector.AbuseDetectorClient(channel.WithApiKey(ServiceHostFixture.ApiKey));
        var headers = new Metadata { { "x-plugin", "softphone" } };

        // Act
        for (var i = 0; i < 3; i++)
        {
            await client.ClassifyAsync(new ClassifyRequest { Text = "hello" }, headers);
        }

        // Assert
        Assert.Equal(["x-plugin"], headers.Select(h => h.Key));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not-the-key")]
    public async Task WithApiKey_NoOrWrongKey_Unauthenticated(string? apiKey)
    {
        // Arrange
        using var channel = GrpcChannel.ForAddress(service.GrpcAddress);
        var client = new Contracts.V1.AbuseDetector.AbuseDetectorClient(channel.WithApiKey(apiKey));

        // Act
        var error = await Assert.ThrowsAsync<RpcException>(async () => await client.ClassifyAsync(new ClassifyRequest { Text = "hello" }));

        // Assert
        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Equal("a valid API key is required", error.Status.Detail);
    }
}
