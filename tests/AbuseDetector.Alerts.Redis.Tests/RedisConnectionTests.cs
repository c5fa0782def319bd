using System.ComponentModel.DataAnnotations;
using System.Diagnostics;
using AbuseDetector.Escalation;

namespace AbuseDetector.Alerts.Redis.Tests;

public sealed class RedisConnectionTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("abuse-tls-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData(nameof(RedisAlertsOptions.HistoryLength), "HistoryLength")]
    [InlineData(nameof(RedisAlertsOptions.AgentHistoryLength), "AgentHistoryLength")]
    [InlineData(nameof(RedisAlertsOptions.OutboxCapacity), "OutboxCapacity")]
    [InlineData(nameof(RedisAlertsOptions.KeyPrefix), "KeyPrefix")]
    [InlineData(nameof(RedisAlertsOptions.IncidentRetention), "IncidentRetention")]
    [InlineData(nameof(RedisAlertsOptions.AgentHistoryRetention), "AgentHistoryRetention")]
    public void Constructor_InvalidOption_ThrowsNamingTheSetting(string setting, string expected)
    {
        var options = new RedisAlertsOptions();
        switch (setting)
        {
            case nameof(RedisAlertsOptions.HistoryLength): options.HistoryLength = 0; break;
            case nameof(RedisAlertsOptions.AgentHistoryLength): options.AgentHistoryLength = 10_000_001; break;
            case nameof(RedisAlertsOptions.OutboxCapacity): options.OutboxCapacity = -1; break;
            case nameof(RedisAlertsOptions.KeyPrefix): options.KeyPrefix = "a b:c"; break;
            case nameof(RedisAlertsOptions.IncidentRetention): options.IncidentRetention = TimeSpan.Zero; break;
            case nameof(RedisAlertsOptions.AgentHistoryRetention): options.AgentHistoryRetention = TimeSpan.FromSeconds(1); break;
        }

        var error = Assert.Throws<ValidationException>(() => new RedisConnection(options));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_Defaults_Pass()
    {
        var options = new RedisAlertsOptions();

        options.Validate();

        Assert.Equal(("127.0.0.1:6379", "abuse", 10_000, 100, TimeSpan.FromHours(24), OutboxOverflowPolicy.DropOldest, TimeSpan.FromDays(90)), (options.Configuration, options.KeyPrefix, options.HistoryLength, options.AgentHistoryLength, options.DedupeWindow, options.OverflowPolicy, options.IncidentRetention));
    }

    [Fact]
    public async Task Connection_OtherKeyPrefix_UsesItForChannelsAndHistory()
    {
        await using var server = await RedisServerProcess.StartNewAsync();
        await using var connection = new RedisConnection(RedisTestOptions.For(server, o => o.KeyPrefix = "staging"));
        await using var publisher = new RedisAlertPublisher(connection);
        await using var raw = await RawSubscriber.StartAsync(server.Configuration, "staging:acme:agent:agent-1", "abuse:acme:agent:agent-1");

        await publisher.PublishAsync(TestAlerts.Make("acme", 1, AlertAudience.AgentAndTeam));

        await Eventually.TrueAsync(() => !raw.Messages.IsEmpty, "the alert arrived");
        Assert.Equal(["staging:acme:agent:agent-1"], raw.Messages.Select(m => m.Channel));
        using var admin = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(server.Configuration);
        Assert.True(await admin.GetDatabase().KeyExistsAsync("staging:acme:team:team-1:history"));
    }

    [Fact]
    public async Task Connection_TlsWithSelfSignedCertificateAllowed_Publishes()
    {
        var (cert, key) = MakeSelfSignedCertificate();
        await using var server = new RedisServerProcess(tlsCertificateFile: cert, tlsKeyFile: key);
        await server.StartAsync();
        await using var connection = new RedisConnection(RedisTestOptions.For(server, o => (o.UseTls, o.TlsHost, o.AllowUntrustedCertificate) = (true, "localhost", true)));
        await using var publisher = new RedisAlertPublisher(connection);

        Assert.True(await publisher.PublishAsync(TestAlerts.Make("acme", 1, AlertAudience.Team)));

        Assert.Single(await new AlertWatcher(connection).ReadHistoryAsync("acme", "team-1", null, 10));
    }

    [Fact]
    public async Task Connection_TlsWithUntrustedCertificateRefused_NotConnected()
    {
        var (cert, key) = MakeSelfSignedCertificate();
        await using var server = new RedisServerProcess(tlsCertificateFile: cert, tlsKeyFile: key);
        await server.StartAsync();
        await using var connection = new RedisConnection(RedisTestOptions.For(server, o => (o.UseTls, o.TlsHost) = (true, "localhost")));

        Assert.False(await connection.WaitUntilConnectedAsync(TimeSpan.FromSeconds(2)));
    }

    private (string Cert, string Key) MakeSelfSignedCertificate()
    {
        string cert = Path.Combine(_dir, "redis.crt"), key = Path.Combine(_dir, "redis.key");
        var start = new ProcessStartInfo("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", key, "-out", cert])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        using var openssl = Process.Start(start)!;
        openssl.StandardError.ReadToEnd();
        openssl.WaitForExit();
        Assert.Equal(0, openssl.ExitCode);
        return (cert, key);
    }
}
