using AbuseDetector.Detection.Internal;
using AbuseDetector.Tests;

namespace AbuseDetector.Detection.Tests;

public sealed class AbuseClassifierTests
{
    private const int OneMegabyte = 1 << 20;

    /// <summary>Inputs a transcript pipeline or an attacker could send; built by name so test names stay short.</summary>
    public static TheoryData<string> HostileInputs() =>
    [
        "empty",
        "whitespace",
        "control-characters",
        "nul-characters",
        "lone-high-surrogate",
        "lone-low-surrogate",
        "reversed-surrogates",
        "emoji",
        "megabyte-of-words",
        "megabyte-without-spaces",
        "megabyte-of-middle-fingers",
        "megabyte-of-asterisks",
        "megabyte-of-digits",
        "megabyte-of-spaced-letters",
        "megabyte-of-ligature-expansions",
        "megabyte-of-combining-marks",
        "megabyte-of-lone-surrogates",
        "megabyte-of-single-letters",
    ];

    [Theory]
    [MemberData(nameof(HostileInputs))]
    public void Score_HostileInput_ProbabilitiesStayBetweenZeroAndOne(string input)
    {
        // Arrange
        var classifier = new AbuseClassifier(TestModels.Random(seed: 17));
        var text = Build(input);

        // Act
        var scores = classifier.Score(text);

        // Assert
        foreach (var category in AbuseCategories.All)
        {
            Assert.InRange(scores[category], 0f, 1f);
        }
    }

    [Theory]
    [MemberData(nameof(HostileInputs))]
    public void Classify_HostileInput_EvidenceLiesInsideTheText(string input)
    {
        // Arrange: every weight positive, so every category is flagged and every token is evidence.
        var classifier = new AbuseClassifier(TestModels.Uniform(weight: 1));
        var text = Build(input);

        // Act
        var result = classifier.Classify(text);

        // Assert
        foreach (var category in AbuseCategories.All)
        {
            Assert.InRange(result.Scores[category], 0f, 1f);
        }

        foreach (var span in result.Evidence)
        {
            Assert.InRange(span.Length, 1, text.Length);
            Assert.InRange(span.Start, 0, text.Length - span.Length);
        }
    }

    [Theory]
    [MemberData(nameof(HostileInputs))]
    public void PredictToxicSpans_HostileInput_SpansLieInsideTheText(string input)
    {
        // Arrange
        var classifier = new AbuseClassifier(TestModels.Random(seed: 19));
        var text = Build(input);

        // Act
        var spans = classifier.PredictToxicSpans(text, threshold: 0f);

        // Assert
        foreach (var (start, length) in spans)
        {
            Assert.InRange(length, 1, text.Length);
            Assert.InRange(start, 0, text.Length - length);
        }
    }

    [Fact]
    public void Classify_KeyedSwearWord_EvidenceIsExactlyThatWord()
    {
        // Arrange: only the swearing head knows "fucking"; "f***ing" sits at 23..30 of the text.
        var classifier = new AbuseClassifier(TestModels.Keyed(hashBits: 16, bias: -2f, scale: 0.01f, (AbuseCategory.Swearing, "fucking")));
        const string Text = "thanks for nothing you f***ing idiot";

        // Act
        var result = classifier.Classify(Text);

        // Assert
        Assert.Equal(AbuseFlags.Swearing, result.Flags);
        var evidence = Assert.Single(result.Evidence);
        Assert.Equal(AbuseCategory.Swearing, evidence.Category);
        Assert.Equal((23, 7), (evidence.Start, evidence.Length));
        Assert.True(evidence.Weight > 0);
    }

    [Fact]
    public void Classify_TwoCategoriesKeyedOnDifferentWords_EachGetsOnlyItsOwnWord()
    {
        // Arrange: the evidence of both flags comes from one pass; "kill" is at 7..11 and "fucking" at 20..27.
        var classifier = new AbuseClassifier(TestModels.Keyed(hashBits: 16, bias: -2f, scale: 0.01f, (AbuseCategory.Swearing, "fucking"), (AbuseCategory.Threat, "kill")));
        const string Text = "i will kill you you fucking moron";

        // Act
        var result = classifier.Classify(Text);

        // Assert
        Assert.Equal(AbuseFlags.Swearing | AbuseFlags.Threat, result.Flags);
        Assert.Equal(
            [(AbuseCategory.Swearing, 20, 7), (AbuseCategory.Threat, 7, 4)],
            result.Evidence.Select(e => (e.Category, e.Start, e.Length)));
    }

    [Fact]
    public void Classify_KeyedWordsInTwoPlaces_GivesOneSpanEach()
    {
        // Arrange
        var classifier = new AbuseClassifier(TestModels.Keyed(hashBits: 16, bias: -2f, scale: 0.01f, (AbuseCategory.Insult, "idiot")));
        const string Text = "idiot, you are an idiot";

        // Act
        var result = classifier.Classify(Text);

        // Assert
        Assert.Equal([(0, 5), (18, 5)], result.Evidence.Select(e => (e.Start, e.Length)));
        Assert.All(result.Evidence, e => Assert.Equal(AbuseCategory.Insult, e.Category));
    }

    [Fact]
    public void Classify_KeyedModelOnCleanText_FlagsNothingAndHasNoEvidence()
    {
        // Arrange: σ(-2) ≈ 0.12 on every head.
        var classifier = new AbuseClassifier(TestModels.Keyed(hashBits: 16, bias: -2f, scale: 0.01f, (AbuseCategory.Swearing, "fucking")));

        // Act
        var result = classifier.Classify("could you check my broadband please");

        // Assert
        Assert.Equal(AbuseFlags.None, result.Flags);
        Assert.Empty(result.Evidence);
    }

    [Fact]
    public void Classify_AnyText_ScoresLikeScore()
    {
        // Arrange
        var classifier = new AbuseClassifier(TestModels.Random(seed: 23));
        const string Text = "you absolute f***ing muppet, I'll find where you live";

        // Act
        var classified = classifier.Classify(Text);
        var scored = classifier.Score(Text);

        // Assert
        Assert.Equal(scored, classified.Scores);
    }

    [Fact]
    public void Score_ZeroWeights_ProbabilityIsTheCalibratedBias()
    {
        // Arrange: p = σ(slope · bias + intercept) = σ(2 · 1 − 0.5) = σ(1.5) for the swearing head.
        var group = TestModels.Group(AbuseClassifier.ProductGroup, TestModels.ProductHeads, TestModels.SmallHashBits,
            TestModels.Weights(6, TestModels.SmallHashBits), biases: [1f, 0f, 0f, 0f, 0f, 0f], slopes: [2f, 1f, 1f, 1f, 1f, 1f],
            intercepts: [-0.5f, 0f, 0f, 0f, 0f, 0f]);
        var classifier = new AbuseClassifier(TestModels.Model(group));

        // Act
        var scores = classifier.Score("whatever is said");

        // Assert
        Assert.Equal(1 / (1 + Math.Exp(-1.5)), scores[AbuseCategory.Swearing], 5);
        Assert.Equal(0.5f, scores[AbuseCategory.Insult]);
    }

    [Fact]
    public void Score_ProbabilityExactlyAtThreshold_IsFlagged()
    {
        // Arrange: bias 0 gives σ(0) = 0.5, the threshold.
        var classifier = new AbuseClassifier(TestModels.BiasOnly([0f, -5f, -5f, -5f, -5f, -5f]));

        // Act
        var scores = classifier.Score("hello");

        // Assert
        Assert.Equal(AbuseFlags.Swearing, scores.Flags);
        Assert.True(scores.IsFlagged(AbuseCategory.Swearing));
        Assert.False(scores.IsFlagged(AbuseCategory.Insult));
    }

    [Theory]
    [InlineData(5f, "what the f*** is this", ProfanityStrength.Strong)]
    [InlineData(5f, "this bloody printer", ProfanityStrength.Mild)]
    [InlineData(5f, "he called me a twat", ProfanityStrength.None)]
    [InlineData(-5f, "what the f*** is this", ProfanityStrength.None)] // the lexicon never flags swearing on its own
    public void Classify_SwearingFlaggedOrNot_GradesTheSpeakersOwnProfanity(float swearingBias, string text, ProfanityStrength expected)
    {
        // Arrange: swearing flagged or not whatever the text; insult always flagged, so Classify never stops early.
        var classifier = new AbuseClassifier(TestModels.BiasOnly([swearingBias, 5f, -5f, -5f, -5f, -5f]));

        // Act
        var result = classifier.Classify(text);

        // Assert
        Assert.Equal(expected, result.Profanity);
    }

    [Fact]
    public void Classify_NothingFlagged_NoProfanity()
    {
        // Arrange
        var classifier = new AbuseClassifier(TestModels.BiasOnly([-5f, -5f, -5f, -5f, -5f, -5f]));

        // Act
        var result = classifier.Classify("fuck this");

        // Assert
        Assert.Equal(AbuseFlags.None, result.Flags);
        Assert.Equal(ProfanityStrength.None, result.Profanity);
    }

    [Fact]
    public void Score_DirectedWithoutAnyAbuse_IsNotFlaggedButKeepsItsProbability()
    {
        // Arrange: swearing and directed high, insult/threat/hate/abusive low.
        var classifier = new AbuseClassifier(TestModels.BiasOnly([5f, -5f, -5f, -5f, -5f, 5f]));

        // Act
        var scores = classifier.Score("this bloody printer");

        // Assert
        Assert.Equal(AbuseFlags.Swearing, scores.Flags);
        Assert.True(scores[AbuseCategory.Directed] > 0.99f);
    }

    [Theory]
    [InlineData(1)] // insult
    [InlineData(2)] // threat
    [InlineData(3)] // hate
    public void Score_DirectedWithAbuse_IsFlagged(int abuseHead)
    {
        // Arrange
        float[] biases = [-5f, -5f, -5f, -5f, -5f, 5f];
        biases[abuseHead] = 5f;
        var classifier = new AbuseClassifier(TestModels.BiasOnly(biases));

        // Act
        var scores = classifier.Score("them");

        // Assert
        Assert.Equal(AbuseFlags.Directed | ((AbuseCategory)abuseHead).ToFlag(), scores.Flags);
    }

    [Fact]
    public void Score_AbusiveWithoutSwearingInsultThreatOrHate_FlagsNothing()
    {
        // Arrange: the broad heads say abuse aimed at someone; none of the content heads agrees.
        var classifier = new AbuseClassifier(TestModels.BiasOnly([-5f, -5f, -5f, -5f, 5f, 5f]));

        // Act
        var scores = classifier.Score("nobody will tell me why");

        // Assert
        Assert.Equal(AbuseFlags.None, scores.Flags);
    }

    [Fact]
    public void Score_AbusiveWithSwearing_KeepsAbusiveAndDirected()
    {
        // Arrange
        var classifier = new AbuseClassifier(TestModels.BiasOnly([5f, -5f, -5f, -5f, 5f, 5f]));

        // Act
        var scores = classifier.Score("them");

        // Assert
        Assert.Equal(AbuseFlags.Swearing | AbuseFlags.Abusive | AbuseFlags.Directed, scores.Flags);
    }

    [Theory]
    [InlineData("are you stupid")]
    [InlineData("well done genius, your advice was useless")]
    [InlineData("u muppet")]
    public void Score_InsultSaidToYouWithoutTheDirectedHead_IsDirectedAbuse(string text)
    {
        // Arrange: the insult head says yes, the directed and abusive heads no.
        var classifier = new AbuseClassifier(TestModels.BiasOnly([-5f, 5f, -5f, -5f, -5f, -5f]));

        // Act
        var scores = classifier.Score(text);

        // Assert
        Assert.Equal(AbuseFlags.Insult | AbuseFlags.Abusive | AbuseFlags.Directed, scores.Flags);
    }

    [Theory]
    [InlineData("the engineer was a muppet")]
    [InlineData("i'm such an idiot")]
    public void Score_InsultNotSaidToYou_StaysUndirected(string text)
    {
        // Arrange
        var classifier = new AbuseClassifier(TestModels.BiasOnly([-5f, 5f, -5f, -5f, -5f, -5f]));

        // Act
        var scores = classifier.Score(text);

        // Assert
        Assert.Equal(AbuseFlags.Insult, scores.Flags);
    }

    [Fact]
    public void ScoreAndThresholdOf_HeadsStoredInAnotherOrder_AreMatchedByName()
    {
        // Arrange: heads reversed; each head's bias and threshold tell it apart.
        string[] heads = ["directed", "abusive", "hate", "threat", "insult", "swearing"];
        var group = TestModels.Group(AbuseClassifier.ProductGroup, heads, TestModels.SmallHashBits, TestModels.Weights(6, TestModels.SmallHashBits),
            biases: [-5f, -5f, -5f, -5f, -5f, 5f], thresholds: [0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f]);
        var classifier = new AbuseClassifier(TestModels.Model(group));

        // Act
        var scores = classifier.Score("anything");

        // Assert
        Assert.Equal(AbuseFlags.Swearing, scores.Flags);
        Assert.Equal(0.6f, classifier.ThresholdOf(AbuseCategory.Swearing));
        Assert.Equal(0.1f, classifier.ThresholdOf(AbuseCategory.Directed));
    }

    [Fact]
    public void Score_ManyThreadsAtOnce_SameAsOneThread()
    {
        // Arrange
        var classifier = new AbuseClassifier(TestModels.Random(seed: 29));
        var texts = Enumerable.Range(0, 400).Select(i => $"text {i}: you {(i % 3 == 0 ? "sh1t" : "nice")} person {new string('!', i % 5)}").ToArray();
        var expected = texts.Select(t => classifier.Score(t)).ToArray();
        var actual = new AbuseScores[texts.Length];

        // Act
        Parallel.For(0, texts.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => actual[i] = classifier.Score(texts[i]));

        // Assert
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Score_AfterAHugeText_ShortTextScoresAsBefore()
    {
        // Arrange: the per-thread buffers grow for the huge text and must not leak state into the next one.
        var classifier = new AbuseClassifier(TestModels.Random(seed: 31));
        const string Text = "you are a useless idiot";
        var before = classifier.Score(Text);

        // Act
        classifier.Score(Build("megabyte-of-words"));
        var after = classifier.Score(Text);

        // Assert
        Assert.Equal(before, after);
    }

    [Fact]
    public void ModelNameAndTrainedAt_ComeFromTheModel()
    {
        // Act
        var classifier = new AbuseClassifier(TestModels.Random(seed: 1));

        // Assert
        Assert.Equal("test-model", classifier.ModelName);
        Assert.Equal("2026-01-02T03:04:05Z", classifier.TrainedAt);
    }

    [Fact]
    public void Load_ModelWithoutProductGroup_ThrowsNamingTheGroup()
    {
        // Arrange
        var group = TestModels.Group("benchmark", TestModels.ProductHeads, TestModels.SmallHashBits, TestModels.Weights(6, TestModels.SmallHashBits));
        var bytes = Serialize(TestModels.Model(group));

        // Act
        var error = Assert.Throws<ModelFormatException>(() => AbuseClassifier.Load(bytes));

        // Assert
        Assert.Contains("'product'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ProductGroupWithoutAHead_ThrowsNamingTheHead()
    {
        // Arrange
        string[] heads = ["swearing", "insult", "threat", "abusive", "directed"];
        var group = TestModels.Group(AbuseClassifier.ProductGroup, heads, TestModels.SmallHashBits, TestModels.Weights(5, TestModels.SmallHashBits));
        var bytes = Serialize(TestModels.Model(group));

        // Act
        var error = Assert.Throws<ModelFormatException>(() => AbuseClassifier.Load(bytes));

        // Assert
        Assert.Contains("'hate'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_BytesOfASavedModel_ScoresLikeTheOriginal()
    {
        // Arrange
        var model = TestModels.Random(seed: 37);
        var original = new AbuseClassifier(model);

        // Act
        var loaded = AbuseClassifier.Load(Serialize(model));

        // Assert
        Assert.Equal(original.Score("you f***ing idiot"), loaded.Score("you f***ing idiot"));
    }

    [Fact]
    public void Load_CorruptFile_ThrowsModelFormatException()
    {
        // Arrange
        using var folder = new TempDirectory();
        var path = folder.PathOf("corrupt.model");
        var bytes = Serialize(TestModels.Random(seed: 1));
        bytes[bytes.Length / 2] ^= 0xFF;
        File.WriteAllBytes(path, bytes);

        // Act
        var error = Assert.Throws<ModelFormatException>(() => AbuseClassifier.Load(path));

        // Assert
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Load_NoPath_ThrowsArgumentException(string? path)
    {
        // Act and assert
        Assert.ThrowsAny<ArgumentException>(() => AbuseClassifier.Load(path!));
    }

    [Fact]
    public void Classify_Null_ThrowsArgumentNullException()
    {
        // Arrange
        var classifier = new AbuseClassifier(TestModels.Random(seed: 1));

        // Act and assert
        Assert.Throws<ArgumentNullException>(() => classifier.Classify(null!));
    }

    private static byte[] Serialize(ModelParameters model)
    {
        using var stream = new MemoryStream();
        ModelFile.Write(model, stream);
        return stream.ToArray();
    }

    private static string Build(string input) => input switch
    {
        "empty" => "",
        "whitespace" => " \t\r\n\u00A0\u2028 ",
        "control-characters" => string.Concat(Enumerable.Range(0, 32).Select(c => (char)c)) + "\u007F\u0080\u0085\u009F idiot",
        "nul-characters" => "you\0idiot\0\0\0",
        "lone-high-surrogate" => "\uD800abc",
        "lone-low-surrogate" => "abc\uDC00",
        "reversed-surrogates" => "\uDC00\uD800 f\uDC00u\uD800ck",
        "emoji" => "\uD83D\uDE21\uD83D\uDE21 you \uD83D\uDD95\uD83D\uDD95 \uD83D\uDCA9!!!",
        "megabyte-of-words" => Repeat("you f***ing useless id10t, I'll find you! ", OneMegabyte),
        "megabyte-without-spaces" => Repeat("sh1tfuckidiot@ss", OneMegabyte),
        "megabyte-of-middle-fingers" => Repeat("\uD83D\uDD95", OneMegabyte),
        "megabyte-of-asterisks" => new string('*', OneMegabyte),
        "megabyte-of-digits" => Repeat("0123456789 ", OneMegabyte),
        "megabyte-of-spaced-letters" => Repeat("f u c k ", OneMegabyte),
        "megabyte-of-ligature-expansions" => new string('\uFDFA', OneMegabyte),
        "megabyte-of-combining-marks" => "e" + new string('\u0301', OneMegabyte),
        "megabyte-of-lone-surrogates" => Repeat("\uDC00a\uD800", OneMegabyte),
        "megabyte-of-single-letters" => Repeat("a ", OneMegabyte),
        _ => throw new ArgumentOutOfRangeException(nameof(input), input, "Unknown input."),
    };

    private static string Repeat(string piece, int length)
    {
        var builder = new System.Text.StringBuilder(length + piece.Length);
        while (builder.Length < length)
        {
            builder.Append(piece);
        }

        return builder.ToString(0, length);
    }
}
