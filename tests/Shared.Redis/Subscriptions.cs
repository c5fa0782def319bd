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
}
