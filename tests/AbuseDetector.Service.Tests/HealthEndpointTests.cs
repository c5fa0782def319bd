using System.Net;

namespace AbuseDetector.Service.Tests;

[Collection(ServiceCollection.Name)]
public class HealthEndpointTests(ServiceFixture service)
{
    private static readonly HttpClient Client = new();

    [Theory]
    [InlineData("/alive")]
    [InlineData("/health")]
    public async Task Get_ServiceStartedWithModel_Returns200(string path)
    {
        // Act
        using var response = await Client.GetAsync(new Uri(service.HttpAddress, path));

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpVersion.Version11, response.Version);
    }
}
