using Microsoft.Extensions.Logging;

namespace AbuseDetector.Transport.Grpc.Internal;

/// <summary>The server's log messages. Event ids and names never change once shipped; no message content is ever logged.</summary>
internal static partial class GrpcServerLog
{
    [LoggerMessage(EventId = 1, EventName = "UnhandledException", Level = LogLevel.Error, Message = "The service method {Method} failed with an unexpected exception; the client gets UNKNOWN.")]
    public static partial void UnhandledException(ILogger logger, string method, Exception exception);

    [LoggerMessage(EventId = 2, EventName = "CallCancelledByClient", Level = LogLevel.Information, Message = "The client cancelled the call to {Method}.")]
    public static partial void CallCancelledByClient(ILogger logger, string method);

    [LoggerMessage(EventId = 3, EventName = "DeadlineExceeded", Level = LogLevel.Information, Message = "The call to {Method} passed its deadline of {Timeout}.")]
    public static partial void DeadlineExceeded(ILogger logger, string method, TimeSpan timeout);

    [LoggerMessage(EventId = 4, EventName = "UnsupportedRequestProtocol", Level = LogLevel.Information, Message = "A gRPC request used {Protocol}; gRPC needs HTTP/2.")]
    public static partial void UnsupportedRequestProtocol(ILogger logger, string protocol);

    [LoggerMessage(EventId = 5, EventName = "UnsupportedRequestContentType", Level = LogLevel.Information, Message = "A request to {Method} was refused because its content type is not application/grpc.")]
    public static partial void UnsupportedRequestContentType(ILogger logger, string method);

    [LoggerMessage(EventId = 6, EventName = "MethodUnimplemented", Level = LogLevel.Information, Message = "A client called {Path}, which no mapped service implements.")]
    public static partial void MethodUnimplemented(ILogger logger, string path);

    [LoggerMessage(EventId = 7, EventName = "InvalidRequestMessage", Level = LogLevel.Information, Message = "A request message to {Method} could not be deserialized ({ExceptionType}).")]
    public static partial void InvalidRequestMessage(ILogger logger, string method, string exceptionType);

    [LoggerMessage(EventId = 8, EventName = "RpcStatus", Level = LogLevel.Debug, Message = "The call to {Method} ended with {StatusCode}.")]
    public static partial void RpcStatus(ILogger logger, string method, GrpcStatusCode statusCode);

    [LoggerMessage(EventId = 9, EventName = "InvalidTimeout", Level = LogLevel.Information, Message = "A request to {Method} had a grpc-timeout header that is not valid.")]
    public static partial void InvalidTimeout(ILogger logger, string method);

    [LoggerMessage(EventId = 10, EventName = "UnsupportedRequestEncoding", Level = LogLevel.Information, Message = "A request to {Method} was refused because its grpc-encoding is not one this server accepts.")]
    public static partial void UnsupportedRequestEncoding(ILogger logger, string method);

    [LoggerMessage(EventId = 11, EventName = "ResponseMessageTooLarge", Level = LogLevel.Information, Message = "A response message of {Size} bytes from {Method} exceeds the maximum send message size of {MaxSize} bytes; the call ends with RESOURCE_EXHAUSTED.")]
    public static partial void ResponseMessageTooLarge(ILogger logger, string method, int size, int maxSize);

    [LoggerMessage(EventId = 12, EventName = "HandlerIgnoredDeadline", Level = LogLevel.Warning, Message = "The service method {Method} is still running after its deadline ended the call; it should observe ServerCallContext.CancellationToken.")]
    public static partial void HandlerIgnoredDeadline(ILogger logger, string method);

    [LoggerMessage(EventId = 13, EventName = "HandlerEndedAfterDeadline", Level = LogLevel.Debug, Message = "The service method {Method} ended after its deadline ended the call ({Outcome}).")]
    public static partial void HandlerEndedAfterDeadline(ILogger logger, string method, string outcome);
}
