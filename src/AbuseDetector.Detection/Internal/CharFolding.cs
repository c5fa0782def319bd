using System.Globalization;
using System.Text;

namespace AbuseDetector.Detection.Internal;

/// <summary>
/// Maps one UTF-16 code unit (or a surrogate pair) to its folded form: NFKC, diacritics removed,
/// lower case, and look-alike letters from other scripts replaced by their Latin twins.
/// ASCII is folded inline; everything else comes from a table built once, on first use.
/// </summary>
internal static class CharFolding
{
    /// <summary>Returned for a character that separates tokens (controls, lone surrogates, format characters).</summary>
    public const string Separator = " ";

    /// <summary>Stands for the middle-finger emoji, which the swear lexicon lists.</summary>
    public const string MiddleFingerToken = "xmiddlefingerx";

    /// <summary>Builds the folding table if it is not built yet.</summary>
    public static void Prepare() => _ = Table.Bmp.Length;

    public static char FoldAscii(char c) => c is >= 'A' and <= 'Z' ? (char)(c + 32) : c;

    /// <summary>Folds a BMP character that is not ASCII; null means "keep the character as it is".</summary>
    public static string? FoldBmp(char c) => Table.Bmp[c];

    /// <summary>Folds a valid surrogate pair. Allocates: astral characters are rare in transcripts.</summary>
    public static string FoldAstral(char high, char low)
    {
        var codePoint = char.ConvertToUtf32(high, low);
        if (codePoint == 0x1F595)
        {
            return MiddleFingerToken;
        }

        if (!Rune.IsLetterOrDigit(new Rune(codePoint)))
        {
            return Separator;
        }

        return Fold(new string([high, low]));
    }

    private static string Fold(string text)
    {
        var compatible = text.Normalize(NormalizationForm.FormKC);
        var decomposed = compatible.Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            var category = CharUnicodeInfo.GetUnicodeCategory(c);
            if (category is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark or UnicodeCategory.SpacingCombiningMark)
            {
                continue;
            }

            var lower = char.ToLowerInvariant(c);
            builder.Append(Confusables.TryGetValue(lower, out var latin) ? latin : lower);
        }

        return builder.ToString();
    }

    // Letters from Cyrillic and Greek that render like Latin ones: used to dodge word filters.
    private static readonly Dictionary<char, char> Confusables = new()
    {
        ['а'] = 'a', ['в'] = 'b', ['е'] = 'e', ['ё'] = 'e', ['к'] = 'k', ['м'] = 'm', ['н'] = 'h', ['о'] = 'o',
        ['р'] = 'p', ['с'] = 'c', ['т'] = 't', ['у'] = 'y', ['х'] = 'x', ['і'] = 'i', ['ї'] = 'i', ['ј'] = 'j',
        ['ѕ'] = 's', ['ԁ'] = 'd', ['ɡ'] = 'g', ['ո'] = 'n', ['ս'] = 'u', ['ᴀ'] = 'a', ['ʀ'] = 'r', ['ɪ'] = 'i',
        ['α'] = 'a', ['β'] = 'b', ['ε'] = 'e', ['η'] = 'n', ['ι'] = 'i', ['κ'] = 'k', ['ν'] = 'v', ['ο'] = 'o',
        ['ρ'] = 'p', ['τ'] = 't', ['υ'] = 'u', ['χ'] = 'x', ['ω'] = 'w', ['ς'] = 's', ['μ'] = 'u',
    };

    private static class Table
    {
        public static readonly string?[] Bmp = Build();

        private static string?[] Build()
        {
            var table = new string?[65536];
            for (var code = 0x80; code < 65536; code++)
            {
                var c = (char)code;
                if (char.IsSurrogate(c))
                {
                    continue;
                }

                var category = CharUnicodeInfo.GetUnicodeCategory(c);
                if (category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.SpaceSeparator
                    or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator or UnicodeCategory.OtherNotAssigned
                    or UnicodeCategory.PrivateUse)
                {
                    table[code] = Separator;
                    continue;
                }

                var folded = Fold(c.ToString());
                if (folded.Length != 1 || folded[0] != c)
                {
                    table[code] = folded;
                }
            }

            // Typographic apostrophes and quotes fold to ASCII so "you’re" matches "you're".
            table['\u2018'] = "'";
            table['\u2019'] = "'";
            table['\u02BC'] = "'";
            table['\u2032'] = "'";
            return table;
        }
    }
}
