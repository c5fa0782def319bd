using System.Globalization;

namespace AbuseDetector.LoadTest;

/// <summary>CPU time and memory of another process, read from /proc/&lt;pid&gt;/stat and /proc/&lt;pid&gt;/status (Linux).</summary>
internal sealed class ProcessSampler(int pid)
{
    // USER_HZ: the unit of utime and stime in /proc/<pid>/stat; 100 on every mainstream Linux build.
    private const double ClockTicksPerSecond = 100;

    /// <summary>User plus system CPU time the process has used so far, in seconds; null when it cannot be read.</summary>
    public double? CpuSeconds()
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // The command name (field 2) is in parentheses and may hold spaces: split after its closing parenthesis.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // fields[0] is field 3 (state), so utime (field 14) is fields[11] and stime (field 15) is fields[12].
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            return ticks / ClockTicksPerSecond;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>Resident memory now and at its peak, in MiB, from VmRSS and VmHWM; null when they cannot be read.</summary>
    public (double RssMiB, double PeakRssMiB)? Memory()
    {
        try
        {
            double? rss = null, peak = null;
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    rss = Kilobytes(line) / 1024.0;
                }
                else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    peak = Kilobytes(line) / 1024.0;
                }
            }

            return rss is { } r && peak is { } p ? (r, p) : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    private static long Kilobytes(string line) =>
        long.Parse(line.AsSpan(line.IndexOf(':', StringComparison.Ordinal) + 1).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
}

/// <summary>Busy and idle time of the whole machine, from the first line of /proc/stat (Linux), in clock ticks.</summary>
internal static class MachineCpu
{
    public static (double Busy, double Idle)? Read()
    {
        try
        {
            var line = File.ReadLines("/proc/stat").First();
            // cpu user nice system idle iowait irq softirq steal ...: idle and iowait are idle, the rest busy.
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(f => double.Parse(f, CultureInfo.InvariantCulture)).ToArray();
            var idle = fields[3] + fields[4];
            var busy = fields.Take(8).Sum() - idle;
            return (busy, idle);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException or InvalidOperationException)
        {
            return null;
        }
    }
}
