using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace AbuseDetector.Service.Tests;

public class BindAddressTests
{
    private static readonly HttpClient Client = new();

    [Fact]
    public async Task Start_AnyAddressWithoutTenants_RefusedWithOneSentence()
    {
        // Act
        var error = await Assert.ThrowsAsync<OptionsValidationException>(
            () => ServiceInstance.StartAsync(new Dictionary<string, string?> { ["AbuseDetector:BindAddress"] = "0.0.0.0" }));

        // Assert
        Assert.Equal(
            "Open mode (no tenants configured) is for loopback only: configure Tenants with API keys to bind to 0.0.0.0, or bind to 127.0.0.1.",
            AbuseDetectorServiceExtensions.StartupFailure(error));
    }

    [Fact]
    public async Task Start_AnyAddressWithTenants_ServesOnLoopbackAndOtherInterfaces()
    {
        // Arrange
        var settings = TenantServiceFixture.Settings();
        settings["AbuseDetector:BindAddress"] = "0.0.0.0";

        // Act
        await using var service = await ServiceInstance.StartAsync(settings);
        using var loopback = await Client.GetAsync(new Uri(service.HttpAddress, "/alive"));

        // Assert
        Assert.Equal(HttpStatusCode.OK, loopback.StatusCode);
        using var external = await Client.GetAsync(new Uri($"http://{NonLoopbackAddress()}:{service.HttpAddress.Port}/alive"));
        Assert.Equal(HttpStatusCode.OK, external.StatusCode);
    }

    [Fact]
    public async Task Start_DefaultBindAddress_NotReachableBeyondLoopback()
    {
        // Arrange
        var other = NonLoopbackAddress();

        // Act
        await using var service = await ServiceInstance.StartAsync();

        // Assert
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => Client.GetAsync(new Uri($"http://{other}:{service.HttpAddress.Port}/alive")));
    }

    /// <summary>An IPv4 address of this host other than loopback: without one, neither test can tell the bind addresses apart.</summary>
    private static IPAddress NonLoopbackAddress()
    {
        var other = NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));
        Assert.True(other is not null, "This host has no IPv4 address up besides loopback, so the test cannot check what is reachable beyond it.");
        return other;
    }
}
