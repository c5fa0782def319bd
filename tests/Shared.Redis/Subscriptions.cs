using StackExchange.Redis;

namespace AbuseDetector.Testing.Redis;

/// <summary>Waits until Redis counts a subscriber on each channel, so a test publishes only once watchers listen.</summary>
public static class Subscriptions
{
    /// <summary>Waits until each channel has at least one subscriber (<c>PUBSUB NUMSUB</c>); fails the test after 15 seconds.</summary>
    /// <param name="configuration">The server's <c>host:port</c>.</param>
    /// <param name="channels">The channels, such as <c>abuse:tenant:team:team-1</c>.</param>
    public static async Task WaitAsync(string configuration, params string[] channels)
    {
        using var admin = await ConnectionMultiplexer.ConnectAsync(configuration);
        var server = admin.GetServer(admin.GetEndPoints()[0]);
        foreach (var channel in channels)
        {
            var name = new RedisChannel(channel, RedisChannel.PatternMode.Literal);
            await Eventually.TrueAsync(async () => await server.SubscriptionSubscriberCountAsync(name) >= 1, $"somebody subscribed to {channel}");
        }
    }

    /// <summary>
    /// Waits until each shard channel has at least one subscriber on the Redis Cluster node that owns its slot
    /// (<c>PUBSUB SHARDNUMSUB</c>, which counts SSUBSCRIBE only); fails the test after 15 seconds.
    /// </summary>
    /// <param name="configuration">The cluster's nodes, <c>host:port</c> joined by commas.</param>
    /// <param name="channels">The shard channels, such as <c>abuse:{tenant}:team:team-1</c>.</param>
    public static async Task WaitShardedAsync(string configuration, params string[] channels)
    {
        using var admin = await ConnectionMultiplexer.ConnectAsync(configuration);
        foreach (var channel in channels)
        {
            var owner = admin.GetServer(admin.GetEndPoints()[0]).ClusterConfiguration?.GetBySlot(channel)?.EndPoint
                ?? throw new InvalidOperationException($"No cluster node owns the slot of {channel}.");
            var server = admin.GetServer(owner);
            await Eventually.TrueAsync(
                async () => (long)((RedisResult[])(await server.ExecuteAsync("PUBSUB", "SHARDNUMSUB", channel))!)[1] >= 1,
                $"somebody subscribed to the shard channel {channel} on {owner}");
        }
    }
}
