using System.Globalization;
using System.Text;

namespace AbuseDetector.Detection.Internal;

/// <summary>
/// Maps one UTF-16 code unit (or a surrogate pair) to its folded form: NFKC, diacritics removed,
/// lower case, and look-alike letters from other scripts replaced by their Latin twins.
/// ASCII is folded inline; everything else comes from a table built once, on first use.
/// A combining mark folds to the empty string: it is dropped, as NFKC plus diacritic removal would drop it.
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

    /// <summary>Folds a BMP character that is not ASCII; null means "keep the character as it is", empty means "drop it".</summary>
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

        return Fold(codePoint);
    }

    private static string Fold(int codePoint)
    {
        var decomposed = Compatibility.Decompose(codePoint);
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

    /// <summary>
    /// The compatibility decompositions (NFKD) of the letters and digits people dress words up with, combining
    /// marks left in for <see cref="Fold"/> to drop. Written out rather than taken from
    /// <c>string.Normalize</c>: this build runs with InvariantGlobalization, where <c>Normalize</c> returns
    /// non-ASCII text unchanged (so "ｆｕｃｋ" and "fück" would never fold), and a fixed table also gives the
    /// same features on every machine, whatever ICU version it has.
    /// </summary>
    private static class Compatibility
    {
        // Generated from Unicode 14.0 data (Python's unicodedata): each character's NFKD with combining marks
        // removed, kept where that is one letter or digit. Each row starts at the code point given; '_' = no change.
        private static readonly (int First, string Folded)[] SingleRows =
        [
            (0x00A0, "__________a_______23_μ___1o"),
            (0x00C0, "AAAAAA_CEEEEIIII_NOOOOO__UUUUY"),
            (0x00E0, "aaaaaa_ceeeeiiii_nooooo__uuuuy_y"),
            (0x0100, "AaAaAaCcCcCcCcDd__EeEeEeEeEeGgGg"),
            (0x0120, "GgGgHh__IiIiIiIiI___JjKk_LlLlLl"),
            (0x0140, "___NnNnNn___OoOoOo__RrRrRrSsSsSs"),
            (0x0160, "SsTtTt__UuUuUuUuUuUuWwYyYZzZzZzs"),
            (0x01A0, "Oo_____________Uu"),
            (0x01C0, "_____________AaIiOoUuUuUuUuUu_Aa"),
            (0x01E0, "AaÆæ__GgKkOoOoƷʒj___Gg__NnAaÆæØø"),
            (0x0200, "AaAaEeEeIiIiOoOoRrRrUuUuSsTt__Hh"),
            (0x0220, "______AaEeOoOoOoOoYy"),
            (0x0360, "____________________ʹ"),
            (0x0380, "______Α_ΕΗΙ_Ο_ΥΩι"),
            (0x03A0, "__________ΙΥαεηιυ"),
            (0x03C0, "__________ιυουω_βθΥΥΥφπ"),
            (0x03E0, "________________κρς_Θε___Σ"),
            (0x0400, "ЕЕ_Г___І____КИУ__________И"),
            (0x0420, "_________________________и"),
            (0x0440, "________________ее_г___і____киу"),
            (0x0460, "______________________Ѵѵ"),
            (0x04C0, "_Жж_____________АаАа__Ее__ӘәЖжЗз"),
            (0x04E0, "__ИиИиОо__ӨөЭэУуУуУуЧч__Ыы"),
            (0x1D20, "____________AÆB_DEƎGHIJKLMN_OȢPR"),
            (0x1D40, "TUWaɐɑᴂbdeəɛɜg_kmŋoɔᴖᴗptuᴝɯvᴥβγδ"),
            (0x1D60, "φχiruvβγρφχ_____________н"),
            (0x1D80, "___________________________ɒcɕðɜ"),
            (0x1DA0, "fɟɡɥɨɩɪᵻʝɭᶅʟɱɰɲɳɴɵɸʂʃƫʉʊᴜʋʌzʐʑʒθ"),
            (0x1E00, "AaBbBbBbCcDdDdDdDdDdEeEeEeEeEeFf"),
            (0x1E20, "GgHhHhHhHhHhIiIiKkKkKkLlLlLlLlMm"),
            (0x1E40, "MmMmNnNnNnNnOoOoOoOoPpPpRrRrRrRr"),
            (0x1E60, "SsSsSsSsSsTtTtTtTtUuUuUuUuUuVvVv"),
            (0x1E80, "WwWwWwWwWwXxXxYyZzZzZzhtwy_s"),
            (0x1EA0, "AaAaAaAaAaAaAaAaAaAaAaAaEeEeEeEe"),
            (0x1EC0, "EeEeEeEeIiIiOoOoOoOoOoOoOoOoOoOo"),
            (0x1EE0, "OoOoUuUuUuUuUuUuUuYyYyYyYy"),
            (0x1F00, "ααααααααΑΑΑΑΑΑΑΑεεεεεε__ΕΕΕΕΕΕ"),
            (0x1F20, "ηηηηηηηηΗΗΗΗΗΗΗΗιιιιιιιιΙΙΙΙΙΙΙΙ"),
            (0x1F40, "οοοοοο__ΟΟΟΟΟΟ__υυυυυυυυ_Υ_Υ_Υ_Υ"),
            (0x1F60, "ωωωωωωωωΩΩΩΩΩΩΩΩααεεηηιιοουυωω"),
            (0x1F80, "ααααααααΑΑΑΑΑΑΑΑηηηηηηηηΗΗΗΗΗΗΗΗ"),
            (0x1FA0, "ωωωωωωωωΩΩΩΩΩΩΩΩααααα_ααΑΑΑΑΑ_ι"),
            (0x1FC0, "__ηηη_ηηΕΕΗΗΗ___ιιιι__ιιΙΙΙΙ"),
            (0x1FE0, "υυυυρρυυΥΥΥΥΡ_____ωωω_ωωΟΟΩΩΩ"),
            (0x2060, "________________0i__456789_____n"),
            (0x2080, "0123456789______aeoxəhklmnpst"),
            (0x2100, "__C____Ɛ__gHHHhħIILl_N___PQRRR"),
            (0x2120, "____Z_Ω_Z_KABC_eEF_Moאבגדi__πγΓΠ"),
            (0x2140, "_____Ddeij"),
            (0x2460, "123456789"),
            (0x24A0, "______________________ABCDEFGHIJ"),
            (0x24C0, "KLMNOPQRSTUVWXYZabcdefghijklmnop"),
            (0x24E0, "qrstuvwxyz0"),
        ];

        // Characters whose decomposition is several ASCII letters or digits (digraphs, ligatures, circled numbers).
        private static readonly Dictionary<int, string> Multiple = new()
        {
            [0x0132] = "IJ",
            [0x0133] = "ij",
            [0x01C4] = "DZ",
            [0x01C5] = "Dz",
            [0x01C6] = "dz",
            [0x01C7] = "LJ",
            [0x01C8] = "Lj",
            [0x01C9] = "lj",
            [0x01CA] = "NJ",
            [0x01CB] = "Nj",
            [0x01CC] = "nj",
            [0x01F1] = "DZ",
            [0x01F2] = "Dz",
            [0x01F3] = "dz",
            [0x2116] = "No",
            [0x2120] = "SM",
            [0x2121] = "TEL",
            [0x2122] = "TM",
            [0x213B] = "FAX",
            [0x2469] = "10",
            [0x246A] = "11",
            [0x246B] = "12",
            [0x246C] = "13",
            [0x246D] = "14",
            [0x246E] = "15",
            [0x246F] = "16",
            [0x2470] = "17",
            [0x2471] = "18",
            [0x2472] = "19",
            [0x2473] = "20",
            [0xFB00] = "ff",
            [0xFB01] = "fi",
            [0xFB02] = "fl",
            [0xFB03] = "ffi",
            [0xFB04] = "ffl",
            [0xFB05] = "st",
            [0xFB06] = "st",
        };

        private static readonly Dictionary<int, string> Single = BuildSingle();

        /// <summary>The decomposition of a code point, or the code point itself when it has none we fold.</summary>
        public static string Decompose(int codePoint)
        {
            if (Single.TryGetValue(codePoint, out var single) || Multiple.TryGetValue(codePoint, out single))
            {
                return single;
            }

            return codePoint switch
            {
                // Fullwidth ASCII: "ｆｕｃｋ", "＠ss".
                >= 0xFF01 and <= 0xFF5E => ((char)(codePoint - 0xFEE0)).ToString(),
                // Mathematical alphanumerics: 13 styles of A-Z a-z (bold, italic, script, fraktur, ...), then digits.
                >= 0x1D400 and <= 0x1D6A3 => MathLetter((codePoint - 0x1D400) % 52).ToString(),
                >= 0x1D7CE and <= 0x1D7FF => ((char)('0' + ((codePoint - 0x1D7CE) % 10))).ToString(),
                _ => char.ConvertFromUtf32(codePoint),
            };
        }

        private static char MathLetter(int index) => index < 26 ? (char)('A' + index) : (char)('a' + index - 26);

        private static Dictionary<int, string> BuildSingle()
        {
            var map = new Dictionary<int, string>();
            foreach (var (first, folded) in SingleRows)
            {
                for (var i = 0; i < folded.Length; i++)
                {
                    if (folded[i] != '_')
                    {
                        map[first + i] = folded[i].ToString();
                    }
                }
            }

            return map;
        }
    }

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
                if (category is UnicodeCategory.Format)
                {
                    // Invisible: zero-width spaces and joiners, soft hyphens, bidi marks. Dropped like combining
                    // marks, so one inside a word ("f\u200Buck") does not split it.
                    table[code] = string.Empty;
                    continue;
                }

                if (category is UnicodeCategory.Control or UnicodeCategory.SpaceSeparator
                    or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator or UnicodeCategory.OtherNotAssigned
                    or UnicodeCategory.PrivateUse)
                {
                    table[code] = Separator;
                    continue;
                }

                var folded = Fold(code);
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
