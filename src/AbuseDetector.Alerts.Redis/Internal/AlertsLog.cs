using Microsoft.Extensions.Logging;

namespace AbuseDetector.Alerts.Redis.Internal;

/// <summary>The Redis alerts log messages; event ids and names never change once shipped. Never logs identifiers or alert text.</summary>
internal static partial class AlertsLog
{
    [LoggerMessage(EventId = 1, EventName = "RedisConnectionFailed", Level = LogLevel.Warning, Message = "Redis {ConnectionType} connection failed: {FailureType}.")]
    public static partial void RedisConnectionFailed(ILogger logger, string connectionType, string failureType);

    [LoggerMessage(EventId = 2, EventName = "RedisConnectionRestored", Level = LogLevel.Information, Message = "Redis {ConnectionType} connection restored.")]
    public static partial void RedisConnectionRestored(ILogger logger, string connectionType);

    [LoggerMessage(EventId = 3, EventName = "RedisNotConnectedAtStart", Level = LogLevel.Warning, Message = "Redis is not reachable at start; alerts wait in the outbox until it is.")]
    public static partial void RedisNotConnectedAtStart(ILogger logger);

    [LoggerMessage(EventId = 4, EventName = "AlertPublishRetrying", Level = LogLevel.Debug, Message = "Publishing an alert failed ({Error}); retrying in {DelayMs} ms with {Depth} alerts waiting.")]
    public static partial void AlertPublishRetrying(ILogger logger, string error, long delayMs, int depth);

    [LoggerMessage(EventId = 5, EventName = "AlertPublishFailed", Level = LogLevel.Error, Message = "Publishing an alert failed for good and it was dropped.")]
    public static partial void AlertPublishFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 6, EventName = "AlertDropped", Level = LogLevel.Warning, Message = "The alert outbox is full ({Capacity}); an alert was dropped ({Reason}).")]
    public static partial void AlertDropped(ILogger logger, int capacity, string reason);

    // EventId 7 (AlertHandlerFailed) went with the AlertPublished event: never reuse it.

    [LoggerMessage(EventId = 8, EventName = "OutboxNotDrained", Level = LogLevel.Warning, Message = "Shutting down with {Depth} alerts still in the outbox: Redis was not reachable in time.")]
    public static partial void OutboxNotDrained(ILogger logger, int depth);

    [LoggerMessage(EventId = 9, EventName = "AlertMalformed", Level = LogLevel.Warning, Message = "Skipped a message on an alert channel that is not alert JSON.")]
    public static partial void AlertMalformed(ILogger logger, Exception exception);
}
