using StackExchange.Redis;

namespace AbuseDetector.Alerts.Redis;

/// <summary>Tells Redis errors worth retrying from those that will fail again.</summary>
public static class RedisErrors
{
    /// <summary>Errors that pass when Redis comes back: connection loss, timeouts, a server still loading or refusing auth.</summary>
    /// <param name="exception">The error from a Redis call.</param>
    /// <returns>True when the same call may succeed later.</returns>
    public static bool IsTransient(Exception exception) => exception switch
    {
        RedisConnectionException or RedisTimeoutException or TimeoutException => true,
        RedisServerException server => IsTransientServerError(server.Message),
        _ => false,
    };

    private static bool IsTransientServerError(string message) =>
        message.StartsWith("NOAUTH", StringComparison.Ordinal) || message.StartsWith("WRONGPASS", StringComparison.Ordinal)
        || message.StartsWith("LOADING", StringComparison.Ordinal) || message.StartsWith("BUSY", StringComparison.Ordinal)
        || message.StartsWith("READONLY", StringComparison.Ordinal) || message.StartsWith("MASTERDOWN", StringComparison.Ordinal)
        || message.StartsWith("TRYAGAIN", StringComparison.Ordinal);
}
