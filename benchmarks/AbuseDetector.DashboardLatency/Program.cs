using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using AbuseDetector.Client;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Playwright;
using V1 = AbuseDetector.Contracts.V1;

// Usage: DashboardLatency --grpc URL --http URL --api-key KEY --tenant T --team X --token SUPERVISOR_TOKEN
//        [--calls 200] [--duration 60] [--call-chunks 30] [--data models/data/call-domain-train.jsonl] [--chromium /usr/bin/chromium]
var options = ParseArguments(args);
if (options is null)
{
    await Console.Error.WriteLineAsync("usage: DashboardLatency --grpc URL --http URL --api-key KEY --tenant T --team X --token TOKEN [--calls N] [--duration S] [--call-chunks N] [--data FILE] [--chromium PATH]");
    return 2;
}

var lines = LoadLines(options["data"]);
var calls = int.Parse(options["calls"], CultureInfo.InvariantCulture);
var duration = TimeSpan.FromSeconds(double.Parse(options["duration"], CultureInfo.InvariantCulture));
var callChunks = int.Parse(options["call-chunks"], CultureInfo.InvariantCulture);
var (tenant, team) = (options["tenant"], options["team"]);

// The browser: a supervisor signed in to the team's dashboard, with an observer noting when each alert card appears.
using var playwright = await Playwright.CreateAsync();
await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = options["chromium"], Headless = true, Args = ["--no-sandbox"] });
var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1920, Height = 1080 } });
await page.GotoAsync(options["http"].TrimEnd('/') + "/supervisor/sign-in");
await page.GetByLabel("Tenant").FillAsync(tenant);
await page.GetByLabel("Team").FillAsync(team);
await page.GetByLabel("Your name").FillAsync("Load");
await page.GetByLabel("Supervisor token").FillAsync(options["token"]);
await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
try
{
    await page.WaitForURLAsync("**/supervisor", new() { WaitUntil = WaitUntilState.DOMContentLoaded });
}
catch (TimeoutException)
{
    await Console.Error.WriteLineAsync($"Sign-in did not reach the dashboard: {page.Url}: {await page.GetByTestId("sign-in-message").TextContentAsync()}");
    return 1;
}
await Assertions.Expect(page.GetByTestId("connection-state")).ToHaveTextAsync("Live", new() { Timeout = 30_000 });
await page.EvaluateAsync("""
    () => {
      window.__shownAt = {};
      new MutationObserver(records => {
        const now = Date.now();
        for (const record of records) {
          for (const node of record.addedNodes) {
            if (!(node instanceof Element)) continue;
            const cards = node.matches('[data-testid="alert"]') ? [node] : node.querySelectorAll('[data-testid="alert"]');
            for (const card of cards) window.__shownAt[card.dataset.alertId] ??= now;
          }
        }
      }).observe(document.body, { childList: true, subtree: true });
    }
    """);

// The team's alerts as the service publishes them, for the chunk each came from.
using var channel = GrpcChannel.ForAddress(options["grpc"]);
var client = new V1.AbuseDetector.AbuseDetectorClient(channel.WithApiKey(options["api-key"]));
using var stop = new CancellationTokenSource();
var published = new ConcurrentDictionary<string, (string CallId, ulong Seq)>();
using var watch = client.WatchAlerts(new V1.WatchAlertsRequest { TenantId = tenant, TeamId = team }, cancellationToken: stop.Token);
await watch.ResponseHeadersAsync;
var watching = Task.Run(async () =>
{
    try
    {
        await foreach (var alert in watch.ResponseStream.ReadAllAsync(stop.Token))
        {
            published[alert.AlertId] = (alert.CallId, alert.Seq);
        }
    }
    catch (RpcException) when (stop.IsCancellationRequested)
    {
    }
});

// The calls: each sends one customer line a second, from its own place in the corpus, and starts again after its chunks.
var sentAt = new ConcurrentDictionary<(string CallId, ulong Seq), long>();
var assessmentMs = new ConcurrentBag<double>();
var deadline = Stopwatch.StartNew();
var runs = Enumerable.Range(0, calls).Select(index => Task.Run(async () =>
{
    // Spread the calls over the second, as live calls are.
    await Task.Delay(TimeSpan.FromMilliseconds(1000.0 * index / calls));
    for (var round = 0; deadline.Elapsed < duration; round++)
    {
        var callId = $"dash-{index}-{round}";
        await using var call = await client.StartCallAsync(new V1.CallStart { CallId = callId, TenantId = tenant, TeamId = team, AgentId = $"agent-{index % 40}", CustomerId = $"cust-{index}" });
        var pending = new ConcurrentDictionary<ulong, long>();
        var reading = Task.Run(async () =>
        {
            await foreach (var update in call.ReadUpdatesAsync())
            {
                if (update.Assessment is { } assessment && pending.TryRemove(assessment.Seq, out var started))
                {
                    assessmentMs.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
            }
        });
        for (ulong seq = 1; seq <= (ulong)callChunks && deadline.Elapsed < duration; seq++)
        {
            var text = lines[(index * 97 + round * callChunks + (int)seq) % lines.Count];
            sentAt[(callId, seq)] = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();
            pending[seq] = Stopwatch.GetTimestamp();
            await call.SendChunkAsync(new V1.TranscriptChunk { Seq = seq, Speaker = V1.Speaker.Customer, Text = text, IsFinal = true });
            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        await call.EndAsync(new V1.CallEnd { Reason = V1.CallEndReason.Completed });
        await reading;
    }
})).ToArray();
await Task.WhenAll(runs);

// Give the page time to show the last alerts, then read what it saw.
await Task.Delay(TimeSpan.FromSeconds(3));
await stop.CancelAsync();
await watching;
var shownAt = await page.EvaluateAsync<Dictionary<string, long>>("() => window.__shownAt");
var latencies = new List<double>();
var missing = 0;
foreach (var (alertId, (callId, seq)) in published)
{
    if (seq == 0 || !sentAt.TryGetValue((callId, seq), out var sent))
    {
        continue;
    }

    if (shownAt.TryGetValue(alertId, out var shown))
    {
        latencies.Add(shown - sent);
    }
    else
    {
        missing++;
    }
}

latencies.Sort();
var assessments = assessmentMs.Order().ToArray();
Console.WriteLine(Invariant($"calls at once            {calls}, one chunk a second, {duration.TotalSeconds:0} s"));
Console.WriteLine(Invariant($"team alerts published    {published.Count} ({latencies.Count + missing} caused by a chunk)"));
Console.WriteLine(Invariant($"shown on the dashboard   {latencies.Count}, missing {missing}"));
Console.WriteLine(Invariant($"chunk sent -> alert shown p50 {Percentile(latencies, 0.50):0} ms, p95 {Percentile(latencies, 0.95):0} ms, p99 {Percentile(latencies, 0.99):0} ms, max {(latencies.Count > 0 ? latencies[^1] : double.NaN):0} ms"));
Console.WriteLine(Invariant($"chunk -> assessment      p50 {Percentile(assessments, 0.50):0.00} ms, p99 {Percentile(assessments, 0.99):0.00} ms ({assessments.Length} chunks)"));
return missing == 0 ? 0 : 1;

static double Percentile(IReadOnlyList<double> sorted, double p) =>
    sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

static List<string> LoadLines(string path) =>
    [.. File.ReadLines(path).Where(l => l.Length > 0).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("text").GetString()!).Where(t => t.Length > 0)];

static Dictionary<string, string>? ParseArguments(string[] args)
{
    var options = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["calls"] = "200",
        ["duration"] = "60",
        ["call-chunks"] = "30",
        ["data"] = "models/data/call-domain-train.jsonl",
        ["chromium"] = "/usr/bin/chromium",
    };
    for (var i = 0; i + 1 < args.Length; i += 2)
    {
        if (!args[i].StartsWith("--", StringComparison.Ordinal))
        {
            return null;
        }

        options[args[i][2..]] = args[i + 1];
    }

    string[] required = ["grpc", "http", "api-key", "tenant", "team", "token"];
    return args.Length % 2 == 0 && required.All(options.ContainsKey) ? options : null;
}
