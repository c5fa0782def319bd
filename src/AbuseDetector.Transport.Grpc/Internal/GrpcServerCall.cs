using System.Buffers;
using System.Globalization;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.Extensions.Primitives;

namespace AbuseDetector.Transport.Grpc.Internal;

/// <summary>
/// One call on the server: checks the request, reads and writes length-prefixed messages on the HTTP/2 stream,
/// and ends the call with a status in the trailers (or in the headers when nothing was sent).
/// </summary>
internal sealed class GrpcServerCall : IDisposable
{
    private static readonly GrpcStatus UnknownError = new(GrpcStatusCode.Unknown, "The server failed to process the call.");
    private static readonly GrpcStatus MissingRequestMessage = new(GrpcStatusCode.Internal, "The request ended before its message arrived.");
    private static readonly GrpcStatus AdditionalRequestData = new(GrpcStatusCode.Internal, "The request has more than the one message this method takes.");
    private static readonly GrpcStatus InvalidRequestMessage = new(GrpcStatusCode.InvalidArgument, "The request message could not be parsed.");
    private static readonly GrpcStatus InvalidTimeout = new(GrpcStatusCode.Internal, "The grpc-timeout header is not valid.");
    private static readonly GrpcStatus UnsupportedEncoding = new(
        GrpcStatusCode.Unimplemented, $"The request's grpc-encoding is not supported; this server accepts {GrpcProtocolConstants.AcceptedEncodings}.");

    private const string HeadersSentReason =
        "Response headers cannot be added: they were already sent (by WriteResponseHeadersAsync, with the first response message, or with the status). Add them before then.";

    private const string TrailersSentReason = "Response trailers cannot be added: the call has ended and its trailers were sent.";

    // RST_STREAM error code the protocol document asks a server to send when it cancels a call at its deadline.
    private const int Http2CancelErrorCode = 0x8;

    // How long a handler may keep running after its deadline ended the call before a warning says it ignores its token.
    private static readonly TimeSpan HandlerGracePeriod = TimeSpan.FromSeconds(1);

    // How long the deadline waits for a write in progress (its flush was cancelled by the deadline) before resetting without a status.
    private static readonly TimeSpan WriteDrainTimeout = TimeSpan.FromSeconds(1);

    // The longest delay a CancellationTokenSource timer accepts; a longer grpc-timeout means no deadline in practice.
    private static readonly TimeSpan MaxTimerDelay = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    private static readonly HashSet<string> ProtocolHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "content-type", "content-length", "te", "host", "connection",
        GrpcProtocolConstants.TimeoutHeader, GrpcProtocolConstants.EncodingHeader, GrpcProtocolConstants.AcceptEncodingHeader,
    };

    private readonly HttpContext _httpContext;
    private readonly GrpcServerDependencies _dependencies;
    private readonly CancellationTokenSource? _deadlineSource;
    private readonly CancellationTokenSource _callSource;
    private readonly TimeSpan _timeout;
    private readonly bool _compressResponses;
    private readonly GrpcMessageCoding _requestCoding;
    // One writer at a time: messages, response headers, and the status the deadline sends.
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    // Reads and writes of a duplex call run concurrently, so each direction links the caller's token on its own.
    private readonly CallTokenLink _readToken;
    private readonly CallTokenLink _writeToken;
    private bool _completed;
    private volatile bool _endedByDeadline;
    private bool _responseHeadersApplied;

    private GrpcServerCall(HttpContext httpContext, GrpcServerDependencies dependencies, string method, TimeSpan? timeout, GrpcMessageCoding requestCoding)
    {
        _httpContext = httpContext;
        _dependencies = dependencies;
        _requestCoding = requestCoding;

        var deadline = DateTimeOffset.MaxValue;
        if (timeout is { } t && t <= MaxTimerDelay)
        {
            _timeout = t;
            deadline = dependencies.TimeProvider.GetUtcNow() + t;
            _deadlineSource = new CancellationTokenSource(t, dependencies.TimeProvider);
            _callSource = CancellationTokenSource.CreateLinkedTokenSource(httpContext.RequestAborted, _deadlineSource.Token);
        }
        else
        {
            _callSource = CancellationTokenSource.CreateLinkedTokenSource(httpContext.RequestAborted);
        }

        _compressResponses = dependencies.Options.ResponseCompression
            && GrpcAcceptEncoding.Parse(httpContext.Request.Headers[GrpcProtocolConstants.AcceptEncodingHeader].ToString())
                .Contains(GrpcProtocolConstants.GzipEncoding);

        Context = new ServerCallContext(
            httpContext, method, FormatPeer(httpContext.Connection), deadline, ReadRequestMetadata(httpContext.Request.Headers), _callSource.Token, WriteResponseHeadersAsync);
        _readToken = new CallTokenLink(_callSource.Token);
        _writeToken = new CallTokenLink(_callSource.Token);
    }

    public ServerCallContext Context { get; }

    private bool DeadlinePassed => _deadlineSource?.IsCancellationRequested == true;

    // Set when reading or writing the HTTP/2 stream failed because the client reset it: Kestrel can report
    // the reset to the body reader before it signals RequestAborted.
    private volatile bool _clientGone;

    private bool ClientGone => _clientGone || _httpContext.RequestAborted.IsCancellationRequested;

    private OperationCanceledException ClientReset(Exception ex, string activity)
    {
        _clientGone = true;
        _callSource.Cancel();
        return new OperationCanceledException($"The client went away while {activity}.", ex, Context.CancellationToken);
    }

    /// <summary>Runs one call of <paramref name="method"/>: the whole request pipeline from protocol checks to the status.</summary>
    public static async Task HandleAsync(HttpContext httpContext, GrpcServerDependencies dependencies, string method, Func<GrpcServerCall, Task> invoke)
    {
        if (!await CheckHttpAsync(httpContext, dependencies) || !await CheckContentTypeAsync(httpContext, dependencies, method))
        {
            return;
        }

        TimeSpan? timeout = null;
        var timeoutHeader = httpContext.Request.Headers[GrpcProtocolConstants.TimeoutHeader];
        if (!StringValues.IsNullOrEmpty(timeoutHeader))
        {
            if (!GrpcTimeout.TryParse(timeoutHeader.ToString(), out var parsed))
            {
                GrpcServerLog.InvalidTimeout(dependencies.Logger, method);
                PrepareResponse(httpContext.Response);
                WriteStatus(httpContext.Response.Headers, InvalidTimeout);
                return;
            }

            timeout = parsed;
        }

        // Checked before the method runs, as gRPC core does: a message in an unknown coding could not be read anyway.
        var requestCoding = GrpcMessageReader.ParseCoding(httpContext.Request.Headers[GrpcProtocolConstants.EncodingHeader].ToString());
        if (requestCoding == GrpcMessageCoding.Unsupported)
        {
            GrpcServerLog.UnsupportedRequestEncoding(dependencies.Logger, method);
            PrepareResponse(httpContext.Response);
            WriteStatus(httpContext.Response.Headers, UnsupportedEncoding);
            return;
        }

        using var call = new GrpcServerCall(httpContext, dependencies, method, timeout, requestCoding);
        await call.RunAsync(invoke);
    }

    /// <summary>Answers a call to a method no mapped service has with UNIMPLEMENTED.</summary>
    public static async Task HandleUnimplementedAsync(HttpContext httpContext, GrpcServerDependencies dependencies)
    {
        if (!GrpcContentType.IsGrpc(httpContext.Request.ContentType))
        {
            // Not a gRPC request: answer as if the catch-all route were not there.
            httpContext.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        // Only POST and HTTP/2 are left to check: the content type is gRPC.
        if (!await CheckHttpAsync(httpContext, dependencies))
        {
            return;
        }

        var path = httpContext.Request.Path.ToString();
        GrpcServerLog.MethodUnimplemented(dependencies.Logger, path);
        PrepareResponse(httpContext.Response);
        WriteStatus(httpContext.Response.Headers, GrpcStatus.Unimplemented);
    }

    /// <summary>Reads the single request message of a unary or server-streaming call, and checks nothing follows it.</summary>
    public async Task<T> ReadSingleMessageAsync<T>(Marshaller<T> marshaller)
    {
        var (hasMessage, message) = await ReadMessageAsync(marshaller, CancellationToken.None);
        if (!hasMessage)
        {
            throw new GrpcRpcException(MissingRequestMessage);
        }

        if (await HasMoreRequestDataAsync())
        {
            throw new GrpcRpcException(AdditionalRequestData);
        }

        return message;
    }

    /// <summary>Reads the next request message; <c>false</c> when the client has finished sending.</summary>
    public async Task<(bool HasMessage, T Message)> ReadMessageAsync<T>(Marshaller<T> marshaller, CancellationToken cancellationToken)
    {
        var reader = _httpContext.Request.BodyReader;
        var maxSize = _dependencies.Options.MaxReceiveMessageSize;
        var read = await ReadingRequestAsync(GrpcMessageReader.ReadFrameAsync(reader, maxSize, _readToken.Combine(cancellationToken)));
        switch (read.Result)
        {
            case GrpcMessageReadResult.Frame:
                try
                {
                    if (!GrpcMessageReader.TryDecode(
                        read.Frame, _requestCoding, maxSize, GrpcStatus.CompressedWithoutEncoding, UnsupportedEncoding, out var payload, out var decodeError))
                    {
                        throw new GrpcRpcException(decodeError);
                    }

                    // The payload is parsed where it lies in the request body, before the reader moves past it.
                    return (true, Deserialize(marshaller, payload));
                }
                finally
                {
                    reader.AdvanceTo(read.Consumed);
                }

            case GrpcMessageReadResult.End:
                return (false, default!);

            case GrpcMessageReadResult.Incomplete:
                throw new GrpcRpcException(GrpcStatus.IncompleteMessage);

            default:
                throw new GrpcRpcException(read.Error);
        }
    }

    /// <summary>Serializes, frames (and maybe compresses) one response message and flushes it.</summary>
    public async Task WriteMessageAsync<T>(T message, Marshaller<T> marshaller, CancellationToken cancellationToken)
    {
        EnterWrite("The response message");
        try
        {
            Context.CancellationToken.ThrowIfCancellationRequested();
            cancellationToken.ThrowIfCancellationRequested();

            var payload = marshaller.Serialize(message);
            if (_dependencies.Options.MaxSendMessageSize is { } max && payload.Length > max)
            {
                // Checked before anything of the message is written, so the client never sees part of it.
                GrpcServerLog.ResponseMessageTooLarge(_dependencies.Logger, Context.Method, payload.Length, max);
                throw new GrpcRpcException(new GrpcStatus(
                    GrpcStatusCode.ResourceExhausted,
                    string.Create(CultureInfo.InvariantCulture, $"The response message of {payload.Length} bytes exceeds the maximum send message size of {max} bytes.")));
            }

            ApplyResponseHeaders();
            if (_compressResponses)
            {
                payload = GzipMessageCompression.Compress(payload);
            }

            var response = _httpContext.Response;
            GrpcFrameWriter.Write(response.BodyWriter, payload, _compressResponses);

            await response.BodyWriter.FlushAsync(_writeToken.Combine(cancellationToken));
        }
        catch (Exception ex) when (ex is not (GrpcRpcException or InvalidOperationException) && Context.CancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException("The call was cancelled while a response message was being written.", ex, Context.CancellationToken);
        }
        catch (IOException ex)
        {
            throw ClientReset(ex, "a response message was being written");
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>Sends the response headers now (see <see cref="ServerCallContext.WriteResponseHeadersAsync"/>).</summary>
    public async Task WriteResponseHeadersAsync(GrpcMetadata? responseHeaders, CancellationToken cancellationToken)
    {
        EnterWrite("The response headers");
        try
        {
            if (_responseHeadersApplied)
            {
                throw new InvalidOperationException("The response headers have already been sent; they can be sent only once per call.");
            }

            if (responseHeaders is not null)
            {
                Context.ResponseHeaders.AddRange(responseHeaders);
            }

            ApplyResponseHeaders();
            var response = _httpContext.Response;
            var token = _writeToken.Combine(cancellationToken);
            await response.StartAsync(token);
            await response.BodyWriter.FlushAsync(token);
        }
        catch (Exception ex) when (ex is not InvalidOperationException && Context.CancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException("The call was cancelled while the response headers were being written.", ex, Context.CancellationToken);
        }
        catch (IOException ex)
        {
            throw ClientReset(ex, "the response headers were being written");
        }
        finally
        {
            _writeGate.Release();
        }
    }

    public void Dispose()
    {
        _readToken.Dispose();
        _writeToken.Dispose();
        _callSource.Dispose();
        _deadlineSource?.Dispose();
        _writeGate.Dispose();
    }

    /// <summary>Takes the write gate, or throws when another write holds it or the call has completed.</summary>
    private void EnterWrite(string what)
    {
        if (!_writeGate.Wait(0))
        {
            throw new InvalidOperationException($"{what} cannot be written because a previous write is still in progress; there is one writer per response stream.");
        }

        if (!Volatile.Read(ref _completed))
        {
            return;
        }

        _writeGate.Release();
        if (_endedByDeadline)
        {
            // The usual outcome for a method that ignored its token: it sees the cancellation it missed.
            throw new OperationCanceledException($"{what} cannot be written because the call's deadline passed and the server ended the call.", Context.CancellationToken);
        }

        throw new InvalidOperationException($"{what} cannot be written because the call has completed.");
    }

    /// <summary>Refuses a request that is not a POST over HTTP/2.</summary>
    private static async Task<bool> CheckHttpAsync(HttpContext httpContext, GrpcServerDependencies dependencies)
    {
        var request = httpContext.Request;
        if (!HttpMethods.IsPost(request.Method))
        {
            httpContext.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            return false;
        }

        if (!HttpProtocol.IsHttp2(request.Protocol))
        {
            GrpcServerLog.UnsupportedRequestProtocol(dependencies.Logger, request.Protocol);
            await WriteHttpErrorAsync(
                httpContext.Response,
                StatusCodes.Status426UpgradeRequired,
                new GrpcStatus(GrpcStatusCode.Internal, string.Create(CultureInfo.InvariantCulture, $"Request protocol '{request.Protocol}' is not supported; gRPC needs HTTP/2.")));
            return false;
        }

        return true;
    }

    /// <summary>Refuses a request whose content type is not gRPC protobuf.</summary>
    private static async Task<bool> CheckContentTypeAsync(HttpContext httpContext, GrpcServerDependencies dependencies, string method)
    {
        if (!GrpcContentType.IsGrpc(httpContext.Request.ContentType))
        {
            GrpcServerLog.UnsupportedRequestContentType(dependencies.Logger, method);
            await WriteHttpErrorAsync(
                httpContext.Response,
                StatusCodes.Status415UnsupportedMediaType,
                new GrpcStatus(GrpcStatusCode.Internal, "The request content type is not supported; gRPC requests use application/grpc."));
            return false;
        }

        return true;
    }

    private static Task WriteHttpErrorAsync(HttpResponse response, int httpStatus, GrpcStatus status)
    {
        response.StatusCode = httpStatus;
        WriteStatus(response.Headers, status);
        response.ContentType = "text/plain; charset=utf-8";
        return response.WriteAsync(status.Message);
    }

    private static void PrepareResponse(HttpResponse response)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = GrpcProtocolConstants.ContentType;
        response.Headers[GrpcProtocolConstants.AcceptEncodingHeader] = GrpcProtocolConstants.AcceptedEncodings;
    }

    /// <summary>Writes <c>grpc-status</c> and <c>grpc-message</c>: to the headers of a trailers-only or refused response, or to the trailers.</summary>
    private static void WriteStatus(IHeaderDictionary headers, GrpcStatus status)
    {
        headers[GrpcProtocolConstants.StatusTrailer] = ((int)status.Code).ToString(CultureInfo.InvariantCulture);
        if (!string.IsNullOrEmpty(status.Message))
        {
            headers[GrpcProtocolConstants.MessageTrailer] = GrpcMessageEncoding.Encode(status.Message);
        }
    }

    private static string FormatPeer(ConnectionInfo connection)
    {
        var address = connection.RemoteIpAddress;
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        return address.AddressFamily == AddressFamily.InterNetworkV6
            ? string.Create(CultureInfo.InvariantCulture, $"ipv6:[{address}]:{connection.RemotePort}")
            : string.Create(CultureInfo.InvariantCulture, $"ipv4:{address}:{connection.RemotePort}");
    }

    private static GrpcMetadata ReadRequestMetadata(IHeaderDictionary headers)
    {
        var metadata = new GrpcMetadata();
        foreach (var (key, values) in headers)
        {
            if (key.StartsWith(':') || ProtocolHeaders.Contains(key))
            {
                continue;
            }

            var name = key.ToLowerInvariant();
            var binary = GrpcMetadata.IsBinaryKey(name);
            foreach (var value in values)
            {
                if (value is null)
                {
                    continue;
                }

                if (!binary)
                {
                    metadata.AddReceived(new GrpcMetadataEntry(name, value, ReadOnlyMemory<byte>.Empty));
                    continue;
                }

                // A binary value is base64, padded or not; several values may share one header, separated by commas.
                foreach (var part in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    if (TryDecodeBase64(part, out var bytes))
                    {
                        metadata.AddReceived(new GrpcMetadataEntry(name, string.Empty, bytes));
                    }
                }
            }
        }

        return metadata;
    }

    private static bool TryDecodeBase64(string value, out byte[] bytes)
    {
        var padded = (value.Length % 4) switch
        {
            2 => value + "==",
            3 => value + "=",
            _ => value,
        };

        try
        {
            bytes = Convert.FromBase64String(padded);
            return true;
        }
        catch (FormatException)
        {
            bytes = [];
            return false;
        }
    }

    private static void WriteMetadata(GrpcMetadata metadata, IHeaderDictionary headers)
    {
        foreach (var entry in metadata)
        {
            headers.Append(entry.Key, entry.IsBinary ? Convert.ToBase64String(entry.ValueBytes.Span).TrimEnd('=') : entry.Value);
        }
    }

    private async Task RunAsync(Func<GrpcServerCall, Task> invoke)
    {
        var features = _httpContext.Features;
        if (features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } maxBodySize)
        {
            // A bidirectional call lasts as long as the phone call: only the per-message limit applies.
            maxBodySize.MaxRequestBodySize = null;
        }

        if (features.Get<IHttpMinRequestBodyDataRateFeature>() is { } minDataRate)
        {
            // A caller may be silent for a long time.
            minDataRate.MinDataRate = null;
        }

        PrepareResponse(_httpContext.Response);
        if (_compressResponses)
        {
            _httpContext.Response.Headers[GrpcProtocolConstants.EncodingHeader] = GrpcProtocolConstants.GzipEncoding;
        }

        var logger = _dependencies.Logger;
        Task handler;
        try
        {
            handler = invoke(this);
        }
        catch (Exception ex)
        {
            handler = Task.FromException(ex);
        }

        if (_deadlineSource is not null && !handler.IsCompleted)
        {
            var deadlinePassed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using (_deadlineSource.Token.UnsafeRegister(static state => ((TaskCompletionSource)state!).TrySetResult(), deadlinePassed))
            {
                await Task.WhenAny(handler, deadlinePassed.Task);
            }

            if (!handler.IsCompleted && !ClientGone)
            {
                await EndAtDeadlineAsync(handler);
                return;
            }
        }

        GrpcStatus status;
        try
        {
            await handler;
            status = Context.Status;
        }
        catch (GrpcRpcException ex)
        {
            status = ex.Status;
        }
        catch (Exception) when (ClientGone || DeadlinePassed)
        {
            // Reported below.
            status = GrpcStatus.Cancelled;
        }
        catch (Exception ex)
        {
            GrpcServerLog.UnhandledException(logger, Context.Method, ex);
            status = UnknownError;
        }
        finally
        {
            Volatile.Write(ref _completed, true);
        }

        if (ClientGone)
        {
            // RST_STREAM or a dropped connection: there is no stream left to send a status on.
            GrpcServerLog.CallCancelledByClient(logger, Context.Method);
            return;
        }

        if (DeadlinePassed)
        {
            GrpcServerLog.DeadlineExceeded(logger, Context.Method, _timeout);
            status = GrpcStatus.DeadlineExceeded;
        }

        GrpcServerLog.RpcStatus(logger, Context.Method, status.Code);
        EndCall(status);
    }

    /// <summary>
    /// Ends a call whose method is still running at the deadline: sends DEADLINE_EXCEEDED if the response can still take it,
    /// resets the stream with CANCEL as the protocol document asks, then waits for the method so that it never touches
    /// an <see cref="HttpContext"/> Kestrel has reused for another request.
    /// </summary>
    private async Task EndAtDeadlineAsync(Task handler)
    {
        var logger = _dependencies.Logger;
        var method = Context.Method;
        GrpcServerLog.DeadlineExceeded(logger, method, _timeout);

        // A write in progress ends promptly: the deadline cancelled its flush.
        bool gateTaken;
        using (var drain = new CancellationTokenSource(WriteDrainTimeout, _dependencies.TimeProvider))
        {
            try
            {
                await _writeGate.WaitAsync(drain.Token);
                gateTaken = true;
            }
            catch (OperationCanceledException)
            {
                gateTaken = false;
            }
        }

        _endedByDeadline = true;
        Volatile.Write(ref _completed, true);
        if (gateTaken)
        {
            _writeGate.Release();
            GrpcServerLog.RpcStatus(logger, method, GrpcStatusCode.DeadlineExceeded);
            try
            {
                EndCall(GrpcStatus.DeadlineExceeded);
                await _httpContext.Response.CompleteAsync();
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or InvalidOperationException)
            {
                // The client went away meanwhile; the reset below is all that is left to do.
            }
        }

        try
        {
            if (_httpContext.Features.Get<IHttpResetFeature>() is { } reset)
            {
                reset.Reset(Http2CancelErrorCode);
            }
            else
            {
                _httpContext.Abort();
            }
        }
        catch (InvalidOperationException)
        {
            // The stream is already closed.
        }

        if (!handler.IsCompleted)
        {
            await Task.WhenAny(handler, Task.Delay(HandlerGracePeriod, _dependencies.TimeProvider));
            if (!handler.IsCompleted)
            {
                GrpcServerLog.HandlerIgnoredDeadline(logger, method);
            }
        }

        try
        {
            await handler;
            GrpcServerLog.HandlerEndedAfterDeadline(logger, method, "returned");
        }
        catch (Exception ex)
        {
            // Expected: the method's writes fail once the call has ended. Its status can no longer be sent.
            GrpcServerLog.HandlerEndedAfterDeadline(logger, method, ex.GetType().Name);
        }
    }

    private void EndCall(GrpcStatus status)
    {
        var response = _httpContext.Response;
        IHeaderDictionary target;
        if (response.HasStarted)
        {
            target = _httpContext.Features.Get<IHttpResponseTrailersFeature>()?.Trailers is { IsReadOnly: false } trailers
                ? trailers
                : throw new InvalidOperationException("The response cannot take trailers: the server does not support them, or they were already sent.");
        }
        else
        {
            // Trailers-only: the status goes in the only HEADERS frame, which ends the stream.
            ApplyResponseHeaders();
            target = response.Headers;
        }

        Context.ResponseTrailers.MakeReadOnly(TrailersSentReason);
        WriteMetadata(Context.ResponseTrailers, target);
        WriteStatus(target, status);
    }

    private void ApplyResponseHeaders()
    {
        if (_responseHeadersApplied)
        {
            return;
        }

        _responseHeadersApplied = true;
        Context.ResponseHeaders.MakeReadOnly(HeadersSentReason);
        var headers = _httpContext.Response.Headers;
        WriteMetadata(Context.ResponseHeaders, headers);
    }

    /// <summary>Returns whether anything follows in the request body, without consuming it.</summary>
    private async Task<bool> HasMoreRequestDataAsync() =>
        await ReadingRequestAsync(GrpcMessageReader.HasMoreDataAsync(_httpContext.Request.BodyReader, Context.CancellationToken));

    /// <summary>Awaits a read of the request body, reporting a failure as the call's cancellation or the client's reset.</summary>
    private async ValueTask<T> ReadingRequestAsync<T>(ValueTask<T> read)
    {
        try
        {
            return await read;
        }
        catch (Exception ex) when (ex is not OperationCanceledException && Context.CancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException("The call was cancelled while a request message was being read.", ex, Context.CancellationToken);
        }
        catch (IOException ex)
        {
            throw ClientReset(ex, "a request message was being read");
        }
    }

    private T Deserialize<T>(Marshaller<T> marshaller, in ReadOnlySequence<byte> payload)
    {
        try
        {
            return marshaller.Deserialize(payload);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            GrpcServerLog.InvalidRequestMessage(_dependencies.Logger, Context.Method, ex.GetType().Name);
            throw new GrpcRpcException(InvalidRequestMessage);
        }
    }
}
