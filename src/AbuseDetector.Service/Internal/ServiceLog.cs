namespace AbuseDetector.Service.Internal;

/// <summary>The service's log messages; event ids and names never change once shipped. Never logs transcript text or identifiers.</summary>
internal static partial class ServiceLog
{
    [LoggerMessage(EventId = 1, EventName = "ModelLoaded", Level = LogLevel.Information, Message = "Loaded model {ModelName} from {Path}.")]
    public static partial void ModelLoaded(ILogger logger, string modelName, string path);

    [LoggerMessage(EventId = 2, EventName = "CallStarted", Level = LogLevel.Debug, Message = "Call started; {LiveCalls} calls live.")]
    public static partial void CallStarted(ILogger logger, int liveCalls);

    [LoggerMessage(EventId = 3, EventName = "CallEnded", Level = LogLevel.Information, Message = "Call ended ({Ending}) after {Chunks} chunks and {Seconds:0.0} s; highest level {HighestLevel}, {Alerts} alerts.")]
    public static partial void CallEnded(ILogger logger, string ending, int chunks, double seconds, string highestLevel, int alerts);

    [LoggerMessage(EventId = 4, EventName = "ChunkRejected", Level = LogLevel.Debug, Message = "Chunk {Seq} rejected with {Code}.")]
    public static partial void ChunkRejected(ILogger logger, ulong seq, string code);

    [LoggerMessage(EventId = 5, EventName = "CallRejected", Level = LogLevel.Information, Message = "StreamCall rejected with {Code}.")]
    public static partial void CallRejected(ILogger logger, string code);

    [LoggerMessage(EventId = 6, EventName = "AuthenticationOff", Level = LogLevel.Warning, Message = "authentication is off: no tenants configured; loopback only")]
    public static partial void AuthenticationOff(ILogger logger);

    [LoggerMessage(EventId = 7, EventName = "ClassifyRejected", Level = LogLevel.Information, Message = "Classify rejected with {Code}.")]
    public static partial void ClassifyRejected(ILogger logger, string code);

    // EventId 8 (CallEndedByService) became part of CallEnded: never reuse it.

    [LoggerMessage(EventId = 9, EventName = "RedisOff", Level = LogLevel.Warning, Message = "Redis is off (--redis none): alerts reach WatchAlerts streams on this instance only, and no incidents are kept.")]
    public static partial void RedisOff(ILogger logger);

    [LoggerMessage(EventId = 10, EventName = "EmbeddedRedisStarted", Level = LogLevel.Information, Message = "Started a local redis-server on 127.0.0.1:{Port} (--redis embedded), keeping its data in {DataPath}; it stops with the service.")]
    public static partial void EmbeddedRedisStarted(ILogger logger, int port, string dataPath);

    [LoggerMessage(EventId = 11, EventName = "RedisUnreachableAtStart", Level = LogLevel.Warning, Message = "Alerts cannot reach Redis yet: {Problem}; calls are scored, and alerts wait in the outbox and its journal until they can.")]
    public static partial void RedisUnreachableAtStart(ILogger logger, string problem);

    // EventIds 12, 13, 14, 15, 17 and 18 moved with the outbox and the incident queue to the Redis alerts log: never reuse them.

    [LoggerMessage(EventId = 16, EventName = "RequestRejected", Level = LogLevel.Information, Message = "{Method} rejected with {Code}.")]
    public static partial void RequestRejected(ILogger logger, string method, string code);

    [LoggerMessage(EventId = 19, EventName = "RedisConnecting", Level = LogLevel.Information, Message = "Alerts and incidents go to Redis at {Endpoint}{Tls}.")]
    public static partial void RedisConnecting(ILogger logger, string endpoint, string tls);

    [LoggerMessage(EventId = 20, EventName = "Unauthenticated", Level = LogLevel.Debug, Message = "{Path} refused: no valid API key.")]
    public static partial void Unauthenticated(ILogger logger, string path);

    [LoggerMessage(EventId = 21, EventName = "KeyMigrationFailed", Level = LogLevel.Warning, Message = "Moving Redis keys of an earlier version to the current layout stopped ({Error}); the next start goes on.")]
    public static partial void KeyMigrationFailed(ILogger logger, string error);

    [LoggerMessage(EventId = 22, EventName = "CallResumed", Level = LogLevel.Debug, Message = "Call resumed from its saved state at seq {LastSeq}; {LiveCalls} calls live.")]
    public static partial void CallResumed(ILogger logger, ulong lastSeq, int liveCalls);

    [LoggerMessage(EventId = 23, EventName = "CallEndedUnresumed", Level = LogLevel.Information, Message = "Call ended (dropped): its client went away and did not resume it within ResumeWindow.")]
    public static partial void CallEndedUnresumed(ILogger logger);
}
