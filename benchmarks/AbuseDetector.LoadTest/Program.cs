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

var lines = CallLines.Load(dataPath);
var sampler = options.ServerPid is { } pid ? new ProcessSampler(pid) : null;
var cpuBefore = sampler?.CpuSeconds();
var wallBefore = Stopwatch.GetTimestamp();

Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"Load: {options.Streams} streams, pace {options.Pace.ToString().ToLowerInvariant()}, {options.Duration.TotalSeconds:0} s, up to {options.ChunksPerStream} chunks per stream, {lines.Count} call lines, {options.Address}"));
var result = await new LoadRunner(options, lines).RunAsync();

var wall = Stopwatch.GetElapsedTime(wallBefore).TotalSeconds;
var cpuAfter = sampler?.CpuSeconds();
var memory = sampler?.Memory();

var rows = new List<(string, string)>
{
    ("streams", Invariant($"{options.Streams}")),
    ("chunks sent", Invariant($"{result.ChunksSent}")),
    ("assessments", Invariant($"{result.Assessments}")),
    ("chunks/s", Invariant($"{result.Assessments / result.Elapsed.TotalSeconds:0}")),
    ("latency p50", Ms(Percentile(result.LatenciesMs, 0.50))),
    ("latency p99", Ms(Percentile(result.LatenciesMs, 0.99))),
    ("latency p99.9", Ms(Percentile(result.LatenciesMs, 0.999))),
    ("latency max", Ms(result.LatenciesMs.Length == 0 ? double.NaN : result.LatenciesMs[^1])),
    ("chunk errors", Invariant($"{result.ChunkErrors}")),
    ("call errors", Invariant($"{result.CallErrors}") + (result.ErrorKinds.Count == 0 ? string.Empty : " (" + string.Join(", ", result.ErrorKinds.Select(k => Invariant($"{k.Key}: {k.Value}"))) + ")")),
};
if (sampler is not null)
{
    rows.Add(("server CPU", cpuBefore is { } before && cpuAfter is { } after ? Invariant($"{100 * (after - before) / wall:0}% of one core ({after - before:0.0} s in {wall:0.0} s)") : "unreadable"));
    rows.Add(("server RSS", memory is { } m ? Invariant($"{m.RssMiB:0} MiB (peak {m.PeakRssMiB:0} MiB)") : "unreadable"));
}

var width = rows.Max(r => r.Item1.Length);
foreach (var (name, value) in rows)
{
    Console.WriteLine($"{name.PadRight(width)}  {value}");
}

return 0;

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
