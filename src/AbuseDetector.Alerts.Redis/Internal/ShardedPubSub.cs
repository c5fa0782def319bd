using StackExchange.Redis;

namespace AbuseDetector.Alerts.Redis.Internal;

/// <summary>
/// Whether alerts travel over sharded pub/sub (SPUBLISH, SSUBSCRIBE): on a Redis Cluster of 7.0 or later, where a plain
/// PUBLISH goes to every node, while a shard channel stays on the node that owns its slot. A standalone server or
/// Sentinel keeps PUBLISH and the channel names plugins already use. Decided from the connection as it is, by the
/// publisher and the feed alike, so both sides pick the same channel.
/// </summary>
internal static class ShardedPubSub
{
    private static readonly Version FirstVersion = new(7, 0);

    /// <summary>True when every node the connection reaches now is a cluster node of Redis 7.0 or later (false while none is reached).</summary>
    public static bool IsOffered(IConnectionMultiplexer redis)
    {
        var reached = false;
        foreach (var server in redis.GetServers())
        {
            if (!server.IsConnected)
            {
                continue;
            }

            if (server.ServerType != ServerType.Cluster || server.Version < FirstVersion)
            {
                return false;
            }

            reached = true;
        }

        return reached;
    }

    /// <summary>The command the publish script calls.</summary>
    public static string PublishCommand(bool sharded) => sharded ? "SPUBLISH" : "PUBLISH";

    /// <summary>The channel to subscribe to.</summary>
    public static RedisChannel Channel(string name, bool sharded) => sharded ? RedisChannel.Sharded(name) : RedisChannel.Literal(name);
}
