using AbuseDetector.Client.Internal;
using AbuseDetector.Contracts.V1;
using AbuseDetector.Transport.Grpc;
using Google.Protobuf;

namespace AbuseDetector.Client;

/// <summary>
/// A client of the AbuseDetector gRPC service (<c>abuse_detector.v1.AbuseDetector</c>) over HTTP/2; on an <c>http://</c> address
/// it speaks HTTP/2 without TLS by prior knowledge (h2c). Thread-safe: create one per service address and reuse it for every call.
/// </summary>
public sealed partial class AbuseDetectorClient : IDisposable
{
    private const string ClassifyPath = "/abuse_detector.v1.AbuseDetector/Classify";
    private const string StreamCallPath = "/abuse_detector.v1.AbuseDetector/StreamCall";

    private readonly AbuseDetectorClientOptions _options;
    private readonly HttpClient _http;

    /// <summary>Initializes a new instance of the <see cref="AbuseDetectorClient"/> class.</summary>
    /// <param name="options">The address and call settings; copied, so later changes to it have no effect.</param>
    /// <exception cref="ArgumentException">The options are invalid, such as a missing or relative address.</exception>
    public AbuseDetectorClient(AbuseDetectorClientOptions options)
        : this(options, handler: null)
    {
    }

    /// <summary>Initializes a new instance with the HTTP handler given: for tests that look at the requests and responses.</summary>
    internal AbuseDetectorClient(AbuseDetectorClientOptions options, HttpMessageHandler? handler)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = new AbuseDetectorClientOptions
        {
            Address = options.Address,
            ApiKey = options.ApiKey,
            Deadline = options.Deadline,
            MaxReceiveMessageSize = options.MaxReceiveMessageSize,
            CompressRequests = options.CompressRequests,
        };

        handler ??= new SocketsHttpHandler
        {
            // A connection carries as many streams as the server allows (100 on Kestrel by default); open more beyond that.
            EnableMultipleHttp2Connections = true,
            KeepAlivePingDelay = TimeSpan.FromSeconds(60),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(30),
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
        };
        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>Scores one piece of text, with no call state.</summary>
    /// <param name="request">The text to score.</param>
    /// <param name="cancellationToken">Cancels the call (status <c>CANCELLED</c>).</param>
    /// <returns>The scores and evidence.</returns>
    /// <exception cref="AbuseDetectorRpcException">The call ended with a status other than <c>OK</c>, such as <c>INVALID_ARGUMENT</c> for empty text.</exception>
    public Task<ClassifyResponse> ClassifyAsync(ClassifyRequest request, CancellationToken cancellationToken = default)
        => UnaryAsync(ClassifyPath, request, ClassifyResponse.Parser, cancellationToken);

    /// <summary>Opens a <c>StreamCall</c> stream and sends <paramref name="start"/> on it.</summary>
    /// <param name="start">Who the call is between; <c>call_id</c> and <c>tenant_id</c> are required by the service.</param>
    /// <param name="cancellationToken">Cancels the whole call (status <c>CANCELLED</c>) whenever it is signalled.</param>
    /// <returns>The call, to send chunks on and read updates from; dispose it when done.</returns>
    public CallStream StartCall(CallStart start, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(start);
        var call = OpenCallStream(cancellationToken, out var requests);
        // The queue is new and empty, so this completes synchronously.
        _ = requests.WriteAsync(GrpcClientCall<CallUpdate>.Frame(new CallEvent { Start = start }, _options.CompressRequests), CancellationToken.None);
        return new CallStream(call, requests);
    }

    /// <summary>Opens a <c>StreamCall</c> stream without sending a <see cref="CallStart"/>: for tests of the service's rejection.</summary>
    internal CallStream StartCallWithoutStart(CancellationToken cancellationToken = default)
    {
        var call = OpenCallStream(cancellationToken, out var requests);
        return new CallStream(call, requests);
    }

    /// <summary>Closes the client's connections; calls still running fail.</summary>
    public void Dispose() => _http.Dispose();

    private async Task<TResponse> UnaryAsync<TResponse>(string path, IMessage request, MessageParser<TResponse> parser, CancellationToken cancellationToken)
        where TResponse : class, IMessage<TResponse>
    {
        ArgumentNullException.ThrowIfNull(request);
        var call = GrpcClientCall<TResponse>.Start(_http, _options, _options.Deadline, path, new ByteArrayContent(GrpcClientCall<TResponse>.Frame(request, _options.CompressRequests)), parser, cancellationToken);
        await using (call.ConfigureAwait(false))
        {
            var response = await call.ReadNextAsync().ConfigureAwait(false)
                ?? throw new AbuseDetectorRpcException(GrpcStatusCode.Internal, "The service ended the call without a response message.");
            if (await call.ReadNextAsync().ConfigureAwait(false) is not null)
            {
                throw new AbuseDetectorRpcException(GrpcStatusCode.Internal, "The service sent more than one response message.");
            }

            return response;
        }
    }

    private GrpcClientCall<CallUpdate> OpenCallStream(CancellationToken cancellationToken, out RequestStreamContent requests)
    {
        requests = new RequestStreamContent();
        return GrpcClientCall<CallUpdate>.Start(_http, _options, _options.Deadline, StreamCallPath, requests, CallUpdate.Parser, cancellationToken);
    }
}
