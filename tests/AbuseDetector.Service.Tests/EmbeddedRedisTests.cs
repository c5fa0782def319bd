using System.Net.Sockets;
using AbuseDetector.Contracts.V1;

namespace AbuseDetector.Service.Tests;

/// <summary>
/// The default set-up: with Redis "embedded" the service starts redis-server on its embedded port itself (6379 by
/// default; a free port here), stops it on exit, and the data it kept (incidents) is there again after a restart.
/// </summary>
public sealed class EmbeddedRedisTests : IDisposable
{
    private readonly string _dataPath = Directory.CreateTempSubdirectory("abuse-detector-embedded-").FullName;

    [Fact]
    public async Task Embedded_ServiceRestarted_IncidentStillThereAndRedisStoppedWithTheService()
    {
        // Arrange
        var port = FreePort.Next();
        var settings = new Dictionary<string, string?>
        {
            ["AbuseDetector:Redis"] = "embedded",
            ["AbuseDetector:EmbeddedRedisPort"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["AbuseDetector:EmbeddedRedisDataPath"] = _dataPath,
        };
        var tenant = RedisServerFixture.NewTenant();

        // Act: a call with an incident, then a restart of the service.
        await using (var first = await ServiceInstance.StartAsync(settings))
        {
            Assert.True(Answers(port));
            var client = first.NewClient();
            await SampleCalls.ReplayAsync(client, "threat", tenant, "kept-call");
            await Eventually.TrueAsync(
                async () => (await client.ListIncidentsAsync(new ListIncidentsRequest { TenantId = tenant })).Incidents.Any(i => i.Outcome == IncidentOutcome.EndedByAgent),
                "the incident was saved");
        }

        var stoppedWithTheService = !Answers(port);
        Incident kept;
        await using (var second = await ServiceInstance.StartAsync(settings))
        {
            var client = second.NewClient();
            kept = await client.GetIncidentAsync(new GetIncidentRequest { TenantId = tenant, CallId = "kept-call" });
        }

        // Assert
        Assert.True(stoppedWithTheService, "the embedded redis-server outlived the service");
        Assert.True(kept.ThreatRaised);
        Assert.NotEmpty(Directory.EnumerateFileSystemEntries(_dataPath));
        Assert.False(Answers(port));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dataPath, recursive: true);
        }
        catch (IOException)
        {
            // redis-server may still hold a file for a moment; the temporary folder is cleaned by the system later.
        }
    }

    private static bool Answers(int port)
    {
        using var client = new TcpClient();
        try
        {
            client.Connect("127.0.0.1", port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
