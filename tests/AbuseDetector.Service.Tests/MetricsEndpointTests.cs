using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using AbuseDetector.Contracts.V1;
using Google.Protobuf;

namespace AbuseDetector.Service.Tests;

/// <summary>
/// Scrapes /metrics of a service process of its own, so the figures count only this test's calls (OpenTelemetry listens to
/// meters by name across the process, so services hosted in the test process would count each other's).
/// </summary>
public sealed partial class MetricsEndpointTests
{
    private const string ClassifyPath = "/abuse_detector.v1.AbuseDetector/Classify";
    private const string StreamCallPath = "/abuse_detector.v1.AbuseDetector/StreamCall";
    private const string Abusive = "you're a useless idiot";
    private const string Calm = "hello I am calling about my bill";
    private static readonly HttpClient Client = new();

    [Fact]
    public async Task Get_AfterRealCalls_CountersHistogramAndOpenCallsMoved()
    {
        // Arrange
        await using var service = await ServiceProcess.StartAsync(["--redis", "none"]);
        var before = await ScrapeAsync(service);
        var chunks = new[] { Chunk(1, Calm), Chunk(2, Abusive), Chunk(3, Calm), Chunk(4, Abusive), Chunk(5, Calm), Chunk(3, "seq went backwards") };

        // Act
        await using (var call = RawGrpcClient.StartDuplex(service.GrpcAddress, StreamCallPath))
        {
            await call.SendAsync(new CallEvent { Start = new CallStart { CallId = "metrics-1", TenantId = "tenant-a" } }.ToByteArray());
            await call.SendAsync(chunks[0].ToByteArray());
            Assert.NotNull(await call.ReadAsync());
            var open = await ScrapeAsync(service);
            Assert.Equal(1, open["abuse_detector_calls_open"]);
            foreach (var chunk in chunks.Skip(1))
            {
                await call.SendAsync(chunk.ToByteArray());
            }

            await call.SendAsync(new CallEvent { End = new CallEnd() }.ToByteArray());
            var (status, _, remaining) = await call.ReadToEndAsync();
            Assert.Equal(0, status);
            // One answer per chunk; the two insults also bring escalation changes and alerts.
            var answers = remaining.Select(CallUpdate.Parser.ParseFrom).Count(u => u.UpdateCase is CallUpdate.UpdateOneofCase.Assessment or CallUpdate.UpdateOneofCase.Error);
            Assert.Equal(chunks.Length - 1, answers);
        }

        for (var i = 0; i < 2; i++)
        {
            var classify = await RawGrpcClient.CallAsync(service.GrpcAddress, ClassifyPath, RawGrpcClient.Frame(new ClassifyRequest { Text = Abusive }.ToByteArray()));
            Assert.Equal(0, classify.GrpcStatus);
        }

        var rejected = await RawGrpcClient.CallAsync(service.GrpcAddress, StreamCallPath, RawGrpcClient.Frame(Chunk(1, Calm).ToByteArray()));
        Assert.Equal(9, rejected.GrpcStatus);
        var after = await ScrapeAsync(service);

        // Assert
        Assert.Equal(0, before["abuse_detector_calls_started_total"]);
        Assert.Equal(0, after["abuse_detector_calls_open"]);
        Assert.Equal(1, after["abuse_detector_calls_started_total"]);
        Assert.Equal(1, after["abuse_detector_calls_rejected_total{status=\"FailedPrecondition\"}"]);
        Assert.Equal(chunks.Length, after["abuse_detector_chunks_total{speaker=\"customer\"}"]);
        Assert.Equal(1, after["abuse_detector_chunk_errors_total{code=\"INVALID_ARGUMENT\"}"]);
        Assert.Equal(2, after["abuse_detector_classify_requests_total"]);
        Assert.Equal(2, after["abuse_detector_flags_total{category=\"insult\"}"]);
        Assert.Equal(chunks.Length, after["abuse_detector_chunk_duration_milliseconds_count"]);
        Assert.Equal(chunks.Length, after["abuse_detector_chunk_duration_milliseconds_bucket{le=\"+Inf\"}"]);
        Assert.True(after["abuse_detector_chunk_duration_milliseconds_sum"] > 0);
        var buckets = after.Where(s => s.Key.StartsWith("abuse_detector_chunk_duration_milliseconds_bucket", StringComparison.Ordinal)).Select(s => s.Value).ToList();
        Assert.Equal(buckets.Order(), buckets);
    }

    [Fact]
    public async Task Get_Metrics_PrometheusTextFormatOnHttp11()
    {
        // Arrange: a call, so every instrument has a measurement (OpenTelemetry lists an instrument once it has one).
        await using var service = await ServiceProcess.StartAsync(["--redis", "none"]);
        var call = await RawGrpcClient.CallAsync(service.GrpcAddress, StreamCallPath, AuthenticationAndLimitsTests.Frames(AuthenticationAndLimitsTests.Start("t"), AuthenticationAndLimitsTests.Chunk(1), AuthenticationAndLimitsTests.End()));
        Assert.Equal(0, call.GrpcStatus);

        // Act
        using var response = await Client.GetAsync(new Uri(service.HttpAddress, "/metrics"));
        var text = await response.Content.ReadAsStringAsync();

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        var lines = text.TrimEnd('\n').Split('\n');
        Assert.All(lines, line => Assert.Matches(LineFormat(), line));
        var types = lines.Where(l => l.StartsWith("# TYPE ", StringComparison.Ordinal)).Select(l => l.Split(' ')[2]).ToList();
        Assert.Equal(types.Distinct(StringComparer.Ordinal), types);
        Assert.Contains("abuse_detector_chunk_duration_milliseconds", types);
        Assert.Contains("abuse_detector_chunks_total", types);
        Assert.Contains("abuse_detector_calls_open", types);
    }

    /// <summary>A comment line (HELP or TYPE) or a sample: name, optional labels with escaped values, a float value.</summary>
    [GeneratedRegex("""^(# HELP [a-zA-Z_:][a-zA-Z0-9_:]* .*|# TYPE [a-zA-Z_:][a-zA-Z0-9_:]* (counter|gauge|histogram)|[a-zA-Z_:][a-zA-Z0-9_:]*(\{[a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\["\\n])*"(,[a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\["\\n])*")*\})? (-?[0-9.]+(E[-+]?[0-9]+)?|[+-]Inf|NaN))$""")]
    private static partial Regex LineFormat();

    private static async Task<Dictionary<string, double>> ScrapeAsync(ServiceProcess service)
    {
        var text = await Client.GetStringAsync(new Uri(service.HttpAddress, "/metrics"));
        // Samples keyed by name and labels, without the OpenTelemetry scope labels every sample carries.
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(l => !l.StartsWith('#'))
            .Select(l => l.Split(' '))
            .ToDictionary(p => WithoutScopeLabels(p[0]), p => double.Parse(p[1], CultureInfo.InvariantCulture), StringComparer.Ordinal);
    }

    /// <summary><c>name{a="1",otel_scope_name="x"}</c> as <c>name{a="1"}</c>; this test's label values hold no commas.</summary>
    private static string WithoutScopeLabels(string sample)
    {
        var brace = sample.IndexOf('{', StringComparison.Ordinal);
        if (brace < 0)
        {
            return sample;
        }

        var labels = sample[(brace + 1)..^1].Split(',').Where(l => !l.StartsWith("otel_scope_", StringComparison.Ordinal)).ToList();
        return labels.Count == 0 ? sample[..brace] : $"{sample[..brace]}{{{string.Join(',', labels)}}}";
    }

    private static CallEvent Chunk(ulong seq, string text) =>
        new() { Chunk = new TranscriptChunk { Seq = seq, Speaker = Speaker.Customer, Text = text, IsFinal = true } };
}
