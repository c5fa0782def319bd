using Microsoft.Extensions.Logging;

namespace AbuseDetector.Alerts.Redis.Internal;

/// <summary>The Redis alerts log messages; event ids and names never change once shipped. Never logs identifiers or alert text.</summary>
internal static partial class AlertsLog
{
    [LoggerMessage(EventId = 1, EventName = "RedisConnectionFailed", Level = LogLevel.Warning, Message = "Redis {ConnectionType} connection failed: {FailureType}.")]
    public static partial void RedisConnectionFailed(ILogger logger, string connectionType, string failureType);

    [LoggerMessage(EventId = 2, EventName = "RedisConnectionRestored", Level = LogLevel.Information, Message = "Redis {ConnectionType} connection restored.")]
    public static partial void RedisConnectionRestored(ILogger logger, string connectionType);

    // EventId 3 (RedisNotConnectedAtStart) is retired: the host logs why Redis cannot be reached at start, once.

    [LoggerMessage(EventId = 4, EventName = "AlertPublishRetrying", Level = LogLevel.Debug, Message = "Publishing alerts failed ({Error}); retrying in {DelayMs} ms with {Depth} alerts waiting.")]
    public static partial void AlertPublishRetrying(ILogger logger, string error, long delayMs, int depth);

    [LoggerMessage(EventId = 5, EventName = "AlertPublishFailed", Level = LogLevel.Error, Message = "Publishing an alert failed for good and it was dropped.")]
    public static partial void AlertPublishFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 6, EventName = "AlertDropped", Level = LogLevel.Warning, Message = "The alert outbox is full ({Capacity} alerts) and OverflowPolicy is DropOldest, so an alert was dropped to make room, the oldest non-critical one when there is one ({Count} dropped for this reason so far).")]
    public static partial void AlertDropped(ILogger logger, int capacity, long count);

    // EventId 7 (AlertHandlerFailed) went with the AlertPublished event: never reuse it.

    [LoggerMessage(EventId = 8, EventName = "OutboxNotDrained", Level = LogLevel.Warning, Message = "Shutting down with {Depth} alerts still in the outbox: Redis was not reachable in time.")]
    public static partial void OutboxNotDrained(ILogger logger, int depth);

    [LoggerMessage(EventId = 9, EventName = "AlertMalformed", Level = LogLevel.Warning, Message = "Skipped a message on an alert channel or history that is not alert JSON.")]
    public static partial void AlertMalformed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 10, EventName = "AlertRejected", Level = LogLevel.Warning, Message = "The alert outbox is full ({Capacity} alerts) and OverflowPolicy is RejectNew, so a new alert was refused ({Count} refused so far).")]
    public static partial void AlertRejected(ILogger logger, int capacity, long count);

    [LoggerMessage(EventId = 11, EventName = "AlertDroppedAtShutdown", Level = LogLevel.Warning, Message = "An alert was dropped because the publisher is shutting down: it was raised after shutdown began, or still waited for Redis when ShutdownFlushTimeout ran out with no OutboxJournalPath to keep it ({Count} dropped for this reason so far).")]
    public static partial void AlertDroppedAtShutdown(ILogger logger, long count);

    [LoggerMessage(EventId = 12, EventName = "AlertDroppedPublishFailed", Level = LogLevel.Warning, Message = "Redis refused an alert with an error that retrying cannot clear, so it was dropped ({Count} dropped for this reason so far).")]
    public static partial void AlertDroppedPublishFailed(ILogger logger, long count);

    [LoggerMessage(EventId = 13, EventName = "RedisAuthenticationFailed", Level = LogLevel.Error, Message = "Redis refused the password (AuthenticationFailure): check RedisPassword.")]
    public static partial void RedisAuthenticationFailed(ILogger logger);

    [LoggerMessage(EventId = 14, EventName = "OutboxLeftInJournal", Level = LogLevel.Warning, Message = "Shutting down with {Depth} alerts still in the outbox: Redis was not reachable in time; they stay in the outbox journal and are published at the next start.")]
    public static partial void OutboxLeftInJournal(ILogger logger, int depth);

    [LoggerMessage(EventId = 15, EventName = "RedisWritesFailing", Level = LogLevel.Warning, Message = "{Problem}; alerts and incidents wait and are retried.")]
    public static partial void RedisWritesFailing(ILogger logger, string problem);

    [LoggerMessage(EventId = 16, EventName = "RedisWritesAccepted", Level = LogLevel.Information, Message = "Redis accepts writes again.")]
    public static partial void RedisWritesAccepted(ILogger logger);

    [LoggerMessage(EventId = 17, EventName = "OutboxJournalReplayed", Level = LogLevel.Information, Message = "Put {Count} alerts from the outbox journal back in the outbox: they were not published before the last stop.")]
    public static partial void OutboxJournalReplayed(ILogger logger, int count);

    [LoggerMessage(EventId = 18, EventName = "OutboxJournalLinesSkipped", Level = LogLevel.Warning, Message = "Skipped {Count} unreadable lines of the outbox journal, such as a write cut short by a crash.")]
    public static partial void OutboxJournalLinesSkipped(ILogger logger, int count);

    [LoggerMessage(EventId = 19, EventName = "OutboxJournalWriteFailed", Level = LogLevel.Error, Message = "Writing the outbox journal failed; alerts waiting are kept in memory only until it works again.")]
    public static partial void OutboxJournalWriteFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 20, EventName = "OutboxJournalCompacted", Level = LogLevel.Debug, Message = "Compacted the outbox journal from {Before} to {After} bytes.")]
    public static partial void OutboxJournalCompacted(ILogger logger, long before, long after);

    [LoggerMessage(EventId = 21, EventName = "IncidentDropped", Level = LogLevel.Warning, Message = "The incident queue is full ({Capacity} calls waiting for Redis); the oldest incident waiting was dropped.")]
    public static partial void IncidentDropped(ILogger logger, int capacity);

    [LoggerMessage(EventId = 22, EventName = "IncidentSaveRetrying", Level = LogLevel.Debug, Message = "Saving an incident failed ({Error}); retrying in {DelayMs} ms with {Waiting} incidents waiting.")]
    public static partial void IncidentSaveRetrying(ILogger logger, string error, long delayMs, int waiting);

    [LoggerMessage(EventId = 23, EventName = "IncidentNotSaved", Level = LogLevel.Error, Message = "Saving an incident failed for good and it was skipped.")]
    public static partial void IncidentNotSaved(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 24, EventName = "IncidentsLeftAtShutdown", Level = LogLevel.Warning, Message = "Shutting down with {Count} incidents not saved: Redis was not reachable in time.")]
    public static partial void IncidentsLeftAtShutdown(ILogger logger, int count);

    [LoggerMessage(EventId = 25, EventName = "OutboxJournalCompactionFailed", Level = LogLevel.Error, Message = "Compacting the outbox journal failed; it keeps growing until a later compaction works.")]
    public static partial void OutboxJournalCompactionFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 26, EventName = "IncidentMalformed", Level = LogLevel.Warning, Message = "Skipped an incident in Redis that is not incident JSON.")]
    public static partial void IncidentMalformed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 27, EventName = "KeysMigrated", Level = LogLevel.Information, Message = "Moved {Moved} Redis keys to the tenant-hash-tag layout; {Kept} old keys were left because their new names were already taken.")]
    public static partial void KeysMigrated(ILogger logger, int moved, int kept);

    [LoggerMessage(EventId = 28, EventName = "CallLeaseLost", Level = LogLevel.Warning, Message = "Another instance holds a call that is live here (it was resumed there); this instance no longer saves its state.")]
    public static partial void CallLeaseLost(ILogger logger);

    [LoggerMessage(EventId = 29, EventName = "CallStateMalformed", Level = LogLevel.Warning, Message = "A call's saved state in Redis could not be read; the call cannot be resumed.")]
    public static partial void CallStateMalformed(ILogger logger, Exception exception);
}
