using AbuseDetector.Detection.Internal;

namespace AbuseDetector.Detection.Tests.Internal;

public sealed class TextNormalizerTests
{
    // Each obfuscated form, where it sits in the sentence (counted by hand), and the flag the
    // normalizer must add besides Swear ("None": only Swear is required).
    [Theory]
    [InlineData("what the ｆｕｃｋ is this", "ｆｕｃｋ", "fuck", 9, 4, "None")] // fullwidth, NFKC
    [InlineData("what the fuсk is this", "fuсk", "fuck", 9, 4, "None")] // Cyrillic es
    [InlineData("what the FUCK is this", "FUCK", "fuck", 9, 4, "None")] // case
    [InlineData("oh sh1t that hurt", "sh1t", "shit", 3, 4, "Obfuscated")]
    [InlineData("move your @ss now", "@ss", "ass", 10, 3, "Obfuscated")]
    [InlineData("you b1tch go away", "b1tch", "bitch", 4, 5, "Obfuscated")]
    [InlineData("holy $hit it works", "$hit", "shit", 5, 4, "Obfuscated")]
    [InlineData("what the f u c k is this", "f u c k", "fuck", 9, 7, "Obfuscated")]
    [InlineData("what the f.u.c.k is this", "f.u.c.k", "fuck", 9, 7, "Obfuscated")]
    [InlineData("what the fuuuuck is this", "fuuuuck", "fuck", 9, 7, "Obfuscated")]
    [InlineData("oh shiiiit not again", "shiiiit", "shit", 3, 7, "Obfuscated")]
    [InlineData("what the f*** is this", "f***", "fuck", 9, 4, "Masked")]
    [InlineData("oh s*** not again", "s***", "shit", 3, 4, "Masked")]
    [InlineData("just **** off", "****", "xmaskedx", 5, 4, "Masked")]
    [InlineData("this f**king printer", "f**king", "fucking", 5, 7, "Masked")]
    [InlineData("you a**hole sit down", "a**hole", "asshole", 4, 7, "Masked")]
    [InlineData("this f-ing printer", "f-ing", "fucking", 5, 5, "Masked")]
    [InlineData("this effing printer", "effing", "fucking", 5, 6, "Masked")]
    [InlineData("[ __ ] off and put someone else on", "__", "xmaskedx", 2, 2, "Masked")] // caption-style mask
    [InlineData("you [__] idiot", "[__]", "xmaskedx", 4, 4, "Masked")]
    public void Normalize_ObfuscatedSwear_EmitsRealWordWithSwearFlagAndOriginalRange(
        string text, string original, string word, int start, int length, string extraFlag)
    {
        // Arrange
        var expectedFlags = TokenFlags.Swear | Enum.Parse<TokenFlags>(extraFlag);

        // Act
        var tokens = Normalized.Tokens(text);

        // Assert
        var token = Assert.Single(tokens, t => t.Text == word);
        Assert.True(token.Has(expectedFlags), $"'{word}' has flags {token.Flags}, expected {expectedFlags}.");
        Assert.Equal((start, length), (token.OrigStart, token.OrigLength));
        Assert.Equal(original, token.Original(text));
    }

    [Theory]
    [InlineData("f***")]
    [InlineData("sh1t")]
    [InlineData("fuuuuck")]
    [InlineData("f u c k")]
    public void Normalize_ObfuscatedSwearAloneInText_CoversWholeText(string text)
    {
        // Act
        var token = Assert.Single(Normalized.Tokens(text));

        // Assert
        Assert.True(token.Has(TokenFlags.Swear));
        Assert.Equal((0, text.Length), (token.OrigStart, token.OrigLength));
    }

    [Theory]
    [InlineData("f\u00FCck off", "f\u00FCck")] // precomposed u-umlaut
    [InlineData("fu\u0308ck off", "fu\u0308ck")] // u + combining diaeresis
    [InlineData("\u24D5\u24E4\u24D2\u24DA off", "\u24D5\u24E4\u24D2\u24DA")] // circled letters
    [InlineData("F\u00DC\u00C7K off", "F\u00DC\u00C7K")] // capitals with diacritics
    public void Normalize_DiacriticsAndCompatibilityForms_FoldToTheBareWord(string text, string original)
    {
        // Act
        var tokens = Normalized.Tokens(text);

        // Assert
        Assert.Equal(["fuck", "off"], tokens.Select(t => t.Text));
        Assert.True(tokens[0].Has(TokenFlags.Swear));
        Assert.Equal(original, tokens[0].Original(text));
    }

    [Theory]
    [InlineData("f\u200Buck off", "f\u200Buck")] // zero width space
    [InlineData("fu\u200Dck off", "fu\u200Dck")] // zero width joiner
    [InlineData("fu\u00ADck off", "fu\u00ADck")] // soft hyphen
    [InlineData("\u2060fuck\u2060 off", "fuck\u2060")] // word joiners around the word: the trailing one stays in the range, like a combining mark
    public void Normalize_InvisibleCharacterInsideAWord_KeepsTheWordWhole(string text, string original)
    {
        // Act
        var tokens = Normalized.Tokens(text);

        // Assert
        Assert.Equal(["fuck", "off"], tokens.Select(t => t.Text));
        Assert.True(tokens[0].Has(TokenFlags.Swear));
        Assert.Equal(original, tokens[0].Original(text));
    }

    [Fact]
    public void Normalize_FullwidthCommercialAt_CountsAsLeetspeak()
    {
        // Act: U+FF20 folds to '@', which leetspeak reads as 'a'.
        var token = Assert.Single(Normalized.Tokens("\uFF20ss"));

        // Assert
        Assert.Equal("ass", token.Text);
        Assert.True(token.Has(TokenFlags.Swear | TokenFlags.Obfuscated));
    }

    [Theory]
    [InlineData("fuck off")]
    [InlineData("f*** you")]
    [InlineData("idiot!")]
    [InlineData("u")]
    public void Normalize_TextOfAtMostEightCharactersInAdvertisedBuffers_EmitsItsTokens(string text)
    {
        // Arrange: exactly the sizes the feature matrix allocates for one text.
        var output = new char[TextNormalizer.OutputCapacityFor(text.Length)];
        var tokens = new TokenInfo[TextNormalizer.TokenCapacityFor(text.Length)];

        // Act
        var stats = TextNormalizer.Normalize(text, output, tokens);

        // Assert
        Assert.Equal(text.Split(' ').Length, stats.TokenCount);
    }

    [Fact]
    public void Normalize_MincedPhrase_EmitsEveryWordOverTheSameRange()
    {
        // Arrange
        const string Text = "just f-off now";

        // Act
        var tokens = Normalized.Tokens(Text);

        // Assert
        Assert.Equal(["just", "fuck", "off", "now"], tokens.Select(t => t.Text));
        Assert.True(tokens[1].Has(TokenFlags.Swear | TokenFlags.Masked));
        Assert.Equal("f-off", tokens[1].Original(Text));
        Assert.Equal("f-off", tokens[2].Original(Text));
    }

    [Theory]
    [InlineData("Scunthorpe")]
    [InlineData("analysis")]
    [InlineData("assessment")]
    [InlineData("class")]
    [InlineData("cocktail")]
    [InlineData("shiitake")]
    [InlineData("therapist")]
    [InlineData("Dickens")]
    [InlineData("Essex")]
    [InlineData("bass")]
    [InlineData("hello")]
    [InlineData("grape")]
    [InlineData("I'll assess the class")]
    [InlineData("the Scunthorpe office sent an assessment of the cocktail bar in Essex")]
    [InlineData("Middlesex Sussex cockpit Arsenal assassin classic passion scrapbook titanic")]
    [InlineData("cl@ss gr4pe SCUNTHORPE Class")]
    public void Normalize_ScunthorpeWords_HaveNoSwearFlag(string text)
    {
        // Act
        var tokens = Normalized.Tokens(text);

        // Assert
        Assert.NotEmpty(tokens);
        Assert.Empty(tokens.Where(t => t.Has(TokenFlags.Swear)).Select(t => t.Text));
    }

    [Fact]
    public void Normalize_StretchedOrdinaryWord_KeepsTheWordAndNoSwearFlag()
    {
        // Act
        var token = Assert.Single(Normalized.Tokens("shiiiitake"));

        // Assert: runs collapse to two letters when one letter makes no lexicon word.
        Assert.Equal("shiitake", token.Text);
        Assert.False(token.Has(TokenFlags.Swear));
        Assert.True(token.Has(TokenFlags.Obfuscated));
    }

    [Theory]
    [InlineData("0800")]
    [InlineData("42")]
    [InlineData("1234567890")]
    public void Normalize_DigitsOnlyToken_BecomesHash(string digits)
    {
        // Act
        var token = Assert.Single(Normalized.Tokens(digits));

        // Assert
        Assert.Equal("#", token.Text);
        Assert.Equal((0, digits.Length), (token.OrigStart, token.OrigLength));
    }

    [Fact]
    public void Normalize_SentenceWithNumbers_ReplacesOnlyTheNumbers()
    {
        // Act
        var words = Normalized.Words("flight 370 is late, ref abc123");

        // Assert
        Assert.Equal(["flight", "#", "is", "late", "ref", "abc123"], words);
    }

    [Theory]
    [InlineData("you're", "you're")]
    [InlineData("you\u2019re", "you're")]
    [InlineData("your", "your")]
    [InlineData("YOUR", "your")]
    [InlineData("u", "u")]
    public void Normalize_SecondPersonWords_CarrySecondPersonFlag(string text, string word)
    {
        // Act
        var token = Assert.Single(Normalized.Tokens(text));

        // Assert
        Assert.Equal(word, token.Text);
        Assert.True(token.Has(TokenFlags.SecondPerson));
    }

    [Fact]
    public void Normalize_LexiconWords_CarryTheirFlags()
    {
        // Act
        var tokens = Normalized.Tokens("i'll kill you idiot");

        // Assert
        Assert.True(tokens[0].Has(TokenFlags.Intent));
        Assert.True(tokens[1].Has(TokenFlags.ThreatWord));
        Assert.True(tokens[2].Has(TokenFlags.SecondPerson));
        Assert.True(tokens[3].Has(TokenFlags.Insult));
    }

    [Fact]
    public void Normalize_MixedWhitespace_GivesEachWordItsExactRange()
    {
        // Arrange: "you" 0..3, tab, "idiot" 4..9, CR LF, "now" 11..14.
        const string Text = "you\tidiot\r\nnow";

        // Act
        var tokens = Normalized.Tokens(Text);

        // Assert
        Assert.Equal(
            [("you", 0, 3), ("idiot", 4, 5), ("now", 11, 3)],
            tokens.Select(t => (t.Text, t.OrigStart, t.OrigLength)));
    }

    [Fact]
    public void Normalize_Punctuation_IsNotPartOfTheRange()
    {
        // Arrange
        const string Text = "\"idiot!\" (moron), f.u.c.k.";

        // Act
        var tokens = Normalized.Tokens(Text);

        // Assert
        Assert.Equal(["idiot", "moron", "fuck"], tokens.Select(t => t.Text));
        Assert.Equal(["idiot", "moron", "f.u.c.k"], tokens.Select(t => t.Original(Text)));
    }

    [Theory]
    // The separator goes in as UTF-16 code units in hex: xUnit names a case by its arguments, and two lone surrogates
    // written as strings got the same name, so one of them never ran.
    [InlineData("D83D DE00")] // emoji between the words
    [InlineData("00A0")] // no-break space
    [InlineData("2028")] // line separator
    [InlineData("0085")] // C1 control
    [InlineData("D800")] // lone high surrogate
    [InlineData("DC00")] // lone low surrogate
    public void Normalize_SeparatorOtherThanSpace_SplitsAndIsLeftOutOfBothRanges(string separatorCodeUnits)
    {
        // Arrange
        var separator = string.Concat(separatorCodeUnits.Split(' ').Select(unit => (char)Convert.ToUInt16(unit, 16)));
        var text = "you" + separator + "idiot";

        // Act
        var tokens = Normalized.Tokens(text);

        // Assert
        Assert.Equal(2, tokens.Count);
        Assert.Equal("you", tokens[0].Original(text));
        Assert.Equal("idiot", tokens[1].Original(text));
    }

    [Fact]
    public void Normalize_LoneSurrogates_AreSeparators()
    {
        // Act
        var before = Assert.Single(Normalized.Tokens("\uD800abc"));
        var after = Assert.Single(Normalized.Tokens("abc\uDC00"));

        // Assert
        Assert.Equal(("abc", 1, 3), (before.Text, before.OrigStart, before.OrigLength));
        Assert.Equal(("abc", 0, 3), (after.Text, after.OrigStart, after.OrigLength));
    }

    [Fact]
    public void Normalize_MiddleFingerEmoji_IsASwearTokenOverBothCodeUnits()
    {
        // Arrange: U+1F595 is a surrogate pair.
        const string Text = "\uD83D\uDD95 you";

        // Act
        var tokens = Normalized.Tokens(Text);

        // Assert
        Assert.Equal(CharFolding.MiddleFingerToken, tokens[0].Text);
        Assert.True(tokens[0].Has(TokenFlags.Swear));
        Assert.Equal((0, 2), (tokens[0].OrigStart, tokens[0].OrigLength));
        Assert.Equal("you", tokens[1].Original(Text));
    }

    [Fact]
    public void Normalize_AstralLetters_FoldAndKeepTheirRange()
    {
        // Arrange: mathematical bold "idiot", each letter a surrogate pair.
        const string Text = "\uD835\uDC22\uD835\uDC1D\uD835\uDC22\uD835\uDC28\uD835\uDC2D now";

        // Act
        var tokens = Normalized.Tokens(Text);

        // Assert
        Assert.Equal(("idiot", 0, 10), (tokens[0].Text, tokens[0].OrigStart, tokens[0].OrigLength));
        Assert.True(tokens[0].Has(TokenFlags.Insult));
        Assert.Equal(("now", 11, 3), (tokens[1].Text, tokens[1].OrigStart, tokens[1].OrigLength));
    }

    [Fact]
    public void Normalize_SpacedLettersThenWord_JoinsOnlyTheLetters()
    {
        // Arrange
        const string Text = "a f u c k you";

        // Act
        var tokens = Normalized.Tokens(Text);

        // Assert: "afuck" is no word, so the join starts at "f".
        Assert.Equal(["a", "fuck", "you"], tokens.Select(t => t.Text));
        Assert.Equal("f u c k", tokens[1].Original(Text));
        Assert.True(tokens[1].Has(TokenFlags.Swear | TokenFlags.Obfuscated));
    }

    [Theory]
    [InlineData("the reference is a s s e s s m e n t")]
    [InlineData("surname h a n c o c k")]
    [InlineData("d i c k s o n with a k")]
    [InlineData("s c u n t h o r p e")]
    [InlineData("d i c k s o n")]
    [InlineData("c l a s s")]
    public void Normalize_CleanWordSpelledOut_NoSwearJoinedFromInsideIt(string text)
    {
        // Act
        var tokens = Normalized.Tokens(text);

        // Assert: the lexicon word inside the run ("ass", "cock", "dick", "cunt") is part of a longer spelled word.
        Assert.DoesNotContain(tokens, t => t.Has(TokenFlags.Obfuscated));
        Assert.DoesNotContain(tokens, t => t.Has(TokenFlags.Swear));
    }

    [Theory]
    [InlineData("u f u c k", new[] { "u", "fuck" })]
    [InlineData("f u c k u", new[] { "fuck", "u" })]
    [InlineData("i said f u c k o f f", new[] { "i", "said", "fuckoff" })]
    [InlineData("y o u c u n t", new[] { "you", "cunt" })]
    [InlineData("u r a c u n t", new[] { "ur", "a", "cunt" })]
    [InlineData("f u c k i n g i d i o t", new[] { "fucking", "idiot" })]
    public void Normalize_SpelledSwearWithAShortWordBeside_StillJoins(string text, string[] words)
    {
        // Act
        var tokens = Normalized.Tokens(text);

        // Assert
        Assert.Equal(words, tokens.Select(t => t.Text));
    }

    [Fact]
    public void Normalize_SpacedLettersOfNoWord_StaySeparate()
    {
        // Act
        var words = Normalized.Words("x y z q");

        // Assert
        Assert.Equal(["x", "y", "z", "q"], words);
    }

    [Fact]
    public void Normalize_Text_CountsLettersCapitalsAndExclamations()
    {
        // Arrange: letters S T O P i t N O W (9), capitals 7, three '!'.
        const string Text = "STOP it NOW!!!";

        // Act
        Normalized.Tokens(Text, out var stats);

        // Assert
        Assert.Equal(new NormalizationStats(3, 9, 7, 3), stats);
    }

    [Fact]
    public void Normalize_Empty_EmitsNothing()
    {
        // Act
        var tokens = Normalized.Tokens("", out var stats);

        // Assert
        Assert.Empty(tokens);
        Assert.Equal(new NormalizationStats(0, 0, 0, 0), stats);
    }

    [Fact]
    public void Normalize_LongWordWithoutSpaces_IsCutIntoPiecesOfAtMost64Characters()
    {
        // Arrange
        var text = new string('x', 1000);

        // Act
        var tokens = Normalized.Tokens(text);

        // Assert: 1000 = 15 × 64 + 40, the pieces tile the text.
        Assert.Equal(16, tokens.Count);
        Assert.All(tokens, t => Assert.True(t.OrigLength <= 64));
        Assert.Equal(1000, tokens.Sum(t => t.OrigLength));
    }

    public static TheoryData<string> HostileTexts() =>
    [
        "",
        " \t\r\n ",
        "\0\u0001\u0002\u001F\u007F\u0080\u009F",
        "\uD800abc",
        "abc\uDC00",
        "\uDC00\uD800",
        "\uD83D\uDE00\uD83D\uDD95\uD83D\uDE21!!!",
        string.Concat(Enumerable.Repeat("\uFDFA", 500)),
        string.Concat(Enumerable.Repeat("\uD83D\uDD95", 500)),
        string.Concat(Enumerable.Repeat("f u c k ", 500)),
        new string('*', 3000),
        "e" + new string('\u0301', 2000),
        string.Concat(Enumerable.Repeat("f-off ", 500)),
        string.Concat(Enumerable.Repeat("\uFB01", 3000)),
    ];

    [Theory]
    [MemberData(nameof(HostileTexts))]
    public void Normalize_HostileText_TokensAreNonEmptyOrderedAndInsideTheText(string text)
    {
        // Act
        var tokens = Normalized.Tokens(text);

        // Assert
        var previousStart = 0;
        foreach (var token in tokens)
        {
            Assert.NotEmpty(token.Text);
            Assert.InRange(token.OrigLength, 1, text.Length);
            Assert.InRange(token.OrigStart, previousStart, text.Length - token.OrigLength);
            previousStart = token.OrigStart;
        }
    }

    [Theory]
    [InlineData("_")]
    [InlineData("[ _ ]")]
    [InlineData("snake_case")]
    public void Normalize_SingleUnderscoreOrWordWithUnderscore_IsNotAMask(string text)
    {
        // Act
        var tokens = Normalized.Tokens(text);

        // Assert
        Assert.DoesNotContain(tokens, t => t.Text == "xmaskedx");
    }
}
