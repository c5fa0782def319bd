namespace AbuseDetector.Detection.Tests;

/// <summary>
/// The committed models/default.model on sentences of our own: a retrain that stops catching a plain threat,
/// or starts flagging "kill the process", fails here before it ships.
/// </summary>
public sealed class DefaultModelTests
{
    private static readonly Lazy<AbuseClassifier> Model = new(() => AbuseClassifier.Load(FindModel()));

    [Theory]
    [InlineData("i'm going to break your jaw you stupid bitch")]
    [InlineData("i know where you live and i'm coming for you")]
    [InlineData("i will find you and hurt you")]
    [InlineData("i'll smash your face in")]
    [InlineData("keep talking and your family will be reading your obituary")]
    [InlineData("one more excuse and you'll be leaving that office in an ambulance")]
    public void Score_ThreatOfViolence_FlagsThreatAndDirectedAbuse(string text)
    {
        // Act
        var scores = Model.Value.Score(text);

        // Assert
        Assert.True(scores.IsFlagged(AbuseCategory.Threat), $"threat {scores[AbuseCategory.Threat]:F3}: {text}");
        Assert.True(scores.IsFlagged(AbuseCategory.Directed), $"directed {scores[AbuseCategory.Directed]:F3}: {text}");
    }

    [Theory]
    [InlineData("kill the process and restart the router")]
    [InlineData("shoot me an email with the reference number")]
    [InlineData("I'll cancel my contract and call my lawyer")]
    [InlineData("this is killing me honestly")]
    [InlineData("thank you so much for your help today")]
    [InlineData("my flight from scunthorpe was delayed")]
    [InlineData("could you send the assessment to my therapist")]
    [InlineData("my son is on crutches so please leave the parcel at the door")]
    [InlineData("my dad's funeral is on friday so i need the account closed")]
    [InlineData("i'm calling from the hospital car park so the line might drop")]
    public void Score_CleanCallLanguage_FlagsNothing(string text)
    {
        // Act
        var scores = Model.Value.Score(text);

        // Assert
        Assert.Equal(AbuseFlags.None, scores.Flags);
    }

    [Theory]
    [InlineData("this bloody printer keeps jamming")]
    [InlineData("what the f*** is going on with my bill")]
    [InlineData("sh1t service")]
    public void Score_VentingAtASituation_FlagsSwearingOnly(string text)
    {
        // Act
        var scores = Model.Value.Score(text);

        // Assert
        Assert.Equal(AbuseFlags.Swearing, scores.Flags);
    }

    [Theory]
    [InlineData("fuck this fucking printer", ProfanityStrength.Strong)]
    [InlineData("what the f*** is going on with my bill", ProfanityStrength.Strong)]
    [InlineData("this bloody printer keeps jamming", ProfanityStrength.Mild)]
    [InlineData("thank you so much for your help today", ProfanityStrength.None)]
    public void Classify_CallerVenting_GradesTheSwearing(string text, ProfanityStrength expected)
    {
        // Act
        var result = Model.Value.Classify(text);

        // Assert
        Assert.Equal(expected, result.Profanity);
    }

    [Theory]
    [InlineData("you are a useless fucking idiot", AbuseFlags.Insult)]
    [InlineData("you absolute muppet", AbuseFlags.Insult)]
    [InlineData("f u c k you", AbuseFlags.Swearing)]
    [InlineData("go back to your own country you people", AbuseFlags.Hate)]
    public void Score_AbuseAtTheAgent_FlagsCategoryAndDirectedAbuseButNoThreat(string text, AbuseFlags category)
    {
        // Act
        var scores = Model.Value.Score(text);

        // Assert
        Assert.True((scores.Flags & category) == category, $"{scores.Flags}: {text}");
        Assert.True(scores.IsFlagged(AbuseCategory.Abusive) && scores.IsFlagged(AbuseCategory.Directed), $"{scores.Flags}: {text}");
        Assert.False(scores.IsFlagged(AbuseCategory.Threat), $"threat {scores[AbuseCategory.Threat]:F3}: {text}");
    }

    [Fact]
    public void Classify_InsultAtAgent_EvidenceCoversTheInsultingWords()
    {
        // Arrange
        const string Text = "listen here you are a useless idiot";

        // Act
        var result = Model.Value.Classify(Text);

        // Assert
        var insult = result.Evidence.Where(e => e.Category == AbuseCategory.Insult).Select(e => Text.Substring(e.Start, e.Length)).ToList();
        Assert.NotEmpty(insult);
        Assert.Contains(insult, span => span.Contains("idiot", StringComparison.Ordinal) || span.Contains("useless", StringComparison.Ordinal));
        Assert.DoesNotContain(insult, span => span.Contains("listen", StringComparison.Ordinal));
    }

    private static string FindModel() => RepositoryFiles.Find("models/default.model");
}
