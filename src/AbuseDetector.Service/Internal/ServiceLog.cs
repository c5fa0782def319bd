namespace AbuseDetector.Service.Internal;

/// <summary>The service's log messages; event ids and names never change once shipped. Never logs transcript text or identifiers.</summary>
internal static partial class ServiceLog
{
    [LoggerMessage(EventId = 1, EventName = "ModelLoaded", Level = LogLevel.Information, Message = "Loaded model {ModelName} from {Path}.")]
    public static partial void ModelLoaded(ILogger logger, string modelName, string path);

    [LoggerMessage(EventId = 2, EventName = "CallStarted", Level = LogLevel.Debug, Message = "Call started; {LiveCalls} calls live.")]
    public static partial void CallStarted(ILogger logger, int liveCalls);

    [LoggerMessage(EventId = 3, EventName = "CallEnded", Level = LogLevel.Debug, Message = "Call ended after {Chunks} chunks.")]
    public static partial void CallEnded(ILogger logger, int chunks);

    [LoggerMessage(EventId = 4, EventName = "ChunkRejected", Level = LogLevel.Debug, Message = "Chunk {Seq} rejected with {Code}.")]
    public static partial void ChunkRejected(ILogger logger, ulong seq, string code);

    [LoggerMessage(EventId = 5, EventName = "CallRejected", Level = LogLevel.Information, Message = "StreamCall rejected with {Code}.")]
    public static partial void CallRejected(ILogger logger, string code);

    [LoggerMessage(EventId = 6, EventName = "AuthenticationOff", Level = LogLevel.Warning, Message = "authentication is off: no tenants configured; loopback only")]
    public static partial void AuthenticationOff(ILogger logger);

    [LoggerMessage(EventId = 7, EventName = "ClassifyRejected", Level = LogLevel.Information, Message = "Classify rejected with {Code}.")]
    public static partial void ClassifyRejected(ILogger logger, string code);

    [LoggerMessage(EventId = 8, EventName = "CallEndedByService", Level = LogLevel.Information, Message = "StreamCall ended by the service with {Code} after {Chunks} chunks.")]
    public static partial void CallEndedByService(ILogger logger, string code, int chunks);
    [LoggerMessage(EventId = 9, EventName = "RedisOff", Level = LogLevel.Warning, Message = "Redis is off (--redis none): alerts reach WatchAlerts streams on this instance only, and no incidents are kept.")]
    public static partial void RedisOff(ILogger logger);

    [LoggerMessage(EventId = 10, EventName = "EmbeddedRedisStarted", Level = LogLevel.Information, Message = "Started a local redis-server on 127.0.0.1:{Port} (--redis embedded), keeping its data in {DataPath}; it stops with the service.")]
    public static partial void EmbeddedRedisStarted(ILogger logger, int port, string dataPath);

    [LoggerMessage(EventId = 11, EventName = "RedisUnreachableAtStart", Level = LogLevel.Warning, Message = "Redis does not answer yet ({Failure}); calls are scored and alerts wait in the outbox until it does.")]
    public static partial void RedisUnreachableAtStart(ILogger logger, string failure);

    // EventId 12 (AlertsLeftAtShutdown) is retired: the alert publisher logs what its outbox could not send.

    [LoggerMessage(EventId = 13, EventName = "IncidentSaveFailed", Level = LogLevel.Warning, Message = "An incident could not be saved to Redis yet ({Failure}); retrying.")]
    public static partial void IncidentSaveFailed(ILogger logger, string failure);

    [LoggerMessage(EventId = 14, EventName = "CallHistoryUnavailable", Level = LogLevel.Debug, Message = "The caller's history could not be read in time; the call goes on without a repeat_caller heads-up.")]
    public static partial void CallHistoryUnavailable(ILogger logger);

    [LoggerMessage(EventId = 15, EventName = "IncidentsLeftAtShutdown", Level = LogLevel.Error, Message = "{Count} incidents were still waiting for Redis at shutdown and are lost.")]
    public static partial void IncidentsLeftAtShutdown(ILogger logger, int count);

    [LoggerMessage(EventId = 16, EventName = "RequestRejected", Level = LogLevel.Information, Message = "{Method} rejected with {Code}.")]
    public static partial void RequestRejected(ILogger logger, string method, string code);

    [LoggerMessage(EventId = 17, EventName = "IncidentDropped", Level = LogLevel.Error, Message = "{Capacity} incidents were already waiting for Redis; the oldest waiting one is lost.")]
    public static partial void IncidentDropped(ILogger logger, int capacity);

    [LoggerMessage(EventId = 18, EventName = "IncidentNotSaved", Level = LogLevel.Error, Message = "An incident could not be saved to Redis and will not be retried.")]
    public static partial void IncidentNotSaved(ILogger logger, Exception exception);
}
