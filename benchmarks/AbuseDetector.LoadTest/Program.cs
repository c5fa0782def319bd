using System.Diagnostics;
using System.Globalization;
using AbuseDetector.LoadTest;

var options = LoadTestOptions.Parse(args, out var error);
if (options is null)
{
    Console.Error.WriteLine(error);
    Console.Error.WriteLine(LoadTestOptions.Usage);
    return 2;
}

var dataPath = options.DataPath ?? FindData("models/data/call-domain-train.jsonl");
if (dataPath is null || !File.Exists(dataPath))
{
    Console.Error.WriteLine("No call lines found: pass --data with the path of models/data/call-domain-train.jsonl, or run from a checkout.");
    return 2;
}

var lines = new LineSet(CallLines.Load(dataPath));
var sendTimes = new SendTimes();
await using var listener = options.Redis is { } redis ? new AlertListener(redis, options.RedisPrefix, LoadRunner.TenantPattern, sendTimes) : null;
if (listener is not null)
{
    try
    {
        await listener.StartAsync();
    }
    catch (StackExchange.Redis.RedisConnectionException ex)
    {
        Console.Error.WriteLine($"Cannot subscribe to Redis at {options.Redis}: {ex.Message}");
        return 1;
    }
}

var metricsBefore = options.Metrics is { } metricsAddress ? await MetricsScraper.ScrapeAsync(metricsAddress) : null;
var server = options.ServerPid is { } pid ? new ProcessSampler(pid) : null;
var redisServer = options.RedisPid is { } redisPid ? new ProcessSampler(redisPid) : null;
var self = new ProcessSampler(Environment.ProcessId);
var cpuBefore = (Server: server?.CpuSeconds(), Redis: redisServer?.CpuSeconds(), Client: self.CpuSeconds(), Machine: MachineCpu.Read());
var wallBefore = Stopwatch.GetTimestamp();

var mix = options.AbusiveShare is { } share ? Invariant($"{share:P0} abusive lines") : Invariant($"corpus order ({(double)lines.Abusive.Count / lines.All.Count:P0} abusive)");
var calls = options.CallChunks > 0 ? Invariant($"calls of {options.CallChunks} chunks") : "one call per stream";
Console.WriteLine(Invariant(
    $"Load: {options.Streams} streams, pace {options.Pace.ToString().ToLowerInvariant()}, {options.Duration.TotalSeconds:0} s, {calls}, {mix}, {lines.All.Count} call lines, {options.Address}"));
// A scrape just before the streams stop sending: the histograms then hold the steady state, without the burst of
// call_ended alerts and incident saves of every call ending at once.
var steadyScrape = options.Metrics is { } steadyAddress && options.Duration > TimeSpan.FromSeconds(2)
    ? Task.Delay(options.Duration - TimeSpan.FromSeconds(1)).ContinueWith(_ => MetricsScraper.ScrapeAsync(steadyAddress), TaskScheduler.Default).Unwrap()
    : Task.FromResult<string?>(null);
var result = await new LoadRunner(options, lines, sendTimes).RunAsync();
var metricsSteady = await steadyScrape;

var wall = Stopwatch.GetElapsedTime(wallBefore).TotalSeconds;
var cpuAfter = (Server: server?.CpuSeconds(), Redis: redisServer?.CpuSeconds(), Client: self.CpuSeconds(), Machine: MachineCpu.Read());
var memory = server?.Memory();

// Alerts still in the service's outbox when the last chunk was answered arrive now.
if (listener is not null)
{
    await listener.WaitForQuietAsync(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(15));
}

var metricsAfter = options.Metrics is { } address ? await MetricsScraper.ScrapeAsync(address) : null;

var rows = new List<(string, string)>
{
    ("streams", Invariant($"{options.Streams} ({result.Calls} calls)")),
    ("chunks sent", Invariant($"{result.ChunksSent} ({result.AbusiveSent} abusive lines)")),
    ("assessments", Invariant($"{result.Assessments}")),
    ("chunks/s", Invariant($"{result.Assessments / result.Elapsed.TotalSeconds:0}")),
    ("latency p50", Ms(Percentile(result.LatenciesMs, 0.50))),
    ("latency p99", Ms(Percentile(result.LatenciesMs, 0.99))),
    ("latency p99.9", Ms(Percentile(result.LatenciesMs, 0.999))),
    ("latency max", Ms(result.LatenciesMs.Length == 0 ? double.NaN : result.LatenciesMs[^1])),
    ("chunk errors", Invariant($"{result.ChunkErrors}")),
    ("call errors", Invariant($"{result.CallErrors}") + (result.ErrorKinds.Count == 0 ? string.Empty : " (" + string.Join(", ", result.ErrorKinds.Select(k => Invariant($"{k.Key}: {k.Value}"))) + ")")),
    ("alerts on call streams", Invariant($"{result.StreamAlerts}")),
};
if (listener?.Result() is { } alerts)
{
    rows.Add(("alerts on Redis", Invariant($"{alerts.Received} ({string.Join(", ", alerts.ByKind.OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => Invariant($"{k.Key} {k.Value}")))})")));
    rows.Add(("  matched to a chunk", Invariant($"{alerts.LatenciesMs.Length} (not raised by a chunk {alerts.NotFromChunk}, unmatched {alerts.Unmatched}, second copies {alerts.Duplicates}, unreadable {alerts.Invalid})")));
    rows.Add(("alert latency p50", Ms(Percentile(alerts.LatenciesMs, 0.50))));
    rows.Add(("alert latency p99", Ms(Percentile(alerts.LatenciesMs, 0.99))));
    rows.Add(("alert latency p99.9", Ms(Percentile(alerts.LatenciesMs, 0.999))));
    rows.Add(("alert latency max", Ms(alerts.LatenciesMs.Length == 0 ? double.NaN : alerts.LatenciesMs[^1])));
}

if (server is not null)
{
    rows.Add(("server CPU", Cpu(cpuBefore.Server, cpuAfter.Server)));
    rows.Add(("server RSS", memory is { } m ? Invariant($"{m.RssMiB:0} MiB (peak {m.PeakRssMiB:0} MiB)") : "unreadable"));
}

if (redisServer is not null)
{
    rows.Add(("redis-server CPU", Cpu(cpuBefore.Redis, cpuAfter.Redis)));
}

rows.Add(("load client CPU", Cpu(cpuBefore.Client, cpuAfter.Client)));
if (cpuBefore.Machine is { } machineBefore && cpuAfter.Machine is { } machineAfter)
{
    var busy = machineAfter.Busy - machineBefore.Busy;
    var total = busy + (machineAfter.Idle - machineBefore.Idle);
    rows.Add(("machine CPU busy", Invariant($"{100 * busy / total:0}% of {Environment.ProcessorCount} cores (everything running)")));
}

if (options.Metrics is not null)
{
    if (metricsAfter is null)
    {
        rows.Add(("server /metrics", "unreachable"));
    }
    else
    {
        AddHistogram("server chunk_duration", "abuse_detector_chunk_duration_milliseconds", metricsAfter);
        AddHistogram("server alerts publish", "abuse_detector_alerts_publish_latency_milliseconds", metricsAfter);
        if (metricsSteady is not null)
        {
            AddHistogram("  until 1 s before the end", "abuse_detector_alerts_publish_latency_milliseconds", metricsSteady);
        }

        var published = Delta("abuse_detector_alerts_published_total");
        var dropped = Delta("abuse_detector_alerts_dropped_total");
        var depth = MetricsScraper.Sample(metricsAfter, "abuse_detector_alerts_outbox_depth");
        rows.Add(("server alerts", Invariant($"{published:0} published, {dropped:0} dropped during the run; {depth ?? 0} in the outbox now")));
    }
}

var width = rows.Max(r => r.Item1.Length);
foreach (var (name, value) in rows)
{
    Console.WriteLine($"{name.PadRight(width)}  {value}");
}

return 0;

void AddHistogram(string label, string name, string? scrape)
{
    if (MetricsScraper.Find(scrape, name)?.Minus(MetricsScraper.Find(metricsBefore, name)) is not { Count: > 0 } histogram)
    {
        rows.Add((label, "no observations"));
        return;
    }

    rows.Add((label, Invariant(
        $"{histogram.Count:0} observed, mean {histogram.Sum / histogram.Count:0.000} ms, p50 {histogram.Quantile(0.5):0.000} / p99 {histogram.Quantile(0.99):0.000} / p99.9 {histogram.Quantile(0.999):0.000} ms (interpolated in buckets)")));
}

double Delta(string name) => (MetricsScraper.Sample(metricsAfter, name) ?? 0) - (MetricsScraper.Sample(metricsBefore, name) ?? 0);

string Cpu(double? before, double? after) =>
    before is { } b && after is { } a ? Invariant($"{100 * (a - b) / wall:0}% of one core ({a - b:0.0} s in {wall:0.0} s)") : "unreadable";

static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

static string Ms(double value) => double.IsNaN(value) ? "n/a" : Invariant($"{value:0.00} ms");

static double Percentile(double[] sorted, double p) =>
    sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

static string? FindData(string relative)
{
    foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
    }

    return null;
}
