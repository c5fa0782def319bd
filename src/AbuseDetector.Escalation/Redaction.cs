namespace AbuseDetector.Escalation;

/// <summary>Hides numbers that may be personal data (card, phone, account numbers) before text leaves the call.</summary>
public static class Redaction
{
    /// <summary>The character each hidden digit is replaced with.</summary>
    public const char Mask = '#';

    /// <summary>The fewest digits in a run that are hidden; shorter numbers ("42", "3 cats") stay readable.</summary>
    public const int MinDigits = 4;

    // Up to three of ' ', '-', '.' between digits keep a number together: "4111 1111", "0207-946", "12 . 34".
    private const int MaxSeparatorRun = 3;

    /// <summary>
    /// Replaces every digit of each run of at least <see cref="MinDigits"/> digits with <see cref="Mask"/>.
    /// Spaces, dashes and dots between digits keep a run together and are left as they are, so
    /// "4111 1111 1111 1111" becomes "#### #### #### ####" and "call 0207-946-0958" becomes "call ####-###-####".
    /// </summary>
    /// <param name="text">The text to redact.</param>
    /// <returns>The redacted text; the same instance when nothing needed hiding.</returns>
    public static string RedactDigits(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        char[]? redacted = null;
        var i = 0;
        while (i < text.Length)
        {
            if (!char.IsDigit(text[i]))
            {
                i++;
                continue;
            }

            var start = i;
            var end = ScanRun(text, start, out var digits);
            if (digits >= MinDigits)
            {
                redacted ??= text.ToCharArray();
                for (var j = start; j < end; j++)
                {
                    if (char.IsDigit(redacted[j]))
                    {
                        redacted[j] = Mask;
                    }
                }
            }

            i = end;
        }

        return redacted is null ? text : new string(redacted);
    }

    /// <summary>Finds where a run of digits starting at <paramref name="start"/> ends (just after its last digit).</summary>
    private static int ScanRun(string text, int start, out int digits)
    {
        digits = 0;
        var end = start;
        var i = start;
        while (i < text.Length)
        {
            if (char.IsDigit(text[i]))
            {
                digits++;
                i++;
                end = i;
                continue;
            }

            var next = i;
            while (next < text.Length && next - i < MaxSeparatorRun && IsSeparator(text[next]))
            {
                next++;
            }

            if (next == i || next >= text.Length || !char.IsDigit(text[next]))
            {
                break;
            }

            i = next;
        }

        return end;
    }

    private static bool IsSeparator(char c) => c is ' ' or '-' or '.';
}
