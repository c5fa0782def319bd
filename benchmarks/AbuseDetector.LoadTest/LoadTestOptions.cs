using System.Globalization;
using System.Net;

namespace AbuseDetector.LoadTest;

/// <summary>How fast each stream sends its chunks.</summary>
internal enum Pace
{
    /// <summary>One chunk per stream per second, like a live call.</summary>
    Realistic,

    /// <summary>As fast as the service answers, with a bounded number of unanswered chunks per stream.</summary>
    Max,
}

/// <summary>Command-line options, bounded so a run always ends.</summary>
internal sealed record LoadTestOptions(Uri Address, int Streams, int ChunksPerStream, Pace Pace, TimeSpan Duration, int? ServerPid, string? DataPath)
{
    /// <summary>Redis (host:port) to subscribe to for chunk-to-alert latency; null to measure no alerts.</summary>
    public string? Redis { get; init; }

    /// <summary>The key prefix the service publishes under (its AbuseDetector:Alerts:KeyPrefix).</summary>
    public string RedisPrefix { get; init; } = "abuse";

    /// <summary>The share of abusive lines (0 to 1) each stream replays; null for the corpus in file order.</summary>
    public double? AbusiveShare { get; init; }

    /// <summary>Chunks per call: a stream ends its call after this many and starts the next one; 0 for one call per stream.</summary>
    public int CallChunks { get; init; }

    /// <summary>The service's /metrics address, scraped before and after the run; null for none.</summary>
    public Uri? Metrics { get; init; }

    /// <summary>The redis-server process, for its CPU; null for none.</summary>
    public int? RedisPid { get; init; }

    public const int MaxStreams = 5000;
    public const int MaxChunksPerStream = 1_000_000;
    public const int MaxDurationSeconds = 600;

    public const string Usage = """
        Usage: AbuseDetector.LoadTest [--address http://127.0.0.1:50051] [--streams 1|100|1000|5000] [--chunks-per-stream M]
                                      [--pace realistic|max] [--duration S] [--server-pid PID] [--data call-domain-train.jsonl]
                                      [--redis 127.0.0.1:6379] [--redis-prefix abuse] [--redis-pid PID] [--abusive-share 0-1]
                                      [--call-chunks N] [--metrics http://127.0.0.1:8080/metrics]
        Streams 1-5000, chunks per stream 1-1000000 (default 1000000: duration bounds the run), duration 1-600 seconds (default 10).
        --redis subscribes to the service's alert channels and reports chunk-sent-to-alert-received latency.
        --abusive-share replays abusive lines with that probability (default: the corpus in file order, about 29 % abusive).
        --call-chunks ends each stream's call after N chunks and starts the next (default 0: one call per stream).
        --metrics scrapes the service's /metrics before and after the run and reports its latency histograms.
        Only loopback addresses are accepted.
        """;

    /// <summary>Parses <paramref name="args"/>; on failure returns null and a sentence in <paramref name="error"/>.</summary>
    public static LoadTestOptions? Parse(string[] args, out string? error)
    {
        error = null;
        var address = new Uri("http://127.0.0.1:50051");
        int streams = 100, chunks = MaxChunksPerStream, duration = 10;
        int? pid = null, redisPid = null;
        string? data = null, redis = null, prefix = "abuse";
        double? abusiveShare = null;
        var callChunks = 0;
        Uri? metrics = null;
        var pace = Pace.Realistic;
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (i + 1 >= args.Length)
            {
                error = $"The option {name} needs a value.";
                return null;
            }

            var value = args[++i];
            switch (name)
            {
                case "--address":
                    if (!Uri.TryCreate(value, UriKind.Absolute, out address!) || address.Scheme != Uri.UriSchemeHttp)
                    {
                        error = $"The address '{value}' is not an absolute http:// URI.";
                        return null;
                    }

                    break;
                case "--streams" when !TryInt(value, 1, MaxStreams, out streams):
                    error = $"--streams must be between 1 and {MaxStreams}.";
                    return null;
                case "--chunks-per-stream" when !TryInt(value, 1, MaxChunksPerStream, out chunks):
                    error = $"--chunks-per-stream must be between 1 and {MaxChunksPerStream}.";
                    return null;
                case "--duration" when !TryInt(value, 1, MaxDurationSeconds, out duration):
                    error = $"--duration must be between 1 and {MaxDurationSeconds} seconds.";
                    return null;
                case "--server-pid":
                    if (!TryInt(value, 1, int.MaxValue, out var p))
                    {
                        error = "--server-pid must be a process id.";
                        return null;
                    }

                    pid = p;
                    break;
                case "--pace":
                    if (value.Equals("realistic", StringComparison.OrdinalIgnoreCase))
                    {
                        pace = Pace.Realistic;
                    }
                    else if (value.Equals("max", StringComparison.OrdinalIgnoreCase))
                    {
                        pace = Pace.Max;
                    }
                    else
                    {
                        error = "--pace must be realistic or max.";
                        return null;
                    }

                    break;
                case "--data":
                    data = value;
                    break;
                case "--redis":
                    if (!TryHostPort(value, out var host))
                    {
                        error = $"--redis must be host:port, such as 127.0.0.1:6379 (not '{value}').";
                        return null;
                    }

                    if (!IsLoopbackHost(host))
                    {
                        error = $"Refusing to subscribe to {host}: --redis must be a loopback address.";
                        return null;
                    }

                    redis = value;
                    break;
                case "--redis-prefix":
                    prefix = value;
                    break;
                case "--redis-pid":
                    if (!TryInt(value, 1, int.MaxValue, out var rp))
                    {
                        error = "--redis-pid must be a process id.";
                        return null;
                    }

                    redisPid = rp;
                    break;
                case "--abusive-share":
                    if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var share) || share is < 0 or > 1)
                    {
                        error = "--abusive-share must be a number from 0 to 1, such as 0.3.";
                        return null;
                    }

                    abusiveShare = share;
                    break;
                case "--call-chunks" when !TryInt(value, 0, MaxChunksPerStream, out callChunks):
                    error = $"--call-chunks must be between 0 and {MaxChunksPerStream}.";
                    return null;
                case "--metrics":
                    if (!Uri.TryCreate(value, UriKind.Absolute, out metrics) || metrics.Scheme != Uri.UriSchemeHttp || !IsLoopback(metrics))
                    {
                        error = $"--metrics must be an absolute http:// URI on a loopback address (not '{value}').";
                        return null;
                    }

                    break;
                case "--streams" or "--chunks-per-stream" or "--duration" or "--call-chunks":
                    break;
                default:
                    error = $"Unknown option {name}.";
                    return null;
            }
        }

        if (!IsLoopback(address))
        {
            error = $"Refusing to load {address.Host}: the load tool only runs against a service on this machine (a loopback address such as 127.0.0.1, [::1] or localhost).";
            return null;
        }

        return new LoadTestOptions(address, streams, chunks, pace, TimeSpan.FromSeconds(duration), pid, data)
        {
            Redis = redis,
            RedisPrefix = prefix,
            RedisPid = redisPid,
            AbusiveShare = abusiveShare,
            CallChunks = callChunks,
            Metrics = metrics,
        };
    }

    private static bool TryHostPort(string value, out string host)
    {
        var colon = value.LastIndexOf(':');
        host = colon > 0 ? value[..colon].Trim('[', ']') : "";
        return colon > 0 && TryInt(value[(colon + 1)..], 1, 65535, out _);
    }

    private static bool IsLoopbackHost(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));

    private static bool IsLoopback(Uri address) =>
        address.IsLoopback || (IPAddress.TryParse(address.DnsSafeHost, out var ip) && IPAddress.IsLoopback(ip));

    private static bool TryInt(string value, int min, int max, out int result) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out result) && result >= min && result <= max;
}
