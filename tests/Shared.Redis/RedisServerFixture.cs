using AbuseDetector.Alerts.Redis;

namespace AbuseDetector.Testing.Redis;

/// <summary>
/// One real redis-server on a free loopback port for a test class (or collection); tests keep apart by using
/// their own tenant ids. Tests that stop the server or need a password start their own <see cref="RedisServerProcess"/>.
/// </summary>
public sealed class RedisServerFixture : IAsyncLifetime
{
    private RedisServerProcess? _server;

    public RedisServerProcess Server => _server ?? throw new InvalidOperationException("The fixture has not started.");

    /// <summary>The server's <c>127.0.0.1:port</c>.</summary>
    public string Configuration => Server.Configuration;

    /// <summary>Options pointing at the server, with short timeouts for tests.</summary>
    public RedisAlertsOptions NewOptions(Action<RedisAlertsOptions>? configure = null) => RedisTestOptions.For(Server, configure);

    /// <summary>A tenant id no other test uses.</summary>
    public static string NewTenant() => "t" + Guid.NewGuid().ToString("N")[..12];

    public async Task InitializeAsync() => _server = await RedisServerProcess.StartNewAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

/// <summary>Options for tests: the given server, a generous connect timeout and a short operation timeout.</summary>
public static class RedisTestOptions
{
    public static RedisAlertsOptions For(RedisServerProcess server, Action<RedisAlertsOptions>? configure = null)
    {
        var options = new RedisAlertsOptions
        {
            Configuration = server.Configuration,
            // Generous: the whole suite runs at once on 2 cores, and a connect that times out leaves the client unconnected for a while.
            ConnectTimeout = TimeSpan.FromSeconds(5),
            OperationTimeout = TimeSpan.FromSeconds(2),
        };
        configure?.Invoke(options);
        return options;
    }
}
