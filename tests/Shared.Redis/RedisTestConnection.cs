using AbuseDetector.Alerts.Redis;
using StackExchange.Redis;

namespace AbuseDetector.Testing.Redis;

/// <summary>Connections made the way the service makes them (<see cref="RedisConnector"/>), for tests.</summary>
public static class RedisTestConnection
{
    /// <summary>Connects with <see cref="RedisConnector.ConnectAsync"/> and, unless told not to, waits until the connection is up (failing the test after 15 seconds).</summary>
    /// <param name="options">Where Redis is.</param>
    /// <param name="waitUntilConnected">False to return while Redis is down or refusing the password.</param>
    public static async Task<ConnectionMultiplexer> ConnectAsync(RedisAlertsOptions options, bool waitUntilConnected = true)
    {
        var redis = await RedisConnector.ConnectAsync(options);
        if (waitUntilConnected)
        {
            await Eventually.TrueAsync(() => redis.IsConnected, "the Redis connection came up");
        }

        return redis;
    }

    /// <summary>A plain connection for looking at or changing Redis behind the code's back (CONFIG SET, keys, PUBSUB).</summary>
    /// <param name="server">The server.</param>
    /// <param name="password">Its password, or null.</param>
    public static Task<ConnectionMultiplexer> AdminAsync(RedisServerProcess server, string? password = null) =>
        ConnectionMultiplexer.ConnectAsync($"{server.Configuration},allowAdmin=true{(password is null ? "" : ",password=" + password)}");
}
