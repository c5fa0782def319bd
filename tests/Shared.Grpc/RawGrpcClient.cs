using System.Buffers.Binary;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Threading.Channels;

namespace AbuseDetector.Testing.Grpc;

/// <summary>Shared by the transport and service tests (tests/Shared.Grpc, included with UsesGrpcTestClient). Calls a server with <see cref="HttpClient"/> over HTTP/2 prior knowledge, building gRPC frames by hand.</summary>
internal static class RawGrpcClient
{
    private static readonly HttpClient Client = new(new SocketsHttpHandler());

    public static byte[] Frame(byte[] payload, bool compressed = false)
    {
        var frame = new byte[5 + payload.Length];
        frame[0] = compressed ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)payload.Length);
        payload.CopyTo(frame, 5);
        return frame;
    }

    public static byte[] Gzip(byte[] payload)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(payload);
        }

        return output.ToArray();
    }

    /// <summary>Opens a call whose request messages are sent one by one while response messages are read as they arrive.</summary>
    public static RawGrpcDuplexCall StartDuplex(Uri baseAddress, string path, Action<HttpRequestHeaders>? headers = null)
    {
        var content = new PushContent();
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(baseAddress, path))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = content,
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/grpc");
        request.Headers.TryAddWithoutValidation("te", "trailers");
        headers?.Invoke(request.Headers);
        return new RawGrpcDuplexCall(request, content, Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead));
    }

    public static async Task<RawGrpcResponse> CallAsync(
        Uri baseAddress, string path, byte[] body, string contentType = "application/grpc", Action<HttpRequestHeaders>? headers = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(baseAddress, path))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.TryAddWithoutValidation("te", "trailers");
        headers?.Invoke(request.Headers);

        using var response = await Client.SendAsync(request);
        var bytes = await response.Content.ReadAsByteArrayAsync();

        var messages = new List<(bool Compressed, byte[] Payload)>();
        var offset = 0;
        var isGrpc = response.Content.Headers.ContentType?.MediaType == "application/grpc";
        while (isGrpc && offset + 5 <= bytes.Length)
        {
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(offset + 1));
            messages.Add((bytes[offset] == 1, bytes.AsSpan(offset + 5, length).ToArray()));
            offset += 5 + length;
        }

        var all = response.Headers.Concat(response.Content.Headers).Concat(response.TrailingHeaders)
            .ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
        return new RawGrpcResponse(response.StatusCode, response.Version, response.Content.Headers.ContentType?.MediaType, messages, all, response.TrailingHeaders.Any());
    }
}

internal sealed record RawGrpcResponse(
    HttpStatusCode StatusCode,
    Version Version,
    string? ContentType,
    List<(bool Compressed, byte[] Payload)> Messages,
    Dictionary<string, string> HeadersAndTrailers,
    bool HasTrailers)
{
    public int? GrpcStatus => HeadersAndTrailers.TryGetValue("grpc-status", out var s) ? int.Parse(s, System.Globalization.CultureInfo.InvariantCulture) : null;

    public string? GrpcMessage => HeadersAndTrailers.TryGetValue("grpc-message", out var m) ? m : null;
}

/// <summary>A call opened by <see cref="RawGrpcClient.StartDuplex"/>: send frames, read messages, then read the trailers.</summary>
internal sealed class RawGrpcDuplexCall(HttpRequestMessage request, PushContent content, Task<HttpResponseMessage> responseTask) : IAsyncDisposable
{
    private HttpResponseMessage? _response;
    private Stream? _body;

    /// <summary>Sends one message, framed.</summary>
    public ValueTask SendAsync(byte[] payload) => content.Frames.Writer.WriteAsync(RawGrpcClient.Frame(payload));

    /// <summary>Ends the request stream.</summary>
    public void CompleteRequests() => content.Frames.Writer.TryComplete();

    /// <summary>The next response message, or null when the response stream has ended.</summary>
    public async Task<byte[]?> ReadAsync()
    {
        _response ??= await responseTask;
        _body ??= await _response.Content.ReadAsStreamAsync();
        var header = new byte[5];
        if (!await ReadExactlyOrEndAsync(_body, header))
        {
            return null;
        }

        var payload = new byte[BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(1))];
        await _body.ReadExactlyAsync(payload);
        return payload;
    }

    /// <summary>Reads the remaining messages, then the grpc-status and grpc-message of the trailers (or of a trailers-only response).</summary>
    public async Task<(int? Status, string? Message, List<byte[]> Remaining)> ReadToEndAsync()
    {
        var remaining = new List<byte[]>();
        while (await ReadAsync() is { } message)
        {
            remaining.Add(message);
        }

        var all = _response!.Headers.Concat(_response.TrailingHeaders)
            .ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
        int? status = all.TryGetValue("grpc-status", out var s) ? int.Parse(s, System.Globalization.CultureInfo.InvariantCulture) : null;
        return (status, all.GetValueOrDefault("grpc-message"), remaining);
    }

    public async ValueTask DisposeAsync()
    {
        CompleteRequests();
        if (_body is not null)
        {
            await _body.DisposeAsync();
        }

        _response?.Dispose();
        request.Dispose();
    }

    private static async Task<bool> ReadExactlyOrEndAsync(Stream stream, byte[] buffer)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(read));
            if (n == 0)
            {
                return read == 0 ? false : throw new EndOfStreamException("The response ended in the middle of a message.");
            }

            read += n;
        }

        return true;
    }
}

/// <summary>A request body written frame by frame as the test pushes them.</summary>
internal sealed class PushContent : HttpContent
{
    public Channel<byte[]> Frames { get; } = Channel.CreateUnbounded<byte[]>();

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        await foreach (var frame in Frames.Reader.ReadAllAsync())
        {
            await stream.WriteAsync(frame);
            await stream.FlushAsync();
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = -1;
        return false;
    }
}
