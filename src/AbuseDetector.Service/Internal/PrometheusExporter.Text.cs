using System.Globalization;
using System.Text;

namespace AbuseDetector.Service.Internal;

/// <summary>The text exposition format 0.0.4: https://prometheus.io/docs/instrumenting/exposition_formats/.</summary>
internal sealed partial class PrometheusExporter
{
    private static readonly Dictionary<string, string> Units = new(StringComparer.Ordinal)
    {
        ["ns"] = "nanoseconds",
        ["us"] = "microseconds",
        ["ms"] = "milliseconds",
        ["s"] = "seconds",
        ["min"] = "minutes",
        ["h"] = "hours",
        ["d"] = "days",
        ["By"] = "bytes",
        ["KiBy"] = "kibibytes",
        ["MiBy"] = "mebibytes",
        ["GiBy"] = "gibibytes",
        ["KBy"] = "kilobytes",
        ["MBy"] = "megabytes",
        ["GBy"] = "gigabytes",
        ["bit"] = "bits",
        ["%"] = "percent",
        ["Hz"] = "hertz",
    };

    private static readonly Dictionary<string, string> PerUnits = new(StringComparer.Ordinal)
    {
        ["ns"] = "nanosecond",
        ["us"] = "microsecond",
        ["ms"] = "millisecond",
        ["s"] = "second",
        ["min"] = "minute",
        ["h"] = "hour",
        ["d"] = "day",
    };

    /// <summary>
    /// Writes each metric family once, sorted by name: <c># HELP</c>, <c># TYPE</c>, then its samples. Instruments that
    /// map to one name share the family; one of another type than the first is left out, as Prometheus would refuse it.
    /// </summary>
    internal static void WriteText(StringBuilder text, IEnumerable<InstrumentAggregator> instruments)
    {
        var families = instruments
            .GroupBy(i => MetricName(i.Instrument.Name, i.Instrument.Unit, i.Kind), StringComparer.Ordinal)
            .OrderBy(f => f.Key, StringComparer.Ordinal);
        foreach (var family in families)
        {
            var first = family.First();
            var name = family.Key;
            var help = string.IsNullOrEmpty(first.Instrument.Description) ? first.Instrument.Name : first.Instrument.Description;
            text.Append("# HELP ").Append(name).Append(' ').Append(EscapeHelp(help)).Append('\n');
            text.Append("# TYPE ").Append(name).Append(' ').Append(first.Kind switch
            {
                MetricKind.Counter => "counter",
                MetricKind.Gauge => "gauge",
                _ => "histogram",
            }).Append('\n');
            foreach (var aggregator in family.Where(a => a.Kind == first.Kind))
            {
                WriteSamples(text, name, aggregator);
            }
        }
    }

    /// <summary>The Prometheus name of an instrument: sanitized, the unit appended (<c>_milliseconds</c>), and <c>_total</c> for counters.</summary>
    internal static string MetricName(string instrumentName, string? unit, MetricKind kind)
    {
        var name = Sanitize(instrumentName, allowColon: true);
        if (kind == MetricKind.Counter && name.EndsWith("_total", StringComparison.Ordinal))
        {
            name = name[..^"_total".Length];
        }

        var suffix = UnitSuffix(unit);
        if (suffix.Length > 0 && !name.EndsWith("_" + suffix, StringComparison.Ordinal))
        {
            name += "_" + suffix;
        }

        return kind == MetricKind.Counter ? name + "_total" : name;
    }

    /// <summary>Escapes a label value: backslash, double quote and line feed.</summary>
    internal static string EscapeLabelValue(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    /// <summary>Formats a sample value: Go's ParseFloat reads the shortest round-trip form, and +Inf, -Inf and NaN are spelled as Prometheus spells them.</summary>
    internal static string FormatValue(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ when double.IsNaN(value) => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    private static void WriteSamples(StringBuilder text, string name, InstrumentAggregator aggregator)
    {
        var constant = aggregator.Instrument.Tags?.ToArray() ?? [];
        foreach (var series in aggregator.Series)
        {
            switch (series)
            {
                case LongSumSeries sum:
                    WriteSample(text, name, constant, series.Tags, le: null, sum.Value.ToString(CultureInfo.InvariantCulture));
                    break;
                case DoubleSumSeries sum:
                    WriteSample(text, name, constant, series.Tags, le: null, FormatValue(sum.Value));
                    break;
                case LastValueSeries last when last.IsCurrent:
                    WriteSample(text, name, constant, series.Tags, le: null, FormatValue(last.Value));
                    break;
                case HistogramSeries histogram:
                    WriteHistogram(text, name, constant, histogram, aggregator.Bounds!);
                    break;
            }
        }
    }

    private static void WriteHistogram(StringBuilder text, string name, KeyValuePair<string, object?>[] constant, HistogramSeries histogram, double[] bounds)
    {
        var (buckets, sum) = histogram.Snapshot();
        long cumulative = 0;
        for (var i = 0; i < bounds.Length; i++)
        {
            cumulative += buckets[i];
            WriteSample(text, name + "_bucket", constant, histogram.Tags, FormatValue(bounds[i]), cumulative.ToString(CultureInfo.InvariantCulture));
        }

        cumulative += buckets[^1];
        var count = cumulative.ToString(CultureInfo.InvariantCulture);
        WriteSample(text, name + "_bucket", constant, histogram.Tags, "+Inf", count);
        WriteSample(text, name + "_sum", constant, histogram.Tags, le: null, FormatValue(sum));
        WriteSample(text, name + "_count", constant, histogram.Tags, le: null, count);
    }

    private static void WriteSample(
        StringBuilder text, string name, KeyValuePair<string, object?>[] constant, KeyValuePair<string, object?>[] tags, string? le, string value)
    {
        text.Append(name);
        var separator = '{';
        foreach (var tag in constant.Concat(tags))
        {
            var label = Sanitize(tag.Key, allowColon: false);
            if (label.StartsWith("__", StringComparison.Ordinal) || string.Equals(label, "le", StringComparison.Ordinal) && le is not null)
            {
                // Reserved for Prometheus itself, or taken by the bucket bound.
                continue;
            }

            text.Append(separator).Append(label).Append("=\"").Append(EscapeLabelValue(LabelValue(tag.Value))).Append('"');
            separator = ',';
        }

        if (le is not null)
        {
            text.Append(separator).Append("le=\"").Append(le).Append('"');
            separator = ',';
        }

        if (separator == ',')
        {
            text.Append('}');
        }

        text.Append(' ').Append(value).Append('\n');
    }

    private static string LabelValue(object? value) => value switch
    {
        null => string.Empty,
        string text => text,
        bool flag => flag ? "true" : "false",
        double number => FormatValue(number),
        float number => FormatValue(number),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    private static string EscapeHelp(string help) =>
        help.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    /// <summary>Metric names are <c>[a-zA-Z_:][a-zA-Z0-9_:]*</c>, label names the same without colons: anything else becomes an underscore.</summary>
    private static string Sanitize(string name, bool allowColon)
    {
        var builder = new StringBuilder(name.Length + 1);
        foreach (var c in name)
        {
            builder.Append(char.IsAsciiLetterOrDigit(c) || c == '_' || (allowColon && c == ':') ? c : '_');
        }

        if (builder.Length == 0 || char.IsAsciiDigit(builder[0]))
        {
            builder.Insert(0, '_');
        }

        return builder.ToString();
    }

    /// <summary>The name suffix for a UCUM unit: <c>ms</c> → <c>milliseconds</c>, <c>By/s</c> → <c>bytes_per_second</c>; annotations such as <c>{call}</c> and <c>1</c> add nothing.</summary>
    private static string UnitSuffix(string? unit)
    {
        if (string.IsNullOrEmpty(unit))
        {
            return string.Empty;
        }

        var plain = new StringBuilder(unit.Length);
        var depth = 0;
        foreach (var c in unit)
        {
            depth += c == '{' ? 1 : c == '}' ? -1 : 0;
            if (depth == 0 && c != '}')
            {
                plain.Append(c);
            }
        }

        var parts = plain.ToString().Split('/', 2);
        var main = UnitWord(parts[0], Units);
        var per = parts.Length == 2 ? UnitWord(parts[1], PerUnits) : string.Empty;
        return (main, per) switch
        {
            (_, "") => main,
            ("", _) => "per_" + per,
            _ => main + "_per_" + per,
        };
    }

    private static string UnitWord(string unit, Dictionary<string, string> words) => unit.Trim() switch
    {
        "" or "1" => string.Empty,
        var known when words.TryGetValue(known, out var word) => word,
        var other => Sanitize(other, allowColon: false).Trim('_'),
    };
}
