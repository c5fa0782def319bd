using System.Globalization;

namespace AbuseDetector.LoadTest;

/// <summary>A Prometheus histogram: cumulative counts by upper bound (le), the sum and the count.</summary>
internal sealed record Histogram(IReadOnlyList<(double Le, double Count)> Buckets, double Sum, double Count)
{
    /// <summary>This histogram less an earlier scrape of it: what was observed in between.</summary>
    public Histogram Minus(Histogram? before) => before is null ? this : new Histogram(
        [.. Buckets.Select(b => (b.Le, b.Count - before.Buckets.Where(x => x.Le.Equals(b.Le)).Select(x => x.Count).FirstOrDefault()))],
        Sum - before.Sum,
        Count - before.Count);

    /// <summary>
    /// The q-quantile estimated as Prometheus's histogram_quantile does: linear within the bucket it falls in, so it is
    /// only as precise as the buckets (the service's go 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25 ... ms).
    /// </summary>
    public double Quantile(double q)
    {
        if (Count <= 0)
        {
            return double.NaN;
        }

        var rank = q * Count;
        double lowerLe = 0, lowerCount = 0;
        foreach (var (le, count) in Buckets)
        {
            if (count >= rank)
            {
                if (double.IsPositiveInfinity(le))
                {
                    return lowerLe;
                }

                return count == lowerCount ? le : lowerLe + ((le - lowerLe) * (rank - lowerCount) / (count - lowerCount));
            }

            lowerLe = le;
            lowerCount = count;
        }

        return lowerLe;
    }
}

/// <summary>Reads histograms from the service's Prometheus text at /metrics.</summary>
internal static class MetricsScraper
{
    public static async Task<string?> ScrapeAsync(Uri address)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        try
        {
            return await http.GetStringAsync(address);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary>The histogram <paramref name="name"/> (without _bucket), or null when the text has none.</summary>
    public static Histogram? Find(string? text, string name)
    {
        if (text is null)
        {
            return null;
        }

        var buckets = new List<(double, double)>();
        double? sum = null, count = null;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            var metric = MetricName(line);
            if (metric == name + "_bucket")
            {
                // The le label among others (OpenTelemetry adds otel_scope_name and otel_scope_version).
                var start = line.IndexOf("le=\"", StringComparison.Ordinal) + "le=\"".Length;
                var end = line.IndexOf('"', start);
                var le = line[start..end] == "+Inf" ? double.PositiveInfinity : double.Parse(line[start..end], CultureInfo.InvariantCulture);
                buckets.Add((le, Value(line)));
            }
            else if (metric == name + "_sum")
            {
                sum = Value(line);
            }
            else if (metric == name + "_count")
            {
                count = Value(line);
            }
        }

        return count is { } c ? new Histogram([.. buckets.OrderBy(b => b.Item1)], sum ?? 0, c) : null;
    }

    /// <summary>The value of a counter or gauge summed over its label sets; null when absent.</summary>
    public static double? Sample(string? text, string name)
    {
        if (text is null)
        {
            return null;
        }

        double? total = null;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (MetricName(line) == name)
            {
                total = (total ?? 0) + Value(line);
            }
        }

        return total;
    }

    /// <summary>The sample's metric name: up to its labels or its value.</summary>
    private static string MetricName(string line)
    {
        var end = line.IndexOfAny(['{', ' ']);
        return end < 0 || line.StartsWith('#') ? "" : line[..end];
    }

    private static double Value(string line) => double.Parse(line.AsSpan(line.LastIndexOf(' ') + 1), NumberStyles.Float, CultureInfo.InvariantCulture);
}
