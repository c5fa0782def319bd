namespace AbuseDetector.Web.Tests;

/// <summary>A page's event stream read as text, as a browser's EventSource would receive it.</summary>
internal sealed class SseReader : IDisposable
{
    private static readonly TimeSpan ReadLimit = TimeSpan.FromSeconds(20);

    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;
    private readonly System.Text.StringBuilder _seen = new();

    private SseReader(HttpResponseMessage response, StreamReader reader)
    {
        _response = response;
        _reader = reader;
    }

    public static async Task<SseReader> OpenAsync(HttpClient http, string path)
    {
        var response = await http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync());

        // The stream is open once its retry line is out: from then on the watch is in place.
        Assert.StartsWith("retry:", await reader.ReadLineAsync() ?? "", StringComparison.Ordinal);
        return new SseReader(response, reader);
    }

    /// <summary>Reads until <paramref name="text"/> has come, and returns everything read so far.</summary>
    public async Task<string> ReadUntilAsync(string text)
    {
        using var limit = new CancellationTokenSource(ReadLimit);
        while (!_seen.ToString().Contains(text, StringComparison.Ordinal))
        {
            var line = await _reader.ReadLineAsync(limit.Token) ?? throw new Xunit.Sdk.XunitException($"The stream ended before '{text}' came.");
            _seen.AppendLine(line);
        }

        return _seen.ToString();
    }

    public void Dispose()
    {
        _reader.Dispose();
        _response.Dispose();
    }
}
