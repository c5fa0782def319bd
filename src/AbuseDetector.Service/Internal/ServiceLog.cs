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
}
