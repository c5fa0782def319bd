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
    public const int MaxStreams = 5000;
    public const int MaxChunksPerStream = 1_000_000;
    public const int MaxDurationSeconds = 600;

    public const string Usage = """
        Usage: AbuseDetector.LoadTest [--address http://127.0.0.1:50051] [--streams 1|100|1000|5000] [--chunks-per-stream M]
                                      [--pace realistic|max] [--duration S] [--server-pid PID] [--data call-domain-train.jsonl]
        Streams 1-5000, chunks per stream 1-1000000 (default 1000000: duration bounds the run), duration 1-600 seconds (default 10).
        Only loopback addresses are accepted.
        """;

    /// <summary>Parses <paramref name="args"/>; on failure returns null and a sentence in <paramref name="error"/>.</summary>
    public static LoadTestOptions? Parse(string[] args, out string? error)
    {
        error = null;
        var address = new Uri("http://127.0.0.1:50051");
        int streams = 100, chunks = MaxChunksPerStream, duration = 10;
        int? pid = null;
        string? data = null;
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
                case "--streams" or "--chunks-per-stream" or "--duration":
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

        return new LoadTestOptions(address, streams, chunks, pace, TimeSpan.FromSeconds(duration), pid, data);
    }

    private static bool IsLoopback(Uri address) =>
        address.IsLoopback || (IPAddress.TryParse(address.DnsSafeHost, out var ip) && IPAddress.IsLoopback(ip));

    private static bool TryInt(string value, int min, int max, out int result) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out result) && result >= min && result <= max;
}
