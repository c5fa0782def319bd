using System.Collections;

namespace AbuseDetector.Transport.Grpc;

/// <summary>
/// Custom metadata of a call: request headers, response headers or response trailers. Keys are lower-case;
/// a key ending in <c>-bin</c> carries bytes (sent base64-encoded), any other key carries printable ASCII text.
/// </summary>
public sealed class GrpcMetadata : IEnumerable<GrpcMetadataEntry>
{
    /// <summary>The suffix that marks a binary key.</summary>
    public const string BinarySuffix = "-bin";

    private readonly List<GrpcMetadataEntry> _entries = [];
    private string? _readOnlyReason;

    /// <summary>Gets the number of entries.</summary>
    public int Count => _entries.Count;

    /// <summary>Adds a text entry.</summary>
    /// <param name="key">A key of lower-case letters, digits, <c>-</c>, <c>_</c> and <c>.</c>, not ending in <c>-bin</c> and not starting with <c>grpc-</c>.</param>
    /// <param name="value">Printable ASCII text.</param>
    /// <exception cref="ArgumentException">The key or value is not allowed.</exception>
    /// <exception cref="InvalidOperationException">The metadata was already sent, such as response headers after the first response message.</exception>
    public void Add(string key, string value)
    {
        ThrowIfReadOnly();
        ValidateKey(key);
        ArgumentNullException.ThrowIfNull(value);
        if (IsBinaryKey(key))
        {
            throw new ArgumentException($"The key '{key}' ends in -bin, so its value must be bytes.", nameof(key));
        }

        foreach (var c in value)
        {
            if (c is < ' ' or > '~')
            {
                throw new ArgumentException("A text metadata value must be printable ASCII; use a -bin key for other data.", nameof(value));
            }
        }

        _entries.Add(new GrpcMetadataEntry(key, value, ReadOnlyMemory<byte>.Empty));
    }

    /// <summary>Adds a binary entry.</summary>
    /// <param name="key">A key of lower-case letters, digits, <c>-</c>, <c>_</c> and <c>.</c>, ending in <c>-bin</c>.</param>
    /// <param name="value">The bytes.</param>
    /// <exception cref="ArgumentException">The key is not allowed.</exception>
    /// <exception cref="InvalidOperationException">The metadata was already sent, such as response headers after the first response message.</exception>
    public void Add(string key, ReadOnlyMemory<byte> value)
    {
        ThrowIfReadOnly();
        ValidateKey(key);
        if (!IsBinaryKey(key))
        {
            throw new ArgumentException($"The key '{key}' does not end in -bin, so its value must be text.", nameof(key));
        }

        _entries.Add(new GrpcMetadataEntry(key, string.Empty, value));
    }

    /// <summary>Gets the first entry with <paramref name="key"/>.</summary>
    /// <param name="key">The key, compared case-insensitively.</param>
    /// <returns>The entry, or <see langword="null"/> when there is none.</returns>
    public GrpcMetadataEntry? Get(string key)
    {
        foreach (var entry in _entries)
        {
            if (string.Equals(entry.Key, key, StringComparison.OrdinalIgnoreCase))
            {
                return entry;
            }
        }

        return null;
    }

    /// <summary>Gets the text value of the first entry with <paramref name="key"/>.</summary>
    /// <param name="key">The key, compared case-insensitively.</param>
    /// <returns>The value, or <see langword="null"/> when there is no such entry.</returns>
    public string? GetValue(string key) => Get(key)?.Value;

    /// <inheritdoc/>
    public IEnumerator<GrpcMetadataEntry> GetEnumerator() => _entries.GetEnumerator();

    /// <inheritdoc/>
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    internal static bool IsBinaryKey(string key) => key.EndsWith(BinarySuffix, StringComparison.OrdinalIgnoreCase);

    /// <summary>Adds an entry received from the client, whose key the HTTP/2 layer has already checked.</summary>
    internal void AddReceived(GrpcMetadataEntry entry) => _entries.Add(entry);

    /// <summary>Adds entries already checked by the public <c>Add</c> methods of another instance.</summary>
    internal void AddRange(GrpcMetadata other)
    {
        ThrowIfReadOnly();
        _entries.AddRange(other._entries);
    }

    /// <summary>Refuses further entries: once metadata is on the wire, a later entry would be silently lost.</summary>
    /// <param name="reason">The message of the <see cref="InvalidOperationException"/> a later <c>Add</c> throws.</param>
    internal void MakeReadOnly(string reason) => _readOnlyReason ??= reason;

    private void ThrowIfReadOnly()
    {
        if (_readOnlyReason is { } reason)
        {
            throw new InvalidOperationException(reason);
        }
    }

    private static void ValidateKey(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        foreach (var c in key)
        {
            if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '_' or '.'))
            {
                throw new ArgumentException($"The metadata key '{key}' may only hold lower-case letters, digits, '-', '_' and '.'.", nameof(key));
            }
        }

        if (key.StartsWith("grpc-", StringComparison.Ordinal))
        {
            throw new ArgumentException($"The metadata key '{key}' is reserved by the gRPC protocol.", nameof(key));
        }
    }
}

/// <summary>One metadata entry.</summary>
/// <param name="Key">The lower-case key.</param>
/// <param name="Value">The text value; empty for a binary entry.</param>
/// <param name="ValueBytes">The bytes of a binary (<c>-bin</c>) entry; empty for a text entry.</param>
public sealed record GrpcMetadataEntry(string Key, string Value, ReadOnlyMemory<byte> ValueBytes)
{
    /// <summary>Gets a value indicating whether the entry is binary (its key ends in <c>-bin</c>).</summary>
    public bool IsBinary => GrpcMetadata.IsBinaryKey(Key);
}
