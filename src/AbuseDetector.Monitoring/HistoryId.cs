using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace AbuseDetector.Monitoring;

/// <summary>
/// A position in a team's or agent's alert history: a Redis stream id, milliseconds and a sequence number, each a 64-bit
/// unsigned number (<c>1700000000000-0</c>), or <c>0</c> for the very start. The one rule every reader of a history id
/// checks with: WatchAlerts, the watchers and the command line.
/// </summary>
public readonly record struct HistoryId(ulong Milliseconds, ulong Sequence)
{
    /// <summary>Gets the id before every alert: replays the whole history kept.</summary>
    public static HistoryId Start => default;

    /// <summary>Gets a sentence describing what a history id looks like, for error messages.</summary>
    public const string Expected = "a history id such as 1700000000000-0 (two whole numbers below 2^64 joined by '-'), or 0 for the whole history";

    /// <summary>Reads <c>ms-seq</c>, <c>ms</c> or <c>0</c>; false for anything else, including numbers past 64 bits.</summary>
    /// <param name="text">The text.</param>
    /// <param name="id">The id read.</param>
    /// <returns>True when <paramref name="text"/> is a history id.</returns>
    public static bool TryParse([NotNullWhen(true)] string? text, out HistoryId id)
    {
        id = default;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var dash = text.IndexOf('-', StringComparison.Ordinal);
        var millisecondsText = dash < 0 ? text.AsSpan() : text.AsSpan(0, dash);
        var sequenceText = dash < 0 ? "0".AsSpan() : text.AsSpan(dash + 1);
        if (!IsDigits(millisecondsText) || !IsDigits(sequenceText)
            || !ulong.TryParse(millisecondsText, NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds)
            || !ulong.TryParse(sequenceText, NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
        {
            return false;
        }

        id = new HistoryId(milliseconds, sequence);
        return true;
    }

    /// <summary>The id as Redis writes it: <c>ms-seq</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Milliseconds}-{Sequence}");

    private static bool IsDigits(ReadOnlySpan<char> text) => text.Length > 0 && text.IndexOfAnyExceptInRange('0', '9') < 0;
}
