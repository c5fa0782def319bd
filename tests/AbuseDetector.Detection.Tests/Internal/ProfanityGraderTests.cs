using AbuseDetector.Detection.Internal;

namespace AbuseDetector.Detection.Tests.Internal;

public sealed class ProfanityGraderTests
{
    [Theory]
    [InlineData("fuck this fucking printer")]
    [InlineData("this shit is broken again")]
    [InlineData("oh bollocks")]
    [InlineData("what a load of bullshit")] // "bull" + "shit"
    [InlineData("the piss-poor service")]
    [InlineData("sh1t service")]
    [InlineData("what the f u c k")]
    [InlineData("what the f*** is going on")]
    [InlineData("this a**hole of a printer")]
    [InlineData("the **** thing is broken")]
    [InlineData("this [ __ ] printer")]
    [InlineData("this effing printer")]
    [InlineData("bloody hell, fuck it")] // the strongest word counts
    public void Grade_StrongSwearOfTheSpeakersOwn_Strong(string text)
    {
        Assert.Equal(ProfanityStrength.Strong, Grade(text));
    }

    [Theory]
    [InlineData("this bloody printer")]
    [InlineData("damn it all")]
    [InlineData("oh crap")]
    [InlineData("bugger")]
    [InlineData("sod it")]
    [InlineData("my arse")]
    [InlineData("wtf is this bill")] // the acronym avoids the word
    [InlineData("i pricked my finger")] // an ordinary word, though the lexicon lists it
    [InlineData("what the hell")] // no swear word the lexicon knows, flagged by the model all the same
    public void Grade_MildOrUnknownSwearing_Mild(string text)
    {
        Assert.Equal(ProfanityStrength.Mild, Grade(text));
    }

    [Theory]
    [InlineData("he called me a fucking idiot")]
    [InlineData("your engineer kept calling me a twat")]
    [InlineData("she told me to fuck off")]
    [InlineData("he said i was a useless prick")]
    [InlineData("the last agent said he was a lazy bastard")]
    [InlineData("he said i'm a bitch")]
    [InlineData("my manager called me a bloody idiot")]
    public void Grade_SwearingOnlyInReportedSpeech_None(string text)
    {
        Assert.Equal(ProfanityStrength.None, Grade(text));
    }

    [Theory]
    [InlineData("he called me a twat. fucking ridiculous", ProfanityStrength.Strong)] // a new sentence is the caller's again
    [InlineData("he called me a twat! damn", ProfanityStrength.Mild)]
    [InlineData("fuck, he called me a twat", ProfanityStrength.Strong)] // before the cue
    [InlineData("he called my shitty phone", ProfanityStrength.Strong)] // "called my" reports nothing
    [InlineData("i said fuck it", ProfanityStrength.Strong)] // "said" alone is not a cue: the caller's own words
    public void Grade_SwearingAroundReportedSpeech_CountsWhatIsOutsideIt(string text, ProfanityStrength expected)
    {
        Assert.Equal(expected, Grade(text));
    }

    [Theory]
    [InlineData("fuck this fucking printer")]
    [InlineData("this bloody printer")]
    public void Grade_SwearingNotFlaggedByTheModel_None(string text)
    {
        Assert.Equal(ProfanityStrength.None, Grade(text, flaggedSwearing: false));
    }

    private static ProfanityStrength Grade(string text, bool flaggedSwearing = true)
    {
        var output = new char[TextNormalizer.OutputCapacityFor(text.Length)];
        var tokens = new TokenInfo[TextNormalizer.TokenCapacityFor(text.Length)];
        var stats = TextNormalizer.Normalize(text, output, tokens);
        return ProfanityGrader.Grade(flaggedSwearing, text, output, tokens.AsSpan(0, stats.TokenCount));
    }
}
