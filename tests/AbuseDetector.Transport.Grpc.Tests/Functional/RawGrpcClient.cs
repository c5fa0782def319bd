using System.Buffers.Binary;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;

namespace AbuseDetector.Transport.Grpc.Tests.Functional;

/// <summary>Calls the test server with <see cref="HttpClient"/> over HTTP/2 prior knowledge, building gRPC frames by hand.</summary>
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
