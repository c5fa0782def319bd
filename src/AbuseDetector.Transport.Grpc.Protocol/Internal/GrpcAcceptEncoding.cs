namespace AbuseDetector.Transport.Grpc.Internal;

/// <summary>The <c>grpc-accept-encoding</c> header: a comma-separated list of content codings.</summary>
internal static class GrpcAcceptEncoding
{
    private static readonly char[] Whitespace = [' ', '\t'];

    /// <summary>
    /// Parses a <c>grpc-accept-encoding</c> value such as <c>identity,gzip, deflate</c> into a case-insensitive set.
    /// Whitespace around names is ignored and empty entries are skipped; <c>identity</c> is not added implicitly.
    /// </summary>
    /// <param name="value">The header value, or <see langword="null"/> when absent.</param>
    /// <returns>The encodings named, compared with <see cref="StringComparer.OrdinalIgnoreCase"/>.</returns>
    public static IReadOnlySet<string> Parse(string? value)
    {
        var encodings = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (string.IsNullOrEmpty(value))
        {
            return encodings;
        }

        foreach (var part in value.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = part.Trim(Whitespace);
            if (name.Length > 0)
            {
                encodings.Add(name);
            }
        }

        return encodings;
    }
}
