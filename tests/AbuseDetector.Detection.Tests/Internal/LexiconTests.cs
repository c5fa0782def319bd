using AbuseDetector.Detection.Internal;

namespace AbuseDetector.Detection.Tests.Internal;

public sealed class LexiconTests
{
    [Theory]
    [InlineData("fuck")]
    [InlineData("fucking")]
    [InlineData("motherfucker")]
    [InlineData("bullshit")]
    [InlineData("shitty")] // doubled final consonant
    [InlineData("dickhead")]
    [InlineData("arsehole")]
    [InlineData("wtf")]
    [InlineData("sodding")]
    [InlineData("xmaskedx")]
    [InlineData(CharFolding.MiddleFingerToken)]
    public void IsSwear_SwearWordOrListedForm_IsTrue(string word)
    {
        // Act
        var swear = Lexicon.IsSwear(word);

        // Assert
        Assert.True(swear);
    }

    [Theory]
    [InlineData("scunthorpe")]
    [InlineData("analysis")]
    [InlineData("assessment")]
    [InlineData("assess")]
    [InlineData("class")]
    [InlineData("cocktail")]
    [InlineData("shiitake")]
    [InlineData("therapist")]
    [InlineData("dickens")]
    [InlineData("essex")]
    [InlineData("bass")]
    [InlineData("hello")]
    [InlineData("grape")]
    [InlineData("assassin")]
    [InlineData("asses")]
    [InlineData("cocks")]
    [InlineData("FUCK")] // the lexicon sees folded text only: capitals are the normalizer's job
    [InlineData("")]
    public void IsSwear_OrdinaryWord_IsFalse(string word)
    {
        // Act
        var swear = Lexicon.IsSwear(word);

        // Assert
        Assert.False(swear);
    }

    [Theory]
    [InlineData("fuck", true)]
    [InlineData("motherfucker", true)]
    [InlineData("wanker", true)]
    [InlineData("bollocks", true)]
    [InlineData("asshole", true)] // also "ass" + "hole": the strong root wins
    [InlineData("bullshit", true)] // "bull" + "shit"
    [InlineData("xmaskedx", true)] // a speech engine's mask
    [InlineData("bloody", false)]
    [InlineData("damn", false)]
    [InlineData("crap", false)]
    [InlineData("bugger", false)]
    [InlineData("arse", false)]
    [InlineData("wtf", false)]
    [InlineData("pricked", false)]
    [InlineData("cocky", false)]
    public void FlagsOf_SwearWord_StrongOnlyForStrongProfanity(string word, bool strong)
    {
        // Act
        var flags = Lexicon.FlagsOf(word);

        // Assert
        Assert.True(flags.HasFlag(TokenFlags.Swear), $"'{word}' has {flags}.");
        Assert.Equal(strong, flags.HasFlag(TokenFlags.StrongSwear));
    }

    [Theory]
    [InlineData("cocks")] // removed from the swear words, so not strong either
    [InlineData("dicks")]
    [InlineData("hello")]
    public void FlagsOf_NotASwearWord_NeverStrong(string word)
    {
        // Act
        var flags = Lexicon.FlagsOf(word);

        // Assert
        Assert.False(flags.HasFlag(TokenFlags.StrongSwear));
    }

    [Theory]
    [InlineData("idiot", "Insult")]
    [InlineData("useless", "Insult")]
    [InlineData("you're", "SecondPerson")]
    [InlineData("ur", "SecondPerson")]
    [InlineData("kill", "ThreatWord")]
    [InlineData("i'll", "Intent")]
    [InlineData("gonna", "Intent")]
    [InlineData("jaw", "BodyPart")]
    [InlineData("kneecaps", "BodyPart")]
    [InlineData("knock", "ThreatWord")]
    [InlineData("don't", "Negation")]
    [InlineData("nobody", "Negation")]
    [InlineData("traction", "Harm")]
    [InlineData("obituaries", "Harm")]
    [InlineData("courier", "Person")]
    public void FlagsOf_ListedWord_HasItsListsFlag(string word, string flag)
    {
        // Act
        var flags = Lexicon.FlagsOf(word);

        // Assert
        Assert.True(flags.HasFlag(Enum.Parse<TokenFlags>(flag)), $"'{word}' has {flags}.");
    }

    [Fact]
    public void FlagsOf_WontDeniesNothing()
    {
        // Act: "you won't see it coming" is a threat, so "won't" must not read as a denial.
        var flags = Lexicon.FlagsOf("won't");

        // Assert
        Assert.False(flags.HasFlag(TokenFlags.Negation));
    }

    [Fact]
    public void FlagsOf_UnknownWord_IsNone()
    {
        // Act
        var flags = Lexicon.FlagsOf("broadband");

        // Assert
        Assert.Equal(TokenFlags.None, flags);
    }

    [Theory]
    [InlineData("shit", true)]
    [InlineData("moron", true)]
    [InlineData("you", false)]
    [InlineData("kill", false)]
    public void IsJoinable_Word_OnlySwearAndInsultWords(string word, bool expected)
    {
        // Act
        var joinable = Lexicon.IsJoinable(word);

        // Assert
        Assert.Equal(expected, joinable);
    }

    [Theory]
    [InlineData("f***", "fuck")]
    [InlineData("f*ck", "fuck")]
    [InlineData("f**k", "fuck")]
    [InlineData("s***", "shit")]
    [InlineData("sh*t", "shit")]
    [InlineData("f**king", "fucking")]
    [InlineData("f***ing", "fucking")]
    [InlineData("a**hole", "asshole")]
    [InlineData("a**", "ass")]
    [InlineData("b****", "bitch")]
    [InlineData("c**t", "cunt")]
    [InlineData("d***", "dick")]
    [InlineData("p***", "piss")]
    public void ResolveMask_MaskedForm_ResolvesToFirstTargetWithSameLettersAndLength(string masked, string expected)
    {
        // Act
        var resolved = Lexicon.ResolveMask(masked);

        // Assert
        Assert.Equal(expected, resolved);
    }

    [Theory]
    [InlineData("****")] // no letters kept
    [InlineData("fuck")] // no asterisk
    [InlineData("x***")] // no target starts with x
    [InlineData("f*****************")] // no target that long
    public void ResolveMask_NothingFits_ReturnsNull(string masked)
    {
        // Act
        var resolved = Lexicon.ResolveMask(masked);

        // Assert
        Assert.Null(resolved);
    }

    [Theory]
    [InlineData("f-ing", "fucking")]
    [InlineData("effing", "fucking")]
    [InlineData("eff", "fuck")]
    [InlineData("a-hole", "asshole")]
    [InlineData("f-off", "fuck off")]
    public void TryGetMinced_MincedForm_GivesTheWordItStandsFor(string minced, string expected)
    {
        // Act
        var found = Lexicon.TryGetMinced(minced, out var replacement);

        // Assert
        Assert.True(found);
        Assert.Equal(expected, replacement);
    }

    [Fact]
    public void TryGetMinced_OrdinaryWord_IsFalse()
    {
        // Act
        var found = Lexicon.TryGetMinced("effort", out var replacement);

        // Assert
        Assert.False(found);
        Assert.Null(replacement);
    }
}
