namespace AbuseDetector.Transport.Grpc;

/// <summary>Handles a unary call: one request, one response.</summary>
/// <typeparam name="TRequest">The request message type.</typeparam>
/// <typeparam name="TResponse">The response message type.</typeparam>
/// <param name="request">The request message.</param>
/// <param name="context">The call's metadata, deadline, cancellation and status.</param>
/// <returns>The response message; it is not sent when the handler set a non-OK <see cref="ServerCallContext.Status"/>.</returns>
public delegate Task<TResponse> UnaryServerMethod<TRequest, TResponse>(TRequest request, ServerCallContext context);

/// <summary>Handles a server-streaming call: one request, a stream of responses.</summary>
/// <typeparam name="TRequest">The request message type.</typeparam>
/// <typeparam name="TResponse">The response message type.</typeparam>
/// <param name="request">The request message.</param>
/// <param name="responseStream">The response stream's only writer.</param>
/// <param name="context">The call's metadata, deadline, cancellation and status.</param>
/// <returns>A task that completes when the handler has written every response.</returns>
public delegate Task ServerStreamingServerMethod<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context);

/// <summary>Handles a client-streaming call: a stream of requests, one response.</summary>
/// <typeparam name="TRequest">The request message type.</typeparam>
/// <typeparam name="TResponse">The response message type.</typeparam>
/// <param name="requestStream">The request stream.</param>
/// <param name="context">The call's metadata, deadline, cancellation and status.</param>
/// <returns>The response message; it is not sent when the handler set a non-OK <see cref="ServerCallContext.Status"/>.</returns>
public delegate Task<TResponse> ClientStreamingServerMethod<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, ServerCallContext context);

/// <summary>Handles a bidirectional streaming call: a stream of requests and a stream of responses.</summary>
/// <typeparam name="TRequest">The request message type.</typeparam>
/// <typeparam name="TResponse">The response message type.</typeparam>
/// <param name="requestStream">The request stream.</param>
/// <param name="responseStream">The response stream's only writer.</param>
/// <param name="context">The call's metadata, deadline, cancellation and status.</param>
/// <returns>A task that completes when the handler is done.</returns>
public delegate Task DuplexStreamingServerMethod<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context);
