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
    private int _writing;
    private bool _completed;
    private bool _responseHeadersApplied;

    private GrpcServerCall(HttpContext httpContext, GrpcServerDependencies dependencies, string method, TimeSpan? timeout)
    {
        _httpContext = httpContext;
        _dependencies = dependencies;

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

        Context = new ServerCallContext(httpContext, method, FormatPeer(httpContext.Connection), deadline, ReadRequestMetadata(httpContext.Request.Headers), _callSource.Token);
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
        if (!await CheckRequestAsync(httpContext, dependencies, method))
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
                WriteStatusHeaders(httpContext.Response.Headers, InvalidTimeout);
                return;
            }

            timeout = parsed;
        }

        using var call = new GrpcServerCall(httpContext, dependencies, method, timeout);
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

        var path = httpContext.Request.Path.ToString();
        if (!await CheckRequestAsync(httpContext, dependencies, path))
        {
            return;
        }

        GrpcServerLog.MethodUnimplemented(dependencies.Logger, path);
        PrepareResponse(httpContext.Response);
        WriteStatusHeaders(httpContext.Response.Headers, GrpcStatus.Unimplemented);
    }

    /// <summary>Reads the single request message of a unary or server-streaming call, and checks nothing follows it.</summary>
    public async Task<T> ReadSingleMessageAsync<T>(Marshaller<T> marshaller)
    {
        var (hasMessage, message) = await ReadMessageAsync(marshaller, CancellationToken.None);
        if (!hasMessage)
        {
            throw new GrpcRpcException(MissingRequestMessage);
        }

        var (hasMore, _) = await ReadFrameAsync(CancellationToken.None, peekOnly: true);
        if (hasMore)
        {
            throw new GrpcRpcException(AdditionalRequestData);
        }

        return message;
    }

    /// <summary>Reads the next request message; <c>false</c> when the client has finished sending.</summary>
    public async Task<(bool HasMessage, T Message)> ReadMessageAsync<T>(Marshaller<T> marshaller, CancellationToken cancellationToken)
    {
        var (hasMessage, payload) = await ReadFrameAsync(cancellationToken, peekOnly: false);
        if (!hasMessage)
        {
            return (false, default!);
        }

        try
        {
            return (true, marshaller.Deserialize(new ReadOnlySequence<byte>(payload)));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            GrpcServerLog.InvalidRequestMessage(_dependencies.Logger, Context.Method, ex.GetType().Name);
            throw new GrpcRpcException(InvalidRequestMessage);
        }
    }

    /// <summary>Serializes, frames (and maybe compresses) one response message and flushes it.</summary>
    public async Task WriteMessageAsync<T>(T message, Marshaller<T> marshaller, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _completed))
        {
            throw new InvalidOperationException("The response message cannot be written because the call has completed.");
        }

        if (Interlocked.Exchange(ref _writing, 1) == 1)
        {
            throw new InvalidOperationException("The response message cannot be written because a previous write is still in progress; there is one writer per response stream.");
        }

        try
        {
            Context.CancellationToken.ThrowIfCancellationRequested();
            cancellationToken.ThrowIfCancellationRequested();

            var payload = marshaller.Serialize(message);
            if (_dependencies.Options.MaxSendMessageSize is { } max && payload.Length > max)
            {
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

            using var linked = Link(cancellationToken);
            await response.BodyWriter.FlushAsync(linked?.Token ?? Context.CancellationToken);
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
            Volatile.Write(ref _writing, 0);
        }
    }

    public void Dispose()
    {
        _callSource.Dispose();
        _deadlineSource?.Dispose();
    }

    private static async Task<bool> CheckRequestAsync(HttpContext httpContext, GrpcServerDependencies dependencies, string method)
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

        if (!GrpcContentType.IsGrpc(request.ContentType))
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
        WriteStatusHeaders(response.Headers, status);
        response.ContentType = "text/plain; charset=utf-8";
        return response.WriteAsync(status.Message);
    }

    private static void PrepareResponse(HttpResponse response)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = GrpcProtocolConstants.ContentType;
        response.Headers[GrpcProtocolConstants.AcceptEncodingHeader] = GrpcProtocolConstants.GzipEncoding;
    }

    private static void WriteStatusHeaders(IHeaderDictionary headers, GrpcStatus status)
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

    private static void WriteMetadata(GrpcMetadata metadata, Action<string, string> append)
    {
        foreach (var entry in metadata)
        {
            append(entry.Key, entry.IsBinary ? Convert.ToBase64String(entry.ValueBytes.Span).TrimEnd('=') : entry.Value);
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
        GrpcStatus status;
        try
        {
            await invoke(this);
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

    private void EndCall(GrpcStatus status)
    {
        var response = _httpContext.Response;
        if (!response.HasStarted)
        {
            // Trailers-only: the status goes in the only HEADERS frame, which ends the stream.
            ApplyResponseHeaders();
            WriteMetadata(Context.ResponseTrailers, (key, value) => response.Headers.Append(key, value));
            WriteStatusHeaders(response.Headers, status);
            return;
        }

        WriteMetadata(Context.ResponseTrailers, (key, value) => response.AppendTrailer(key, value));
        response.AppendTrailer(GrpcProtocolConstants.StatusTrailer, ((int)status.Code).ToString(CultureInfo.InvariantCulture));
        if (!string.IsNullOrEmpty(status.Message))
        {
            response.AppendTrailer(GrpcProtocolConstants.MessageTrailer, GrpcMessageEncoding.Encode(status.Message));
        }
    }

    private void ApplyResponseHeaders()
    {
        if (_responseHeadersApplied)
        {
            return;
        }

        _responseHeadersApplied = true;
        var headers = _httpContext.Response.Headers;
        WriteMetadata(Context.ResponseHeaders, (key, value) => headers.Append(key, value));
    }

    private async Task<(bool HasFrame, byte[] Payload)> ReadFrameAsync(CancellationToken cancellationToken, bool peekOnly)
    {
        var reader = _httpContext.Request.BodyReader;
        var maxSize = _dependencies.Options.MaxReceiveMessageSize;
        using var linked = Link(cancellationToken);
        var token = linked?.Token ?? Context.CancellationToken;
        while (true)
        {
            System.IO.Pipelines.ReadResult result;
            try
            {
                result = await reader.ReadAsync(token);
            }
            catch (Exception ex) when (ex is not OperationCanceledException && Context.CancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException("The call was cancelled while a request message was being read.", ex, Context.CancellationToken);
            }
            catch (IOException ex)
            {
                throw ClientReset(ex, "a request message was being read");
            }

            var buffer = result.Buffer;
            if (peekOnly)
            {
                if (!buffer.IsEmpty)
                {
                    reader.AdvanceTo(buffer.Start);
                    return (true, []);
                }

                if (result.IsCompleted)
                {
                    reader.AdvanceTo(buffer.End);
                    return (false, []);
                }

                reader.AdvanceTo(buffer.Start, buffer.End);
                continue;
            }

            switch (GrpcFrameReader.TryRead(buffer, maxSize, out var frame, out var consumed, out var error))
            {
                case GrpcFrameReadResult.Frame:
                    byte[] payload;
                    try
                    {
                        payload = Decode(frame, maxSize);
                    }
                    finally
                    {
                        reader.AdvanceTo(consumed);
                    }

                    return (true, payload);

                case GrpcFrameReadResult.Error:
                    reader.AdvanceTo(buffer.Start);
                    throw new GrpcRpcException(error);

                default:
                    if (result.IsCompleted)
                    {
                        var empty = buffer.IsEmpty;
                        reader.AdvanceTo(buffer.End);
                        return empty ? (false, []) : throw new GrpcRpcException(GrpcStatus.IncompleteMessage);
                    }

                    reader.AdvanceTo(buffer.Start, buffer.End);
                    break;
            }
        }
    }

    private byte[] Decode(GrpcFrame frame, int maxSize)
    {
        if (!frame.IsCompressed)
        {
            return frame.Payload.ToArray();
        }

        var encoding = _httpContext.Request.Headers[GrpcProtocolConstants.EncodingHeader].ToString();
        if (string.IsNullOrEmpty(encoding) || string.Equals(encoding, GrpcProtocolConstants.IdentityEncoding, StringComparison.OrdinalIgnoreCase))
        {
            throw new GrpcRpcException(GrpcStatus.CompressedWithoutEncoding);
        }

        if (!string.Equals(encoding, GrpcProtocolConstants.GzipEncoding, StringComparison.OrdinalIgnoreCase))
        {
            throw new GrpcRpcException(new GrpcStatus(GrpcStatusCode.Unimplemented, "The request's grpc-encoding is not supported; this server accepts gzip."));
        }

        return GzipMessageCompression.TryDecompress(frame.Payload, maxSize, out var decompressed, out var error)
            ? decompressed
            : throw new GrpcRpcException(error);
    }

    private CancellationTokenSource? Link(CancellationToken cancellationToken) =>
        cancellationToken.CanBeCanceled && cancellationToken != Context.CancellationToken
            ? CancellationTokenSource.CreateLinkedTokenSource(Context.CancellationToken, cancellationToken)
            : null;
}
