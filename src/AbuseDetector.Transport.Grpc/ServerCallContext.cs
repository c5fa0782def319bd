using Microsoft.AspNetCore.Http;

namespace AbuseDetector.Transport.Grpc;

/// <summary>
/// What a service method knows about its call: metadata in both directions, the deadline, cancellation and the status to send.
/// </summary>
public sealed class ServerCallContext
{
    internal ServerCallContext(HttpContext httpContext, string method, string peer, DateTimeOffset deadline, GrpcMetadata requestHeaders, CancellationToken cancellationToken)
    {
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

    /// <summary>Gets the response headers to send; they are sent with the first response message (or with the status when there is none), so entries added later are ignored.</summary>
    public GrpcMetadata ResponseHeaders { get; } = [];

    /// <summary>Gets the response trailers, sent with the status when the call ends.</summary>
    public GrpcMetadata ResponseTrailers { get; } = [];

    /// <summary>Gets a token that fires when the client cancels the call (or the connection drops) or the deadline passes.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>Gets or sets the status sent when the method returns normally; throw <see cref="GrpcRpcException"/> instead to stop at once.</summary>
    /// <value>The default value is <see cref="GrpcStatus.Ok"/>.</value>
    public GrpcStatus Status { get; set; } = GrpcStatus.Ok;

    /// <summary>Gets the ASP.NET Core context of the call, for what this type does not expose (the connection, user, features).</summary>
    public HttpContext HttpContext { get; }
}
