using AbuseDetector.Detection.Internal;

namespace AbuseDetector.Detection.Tests.Internal;

public sealed class CharFoldingTests
{
    [Theory]
    [InlineData('A', 'a')]
    [InlineData('Z', 'z')]
    [InlineData('q', 'q')]
    [InlineData('7', '7')]
    [InlineData('@', '@')]
    public void FoldAscii_Character_LowersOnlyCapitals(char input, char expected)
    {
        // Act
        var folded = CharFolding.FoldAscii(input);

        // Assert
        Assert.Equal(expected, folded);
    }

    [Theory]
    [InlineData('\uFF46', "f")] // fullwidth f
    [InlineData('\uFF21', "a")] // fullwidth A
    [InlineData('\uFF20', "@")] // fullwidth commercial at
    [InlineData('\u00E9', "e")] // e acute
    [InlineData('\u00DC', "u")] // U diaeresis
    [InlineData('\u0130', "i")] // I with dot above
    [InlineData('\u017F', "s")] // long s
    [InlineData('\u0441', "c")] // Cyrillic es
    [InlineData('\u0421', "c")] // Cyrillic capital es
    [InlineData('\u0391', "a")] // Greek capital alpha
    [InlineData('\u03BF', "o")] // Greek omicron
    [InlineData('\u24D0', "a")] // circled a
    [InlineData('\u24B6', "a")] // circled A
    [InlineData('\uFB01', "fi")] // fi ligature
    [InlineData('\u00B2', "2")] // superscript two
    [InlineData('\u2019', "'")] // right single quotation mark
    [InlineData('\u02BC', "'")] // modifier letter apostrophe
    public void FoldBmp_LookAlikeOrCompatibilityCharacter_FoldsToLatin(char input, string expected)
    {
        // Act
        var folded = CharFolding.FoldBmp(input);

        // Assert
        Assert.Equal(expected, folded);
    }

    [Theory]
    [InlineData('\u00A0')] // no-break space
    [InlineData('\u2003')] // em space
    [InlineData('\u2028')] // line separator
    [InlineData('\u2029')] // paragraph separator
    [InlineData('\u0085')] // next line (C1 control)
    [InlineData('\uE000')] // private use
    [InlineData('\u0378')] // unassigned
    public void FoldBmp_SeparatorOrControl_IsSeparator(char input)
    {
        // Act
        var folded = CharFolding.FoldBmp(input);

        // Assert
        Assert.Equal(CharFolding.Separator, folded);
    }

    [Theory]
    [InlineData('\u0301')] // combining acute accent
    [InlineData('\u0308')] // combining diaeresis
    [InlineData('\u20DD')] // combining enclosing circle
    [InlineData('\u200B')] // zero width space
    [InlineData('\u200D')] // zero width joiner
    [InlineData('\u00AD')] // soft hyphen
    [InlineData('\u2060')] // word joiner
    [InlineData('\uFEFF')] // byte order mark
    public void FoldBmp_CombiningMarkOrInvisibleFormatCharacter_IsDropped(char input)
    {
        // Act
        var folded = CharFolding.FoldBmp(input);

        // Assert
        Assert.Equal("", folded);
    }

    [Theory]
    [InlineData('\u00DF')] // sharp s: lower case already, no decomposition
    [InlineData('\u4E2D')] // CJK ideograph
    [InlineData('\u0436')] // Cyrillic zhe: no Latin twin
    public void FoldBmp_CharacterWithNothingToFold_IsKept(char input)
    {
        // Act
        var folded = CharFolding.FoldBmp(input);

        // Assert
        Assert.Null(folded);
    }

    [Theory]
    [InlineData(0x1D41F, "f")] // mathematical bold small f
    [InlineData(0x1D405, "f")] // mathematical bold capital F
    [InlineData(0x1D5BF, "f")] // mathematical sans-serif small f (0x1D5A0 + 26 + 5)
    [InlineData(0x1D7D5, "7")] // mathematical bold digit seven
    [InlineData(0x1F595, CharFolding.MiddleFingerToken)]
    [InlineData(0x1F600, CharFolding.Separator)] // grinning face
    [InlineData(0x1F4A9, CharFolding.Separator)] // pile of poo
    public void FoldAstral_SurrogatePair_FoldsLettersAndSeparatesSymbols(int codePoint, string expected)
    {
        // Arrange
        var pair = char.ConvertFromUtf32(codePoint);

        // Act
        var folded = CharFolding.FoldAstral(pair[0], pair[1]);

        // Assert
        Assert.Equal(expected, folded);
    }
}
