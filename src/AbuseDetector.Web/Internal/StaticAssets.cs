using System.Collections.Frozen;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace AbuseDetector.Web.Internal;

/// <summary>The pages, scripts and stylesheet, embedded in the assembly and read once: a few tens of kilobytes.</summary>
internal sealed class StaticAssets
{
    private const string Prefix = "wwwroot/";

    private readonly FrozenDictionary<string, Asset> _assets;

    public StaticAssets()
    {
        var assembly = typeof(StaticAssets).Assembly;
        var assets = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var bytes = copy.ToArray();
            var path = name[Prefix.Length..].Replace('\\', '/');
            assets[path] = new Asset(bytes, ContentTypeOf(path), "\"" + WebEncoders.Base64UrlEncode(SHA256.HashData(bytes).AsSpan(0, 12)) + "\"");
        }

        _assets = assets.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>The text of an embedded file, e.g. "sign-in.html".</summary>
    public string Text(string path) => System.Text.Encoding.UTF8.GetString(_assets[path].Bytes);

    /// <summary>Writes an embedded file, or 404 when there is none; answers 304 to a matching If-None-Match.</summary>
    public Task WriteAsync(HttpContext http, string path, string cacheControl)
    {
        if (!_assets.TryGetValue(path, out var asset))
        {
            http.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }

        var response = http.Response;
        response.Headers.CacheControl = cacheControl;
        response.Headers.ETag = asset.ETag;
        if (string.Equals(http.Request.Headers.IfNoneMatch.ToString(), asset.ETag, StringComparison.Ordinal))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }

        response.ContentType = asset.ContentType;
        response.ContentLength = asset.Bytes.Length;
        return response.Body.WriteAsync(asset.Bytes).AsTask();
    }

    private static string ContentTypeOf(string path) => Path.GetExtension(path) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".svg" => "image/svg+xml",
        ".png" => "image/png",
        _ => "application/octet-stream",
    };

    private sealed record Asset(byte[] Bytes, string ContentType, string ETag);
}
