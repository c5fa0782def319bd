using Microsoft.AspNetCore.Http;

namespace AbuseDetector.Transport.Grpc;

/// <summary>
/// What a service method knows about its call: metadata in both directions, the deadline, cancellation and the status to send.
/// </summary>
public sealed class ServerCallContext
{
    private readonly Func<GrpcMetadata?, CancellationToken, Task> _writeResponseHeaders;

    internal ServerCallContext(
        HttpContext httpContext,
        string method,
        string peer,
        DateTimeOffset deadline,
        GrpcMetadata requestHeaders,
        CancellationToken cancellationToken,
        Func<GrpcMetadata?, CancellationToken, Task> writeResponseHeaders)
    {
        _writeResponseHeaders = writeResponseHeaders;
        HttpContext = httpContext;
        Method = method;
        Peer = peer;
        Deadline = deadline;
        RequestHeaders = requestHeaders;
        CancellationToken = cancellationToken;
    }

    /// <summary>Gets the full method name, for example <c>/abuse_detector.v1.AbuseDetector/Analyze</c>.</summary>
    public string Method { get; }

    /// <summary>Gets the client's address, for example <c>ipv4:127.0.0.1:50412</c>.</summary>
    public string Peer { get; }

    /// <summary>Gets the time by which the client wants the call to end (from <c>grpc-timeout</c>); <see cref="DateTimeOffset.MaxValue"/> when it set none.</summary>
    public DateTimeOffset Deadline { get; }

    /// <summary>Gets the custom metadata the client sent (protocol headers such as <c>content-type</c> and <c>grpc-timeout</c> are left out).</summary>
    public GrpcMetadata RequestHeaders { get; }

    /// <summary>
    /// Gets the response headers to send. They are sent by <see cref="WriteResponseHeadersAsync"/>, or else with the first
    /// response message, or else with the status; adding an entry after that throws <see cref="InvalidOperationException"/>.
    /// </summary>
    public GrpcMetadata ResponseHeaders { get; } = [];

    /// <summary>Gets the response trailers, sent with the status when the call ends; adding an entry after that throws <see cref="InvalidOperationException"/>.</summary>
    public GrpcMetadata ResponseTrailers { get; } = [];

    /// <summary>Gets a token that fires when the client cancels the call (or the connection drops) or the deadline passes.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>Gets or sets the status sent when the method returns normally; throw <see cref="GrpcRpcException"/> instead to stop at once.</summary>
    /// <value>The default value is <see cref="GrpcStatus.Ok"/>.</value>
    public GrpcStatus Status { get; set; } = GrpcStatus.Ok;

    /// <summary>
    /// Sends the response headers now, before any response message: the entries of <see cref="ResponseHeaders"/> and then those of
    /// <paramref name="responseHeaders"/>. Headers can be sent once per call; afterwards <see cref="ResponseHeaders"/> is read-only.
    /// </summary>
    /// <param name="responseHeaders">More headers to send; may be <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops waiting for the headers to be flushed.</param>
    /// <returns>A task that completes when the headers are flushed to the connection.</returns>
    /// <exception cref="InvalidOperationException">The headers were already sent, a response message is being written, or the call has completed.</exception>
    public Task WriteResponseHeadersAsync(GrpcMetadata? responseHeaders = null, CancellationToken cancellationToken = default) =>
        _writeResponseHeaders(responseHeaders, cancellationToken);

    /// <summary>Gets the ASP.NET Core context of the call, for what this type does not expose (the connection, user, features).</summary>
    public HttpContext HttpContext { get; }
}
