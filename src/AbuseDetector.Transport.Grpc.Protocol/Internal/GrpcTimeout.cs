using System.Globalization;

namespace AbuseDetector.Transport.Grpc.Internal;

/// <summary>
/// The <c>grpc-timeout</c> header: <c>TimeoutValue TimeoutUnit</c>, where the value is at most eight ASCII digits
/// and the unit is one of <c>H M S m u n</c> (hours, minutes, seconds, milliseconds, microseconds, nanoseconds).
/// </summary>
internal static class GrpcTimeout
{
    /// <summary>The largest value the header can carry: eight digits.</summary>
    public const long MaxValue = 99_999_999;

    private const int MaxDigits = 8;

    // Units from the largest to the smallest, with their size in ticks (100 ns); nanoseconds are handled apart.
    private static readonly (char Unit, long Ticks)[] TickUnits =
    [
        ('H', TimeSpan.TicksPerHour),
        ('M', TimeSpan.TicksPerMinute),
        ('S', TimeSpan.TicksPerSecond),
        ('m', TimeSpan.TicksPerMillisecond),
        ('u', TimeSpan.TicksPerMicrosecond),
    ];

    private const long NanosecondsPerTick = 100;

    /// <summary>Parses a <c>grpc-timeout</c> header value.</summary>
    /// <param name="value">The header value, for example <c>30S</c> or <c>100m</c>.</param>
    /// <param name="timeout">
    /// The timeout. Nanoseconds are rounded up to whole ticks, so a positive value never becomes zero.
    /// <c>0</c> in any unit parses as <see cref="TimeSpan.Zero"/> (an already expired deadline).
    /// </param>
    /// <returns>Whether <paramref name="value"/> is one to eight ASCII digits followed by a known unit, and nothing else.</returns>
    public static bool TryParse(ReadOnlySpan<char> value, out TimeSpan timeout)
    {
        timeout = default;
        if (value.Length < 2 || value.Length > MaxDigits + 1)
        {
            return false;
        }

        var digits = value[..^1];
        long number = 0;
        foreach (var c in digits)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            number = (number * 10) + (c - '0');
        }

        var unit = value[^1];
        if (unit == 'n')
        {
            timeout = TimeSpan.FromTicks((number + NanosecondsPerTick - 1) / NanosecondsPerTick);
            return true;
        }

        foreach (var (name, ticks) in TickUnits)
        {
            if (name == unit)
            {
                // 99,999,999 hours is about 3.6e18 ticks, well inside a long.
                timeout = TimeSpan.FromTicks(number * ticks);
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Formats <paramref name="timeout"/> as the shortest header value that represents it exactly; when no unit
    /// can within eight digits, rounds up in the finest unit that fits; a timeout beyond <c>99999999H</c> is clamped to it.
    /// </summary>
    /// <param name="timeout">A non-negative timeout.</param>
    /// <returns>The header value, for example <c>30S</c>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative.</exception>
    public static string Format(TimeSpan timeout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(timeout, TimeSpan.Zero);

        var ticks = timeout.Ticks;
        if (ticks == 0)
        {
            return "0S";
        }

        // Exact: the largest unit dividing the timeout gives the fewest digits.
        foreach (var (unit, unitTicks) in TickUnits)
        {
            if (ticks % unitTicks == 0 && ticks / unitTicks <= MaxValue)
            {
                return Create(ticks / unitTicks, unit);
            }
        }

        if (ticks <= MaxValue / NanosecondsPerTick)
        {
            return Create(ticks * NanosecondsPerTick, 'n');
        }

        // Not exact in eight digits: round up in the finest unit that fits, so the deadline is never shortened.
        for (var i = TickUnits.Length - 1; i >= 0; i--)
        {
            var (unit, unitTicks) = TickUnits[i];
            var rounded = (ticks / unitTicks) + (ticks % unitTicks == 0 ? 0 : 1);
            if (rounded <= MaxValue)
            {
                return Create(rounded, unit);
            }
        }

        return Create(MaxValue, 'H');
    }

    private static string Create(long value, char unit) =>
        string.Create(CultureInfo.InvariantCulture, $"{value}{unit}");
}
