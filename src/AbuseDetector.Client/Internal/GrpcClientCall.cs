using System.IO.Pipelines;
using System.Net;
using System.Net.Http.Headers;
using AbuseDetector.Transport.Grpc;
using AbuseDetector.Transport.Grpc.Internal;
using Google.Protobuf;

namespace AbuseDetector.Client.Internal;

/// <summary>
/// One HTTP/2 gRPC call from the client side: sends the request, then reads length-prefixed response messages and
/// the final status (from the trailers, or from the headers of a trailers-only response).
/// </summary>
/// <typeparam name="TResponse">The response message type.</typeparam>
internal sealed class GrpcClientCall<TResponse> : IAsyncDisposable
    where TResponse : class, IMessage<TResponse>
{
    private static readonly MediaTypeHeaderValue RequestContentType = new(GrpcProtocolConstants.ContentType);
    private static readonly GrpcStatus MissingStatus = new(GrpcStatusCode.Internal, "The response ended without a grpc-status.");
    private static readonly GrpcStatus CompressedWithoutEncoding = new(GrpcStatusCode.Internal, "The service sent a compressed message but named no grpc-encoding.");
    private static readonly GrpcStatus UnofferedEncoding = new(
        GrpcStatusCode.Internal, $"The service compressed a message with a grpc-encoding the client did not offer; it accepts {GrpcProtocolConstants.AcceptedEncodings}.");
    private static readonly GrpcStatus UnparsableMessage = new(GrpcStatusCode.Internal, "The response message could not be parsed.");

    private readonly MessageParser<TResponse> _parser;
    private readonly int _maxReceiveMessageSize;
    private readonly CancellationToken _callerToken;
    private readonly CancellationTokenSource? _deadline;
    private readonly CancellationTokenSource _call;
    private readonly CancellationTokenRegistration _callerRegistration;
    private readonly HttpRequestMessage _request;
    private readonly Task<HttpResponseMessage> _responseTask;
    private HttpResponseMessage? _response;
    private PipeReader? _reader;
    private GrpcMessageCoding _responseCoding;
    private volatile bool _cancelledByReader;

    private GrpcClientCall(
        HttpClient http,
        AbuseDetectorClientOptions options,
        TimeSpan? deadline,
        string path,
        HttpContent content,
        MessageParser<TResponse> parser,
        CancellationToken cancellationToken)
    {
        _parser = parser;
        CompressRequests = options.CompressRequests;
        _maxReceiveMessageSize = options.MaxReceiveMessageSize;
        _callerToken = cancellationToken;
        _call = new CancellationTokenSource();
        if (deadline is { } timeout)
        {
            _deadline = new CancellationTokenSource(timeout);
            _deadline.Token.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), _call);
        }

        _callerRegistration = cancellationToken.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), _call);

        content.Headers.ContentType = RequestContentType;
        _request = new HttpRequestMessage(HttpMethod.Post, new Uri(options.Address!, path))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = content,
        };
        _request.Headers.TryAddWithoutValidation("te", "trailers");
        _request.Headers.TryAddWithoutValidation(GrpcProtocolConstants.AcceptEncodingHeader, GrpcProtocolConstants.AcceptedEncodings);
        if (options.CompressRequests)
        {
            _request.Headers.TryAddWithoutValidation(GrpcProtocolConstants.EncodingHeader, GrpcProtocolConstants.GzipEncoding);
        }
        if (deadline is { } grpcTimeout)
        {
            _request.Headers.TryAddWithoutValidation(GrpcProtocolConstants.TimeoutHeader, GrpcTimeout.Format(grpcTimeout));
        }

        if (!string.IsNullOrEmpty(options.ApiKey))
        {
            _request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.ApiKey);
        }

        _responseTask = http.SendAsync(_request, HttpCompletionOption.ResponseHeadersRead, _call.Token);
    }

    /// <summary>Gets a value indicating whether request messages are framed compressed with gzip.</summary>
    public bool CompressRequests { get; }

    /// <summary>Gets the final status once the call has ended; <see langword="null"/> before.</summary>
    public GrpcStatus? Status { get; private set; }

    /// <summary>Raised once, when the call ends for any reason.</summary>
    public event Action? Ended;

    /// <summary>Sends the request and returns the call, whose response is read with <see cref="ReadNextAsync"/>.</summary>
    /// <param name="http">The client that sends the request.</param>
    /// <param name="options">The address, API key, compression and receive limit; its <c>Deadline</c> is not read.</param>
    /// <param name="deadline">How long the call may take, sent as <c>grpc-timeout</c> and enforced here; <see langword="null"/> for none.</param>
    /// <param name="path">The method's path.</param>
    /// <param name="content">The request body.</param>
    /// <param name="parser">Parses response messages.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public static GrpcClientCall<TResponse> Start(
        HttpClient http,
        AbuseDetectorClientOptions options,
        TimeSpan? deadline,
        string path,
        HttpContent content,
        MessageParser<TResponse> parser,
        CancellationToken cancellationToken) =>
        new(http, options, deadline, path, content, parser, cancellationToken);

    /// <summary>Frames <paramref name="message"/> as one length-prefixed message, compressed with gzip when <paramref name="compress"/>.</summary>
    public static byte[] Frame(IMessage message, bool compress)
    {
        const int prefixLength = GrpcProtocolConstants.MessagePrefixLength;
        if (compress)
        {
            var compressed = GzipMessageCompression.Compress(message.ToByteArray());
            var compressedFrame = new byte[prefixLength + compressed.Length];
            GrpcFrameWriter.WritePrefix(compressedFrame, (uint)compressed.Length, isCompressed: true);
            compressed.CopyTo(compressedFrame.AsSpan(prefixLength));
            return compressedFrame;
        }

        // Serialized straight after the prefix: one array per message.
        var size = message.CalculateSize();
        var frame = new byte[prefixLength + size];
        GrpcFrameWriter.WritePrefix(frame, (uint)size, isCompressed: false);
        message.WriteTo(frame.AsSpan(prefixLength));
        return frame;
    }

    /// <summary>Cancels the call from the reading side: it ends on the client with <c>CANCELLED</c>.</summary>
    public void CancelFromReader()
    {
        _cancelledByReader = true;
        _call.Cancel();
    }

    /// <summary>Reads the next response message; <see langword="null"/> when the call ended with <c>OK</c>.</summary>
    /// <exception cref="AbuseDetectorRpcException">The call ended with another status.</exception>
    public async ValueTask<TResponse?> ReadNextAsync()
    {
        if (Status is { } status)
        {
            return status.IsOk ? null : throw ToException(status);
        }

        var token = _call.Token;
        try
        {
            if (_reader is null)
            {
                _response = await _responseTask.ConfigureAwait(false);
                if (StatusFromHeaders(_response) is { } headerStatus)
                {
                    return Finish(headerStatus);
                }

                _responseCoding = GrpcMessageReader.ParseCoding(
                    _response.Headers.TryGetValues(GrpcProtocolConstants.EncodingHeader, out var encodings) ? encodings.FirstOrDefault() : null);
                _reader = PipeReader.Create(await _response.Content.ReadAsStreamAsync(token).ConfigureAwait(false));
            }

            var read = await GrpcMessageReader.ReadFrameAsync(_reader, _maxReceiveMessageSize, token).ConfigureAwait(false);
            switch (read.Result)
            {
                case GrpcMessageReadResult.Frame:
                    TResponse? message = null;
                    GrpcStatus? failure = null;
                    try
                    {
                        if (GrpcMessageReader.TryDecode(
                            read.Frame, _responseCoding, _maxReceiveMessageSize, CompressedWithoutEncoding, UnofferedEncoding, out var payload, out var decodeError))
                        {
                            message = _parser.ParseFrom(payload);
                        }
                        else
                        {
                            failure = decodeError;
                        }
                    }
                    catch (InvalidProtocolBufferException)
                    {
                        failure = UnparsableMessage;
                    }
                    finally
                    {
                        _reader.AdvanceTo(read.Consumed);
                    }

                    return failure is { } failed ? Finish(failed) : message;

                case GrpcMessageReadResult.End:
                    return Finish(StatusFromTrailers(_response));

                case GrpcMessageReadResult.Incomplete:
                    return Finish(GrpcStatus.IncompleteMessage);

                default:
                    return Finish(read.Error);
            }
        }
        catch (Exception ex) when (ex is not AbuseDetectorRpcException)
        {
            return Finish(StatusFromException(ex), ex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Status is null)
        {
            // Abandoned while running: reset the HTTP/2 stream.
            Status = GrpcStatus.Cancelled;
            _call.Cancel();
            Ended?.Invoke();
        }

        if (_reader is not null)
        {
            await _reader.CompleteAsync().ConfigureAwait(false);
        }

        _response?.Dispose();
        _request.Dispose();
        await _callerRegistration.DisposeAsync().ConfigureAwait(false);
        _deadline?.Dispose();
        _call.Dispose();
    }

    /// <summary>The exception that a call ending with <paramref name="status"/> throws.</summary>
    public static AbuseDetectorRpcException ToException(GrpcStatus status, Exception? inner = null) => new(status.Code, status.Message, inner);

    private TResponse? Finish(GrpcStatus status, Exception? inner = null)
    {
        Status ??= status;
        if (!Status.Value.IsOk)
        {
            // Stop the request side and reset the stream if it is still open.
            _call.Cancel();
        }

        Ended?.Invoke();
        return Status.Value.IsOk ? null : throw ToException(Status.Value, inner);
    }

    private GrpcStatus StatusFromException(Exception ex)
    {
        if (_call.IsCancellationRequested)
        {
            var byDeadline = _deadline is { IsCancellationRequested: true } && !_callerToken.IsCancellationRequested && !_cancelledByReader;
            return byDeadline ? GrpcStatus.DeadlineExceeded : GrpcStatus.Cancelled;
        }

        for (var inner = ex; inner is not null; inner = inner.InnerException)
        {
            if (inner is HttpProtocolException protocol)
            {
                return new GrpcStatus(FromHttp2ErrorCode(protocol.ErrorCode), "The service reset the call's HTTP/2 stream: " + protocol.Message);
            }
        }

        return ex switch
        {
            // Not our cancellation: SocketsHttpHandler reports a stream reset with CANCEL this way.
            OperationCanceledException => new GrpcStatus(GrpcStatusCode.Cancelled, "The service cancelled the call's HTTP/2 stream."),
            HttpRequestException or IOException => new GrpcStatus(GrpcStatusCode.Unavailable, "The connection to the service failed: " + ex.Message),
            _ => new GrpcStatus(GrpcStatusCode.Internal, "The client failed to process the response: " + ex.Message),
        };
    }

    // The mapping in the gRPC document "HTTP2 Transport Mapping": RST_STREAM error codes to status codes.
    private static GrpcStatusCode FromHttp2ErrorCode(long errorCode) => errorCode switch
    {
        0x7 => GrpcStatusCode.Unavailable, // REFUSED_STREAM
        0x8 => GrpcStatusCode.Cancelled, // CANCEL
        0xb => GrpcStatusCode.ResourceExhausted, // ENHANCE_YOUR_CALM
        0xc => GrpcStatusCode.PermissionDenied, // INADEQUATE_SECURITY
        _ => GrpcStatusCode.Internal,
    };

    /// <summary>The status when the headers already decide it: an HTTP error, a non-gRPC response, or a trailers-only response.</summary>
    private static GrpcStatus? StatusFromHeaders(HttpResponseMessage response)
    {
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return new GrpcStatus(FromHttpStatus(response.StatusCode), $"The service answered HTTP {(int)response.StatusCode}.");
        }

        if (ReadStatus(response.Headers) is { } trailersOnly)
        {
            return trailersOnly;
        }

        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (mediaType is null || !GrpcContentType.IsGrpc(mediaType))
        {
            return new GrpcStatus(GrpcStatusCode.Unknown, "The response is not gRPC (content-type " + (mediaType ?? "missing") + ").");
        }

        return null;
    }

    private static GrpcStatus StatusFromTrailers(HttpResponseMessage? response) =>
        response is not null && ReadStatus(response.TrailingHeaders) is { } status ? status : MissingStatus;

    private static GrpcStatus? ReadStatus(HttpHeaders headers)
    {
        if (!headers.TryGetValues(GrpcProtocolConstants.StatusTrailer, out var statusValues))
        {
            return null;
        }

        var text = statusValues.FirstOrDefault();
        if (!int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var code))
        {
            return new GrpcStatus(GrpcStatusCode.Unknown, "The grpc-status value is not a number.");
        }

        var message = headers.TryGetValues(GrpcProtocolConstants.MessageTrailer, out var messageValues)
            ? GrpcMessageEncoding.Decode(string.Join(',', messageValues))
            : string.Empty;
        return new GrpcStatus((GrpcStatusCode)code, message);
    }

    // The mapping in the gRPC document "HTTP to gRPC Status Code Mapping".
    private static GrpcStatusCode FromHttpStatus(HttpStatusCode status) => status switch
    {
        HttpStatusCode.BadRequest => GrpcStatusCode.Internal,
        HttpStatusCode.Unauthorized => GrpcStatusCode.Unauthenticated,
        HttpStatusCode.Forbidden => GrpcStatusCode.PermissionDenied,
        HttpStatusCode.NotFound => GrpcStatusCode.Unimplemented,
        HttpStatusCode.TooManyRequests or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout => GrpcStatusCode.Unavailable,
        _ => GrpcStatusCode.Unknown,
    };
}
