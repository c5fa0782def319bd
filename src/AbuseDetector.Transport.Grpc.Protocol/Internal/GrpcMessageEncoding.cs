using System.Buffers;
using System.Text;

namespace AbuseDetector.Transport.Grpc.Internal;

/// <summary>
/// Percent-encoding of the <c>grpc-message</c> trailer: the message's UTF-8 bytes, with every byte outside
/// printable ASCII (<c>0x20</c>–<c>0x7E</c>) and every <c>%</c> written as <c>%XX</c> (upper-case hex).
/// </summary>
internal static class GrpcMessageEncoding
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Percent-encodes <paramref name="message"/>.</summary>
    /// <param name="message">Any text.</param>
    /// <returns>The encoded text; <paramref name="message"/> itself when nothing needs encoding.</returns>
    public static string Encode(string message)
    {
        ArgumentNullException.ThrowIfNull(message);

        if (!NeedsEncoding(message))
        {
            return message;
        }

        var bytes = Encoding.UTF8.GetBytes(message);
        var builder = new StringBuilder(bytes.Length * 3);
        foreach (var b in bytes)
        {
            if (IsUnreserved(b))
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append('%').Append(ToHex(b >> 4)).Append(ToHex(b & 0xF));
            }
        }

        return builder.ToString();
    }

    /// <summary>
    /// Decodes a percent-encoded <paramref name="value"/>. Never fails: a <c>%</c> not followed by two hex digits
    /// is kept as it is, and if the decoded bytes are not valid UTF-8 the raw value is returned unchanged.
    /// </summary>
    /// <param name="value">The <c>grpc-message</c> value as received.</param>
    /// <returns>The decoded message.</returns>
    public static string Decode(string value)
    {
        ArgumentNullException.ThrowIfNull(value);

        if (!value.Contains('%', StringComparison.Ordinal))
        {
            return value;
        }

        var bytes = new ArrayBufferWriter<byte>(value.Length);
        Span<byte> scratch = stackalloc byte[4];
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '%' && i + 2 < value.Length && TryHex(value[i + 1], out var high) && TryHex(value[i + 2], out var low))
            {
                bytes.Write([(byte)((high << 4) | low)]);
                i += 2;
            }
            else if (c < 0x80)
            {
                bytes.Write([(byte)c]);
            }
            else
            {
                // Tolerate a peer that sent raw non-ASCII text: keep it as its UTF-8 bytes.
                var rune = Rune.GetRuneAt(value, i);
                var written = rune.EncodeToUtf8(scratch);
                bytes.Write(scratch[..written]);
                i += rune.Utf16SequenceLength - 1;
            }
        }

        try
        {
            return StrictUtf8.GetString(bytes.WrittenSpan);
        }
        catch (DecoderFallbackException)
        {
            return value;
        }
    }

    private static bool NeedsEncoding(string message)
    {
        foreach (var c in message)
        {
            if (c is < ' ' or > '~' or '%')
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsUnreserved(byte b) => b is >= 0x20 and <= 0x7E and not (byte)'%';

    private static char ToHex(int nibble) => (char)(nibble < 10 ? '0' + nibble : 'A' + nibble - 10);

    private static bool TryHex(char c, out int value)
    {
        value = c switch
        {
            >= '0' and <= '9' => c - '0',
            >= 'A' and <= 'F' => c - 'A' + 10,
            >= 'a' and <= 'f' => c - 'a' + 10,
            _ => -1,
        };
        return value >= 0;
    }
}
