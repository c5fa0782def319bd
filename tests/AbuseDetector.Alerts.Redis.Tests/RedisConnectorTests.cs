using System.ComponentModel.DataAnnotations;
using System.Diagnostics;
using AbuseDetector.Escalation;
using AbuseDetector.Monitoring;
using StackExchange.Redis;

namespace AbuseDetector.Alerts.Redis.Tests;

public sealed class RedisConnectorTests : IDisposable
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
    [InlineData(nameof(RedisAlertsOptions.MaxJournalBytes), "MaxJournalBytes")]
    [InlineData(nameof(RedisAlertsOptions.JournalFlush), "JournalFlush")]
    [InlineData(nameof(RedisAlertsOptions.OutboxJournalPath), "OutboxJournalPath")]
    public void Configure_InvalidOption_ThrowsNamingTheSetting(string setting, string expected)
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
            case nameof(RedisAlertsOptions.MaxJournalBytes): options.MaxJournalBytes = 1000; break;
            case nameof(RedisAlertsOptions.JournalFlush): options.JournalFlush = (JournalFlushPolicy)7; break;
            case nameof(RedisAlertsOptions.OutboxJournalPath): options.OutboxJournalPath = ""; break;
        }

        var error = Assert.Throws<ValidationException>(() => RedisConnector.Configure(options));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_Defaults_Pass()
    {
        var options = new RedisAlertsOptions();

        options.Validate();

        Assert.Equal(("127.0.0.1:6379", "abuse", 10_000, 100, TimeSpan.FromHours(24), OutboxOverflowPolicy.DropOldest, TimeSpan.FromDays(90)), (options.Configuration, options.KeyPrefix, options.HistoryLength, options.AgentHistoryLength, options.DedupeWindow, options.OverflowPolicy, options.IncidentRetention));
        Assert.Equal(((string?)null, JournalFlushPolicy.EverySecond, 64L * 1024 * 1024), (options.OutboxJournalPath, options.JournalFlush, options.MaxJournalBytes));
    }

    [Fact]
    public void Configure_Options_StartsWhileDownFailsFastAndCarriesPasswordTimeoutsAndName()
    {
        var options = new RedisAlertsOptions { Configuration = "redis.example:6380", Password = "p", OperationTimeout = TimeSpan.FromSeconds(3), UseTls = true, TlsHost = "redis.internal" };

        var configuration = RedisConnector.Configure(options);

        Assert.False(configuration.AbortOnConnectFail);
        Assert.Same(BacklogPolicy.FailFast, configuration.BacklogPolicy);
        Assert.Equal((3000, 3000), (configuration.SyncTimeout, configuration.AsyncTimeout));
        Assert.Equal(("p", "abuse-detector", true, "redis.internal"), (configuration.Password, configuration.ClientName, configuration.Ssl, configuration.SslHost));
    }

    [Fact]
    public async Task ConnectAsync_RedisDown_ReturnsWithinTheConnectTimeoutAndConnectsLater()
    {
        await using var server = await RedisServerProcess.StartNewAsync();
        await server.StopAsync();
        var options = RedisTestOptions.For(server, o => o.ConnectTimeout = TimeSpan.FromSeconds(1));

        var started = Stopwatch.StartNew();
        using var redis = await RedisConnector.ConnectAsync(options);

        Assert.InRange(started.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(5));
        Assert.False(redis.IsConnected);
        await server.StartAsync();
        await Eventually.TrueAsync(() => redis.IsConnected, "the connection came up once Redis started", TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Publisher_OtherKeyPrefix_UsesItForChannelsAndHistory()
    {
        await using var server = await RedisServerProcess.StartNewAsync();
        await using var stack = await RedisStack.ConnectAsync(RedisTestOptions.For(server, o => o.KeyPrefix = "staging"));
        var publisher = await stack.StartPublisherAsync();
        await using var raw = await RawSubscriber.StartAsync(server.Configuration, "staging:acme:agent:agent-1", "abuse:acme:agent:agent-1");

        await publisher.PublishAsync(TestAlerts.Make("acme", 1, AlertAudience.AgentAndTeam));

        await Eventually.TrueAsync(() => !raw.Messages.IsEmpty, "the alert arrived");
        Assert.Equal(["staging:acme:agent:agent-1"], raw.Messages.Select(m => m.Channel));
        using var admin = await ConnectionMultiplexer.ConnectAsync(server.Configuration);
        Assert.True(await admin.GetDatabase().KeyExistsAsync("staging:{acme}:team:team-1:history"));
    }

    [Fact]
    public async Task ConnectAsync_TlsWithSelfSignedCertificateAllowed_Publishes()
    {
        var (cert, key) = MakeSelfSignedCertificate();
        await using var server = new RedisServerProcess(tlsCertificateFile: cert, tlsKeyFile: key);
        await server.StartAsync();
        await using var stack = await RedisStack.ConnectAsync(RedisTestOptions.For(server, o => (o.UseTls, o.TlsHost, o.AllowUntrustedCertificate) = (true, "localhost", true)));
        var publisher = await stack.StartPublisherAsync();

        Assert.True(await publisher.PublishAsync(TestAlerts.Make("acme", 1, AlertAudience.Team)));

        Assert.Single(await stack.Feed().ReadHistoryAsync(AlertScope.Team("acme", "team-1"), HistoryId.Start, 10));
    }

    [Fact]
    public async Task ConnectAsync_TlsWithUntrustedCertificateRefused_NotConnected()
    {
        var (cert, key) = MakeSelfSignedCertificate();
        await using var server = new RedisServerProcess(tlsCertificateFile: cert, tlsKeyFile: key);
        await server.StartAsync();

        using var redis = await RedisConnector.ConnectAsync(RedisTestOptions.For(server, o => (o.UseTls, o.TlsHost) = (true, "localhost")));
        await Task.Delay(TimeSpan.FromSeconds(2));

        Assert.False(redis.IsConnected);
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
