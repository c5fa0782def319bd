using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using AbuseDetector.Detection.Training.Data;
using AbuseDetector.Tests;

namespace AbuseDetector.Detection.Training.Tests.Data;

public sealed class PublicDataSetsTests
{
    [Fact]
    public void IsDavidsonTest_IndicesZeroTo999_AgreesWithTheDigestAsABigEndianIntegerModFive()
    {
        // Arrange
        var indices = Enumerable.Range(0, 1000).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToList();

        // Act
        var disagreements = indices.Where(i => PublicDataSets.IsDavidsonTest(i) != DigestModFiveIsZero(i)).ToList();
        var tests = indices.Count(PublicDataSets.IsDavidsonTest);

        // Assert: the rule agrees everywhere and picks about a fifth of the rows.
        Assert.Empty(disagreements);
        Assert.InRange(tests, 150, 250);
    }

    [Fact]
    public void ParseSpanOffsets_PlainText_KeepsTheOffsets()
    {
        // Act
        var offsets = PublicDataSets.ParseSpanOffsets("[4, 5, 6, 7, 8]", "you idiot");

        // Assert
        Assert.Equal([4, 5, 6, 7, 8], offsets.Order());
    }

    [Fact]
    public void ParseSpanOffsets_EmojiBeforeTheSpan_ShiftsCodePointsToUtf16()
    {
        // Arrange: the emoji is one code point but two UTF-16 units, so "idiot" (code points 6..10)
        // sits at UTF-16 offsets 7..11.
        const string Text = "\uD83D\uDE21 you idiot";

        // Act
        var offsets = PublicDataSets.ParseSpanOffsets("[6, 7, 8, 9, 10]", Text);

        // Assert
        Assert.Equal([7, 8, 9, 10, 11], offsets.Order());
        Assert.Equal("idiot", Text.Substring(7, 5));
    }

    [Fact]
    public void ParseSpanOffsets_AstralCharacterInTheSpan_CoversBothUnits()
    {
        // Arrange: the middle finger (code point 4) is UTF-16 offsets 4 and 5.
        const string Text = "you \uD83D\uDD95";

        // Act
        var offsets = PublicDataSets.ParseSpanOffsets("[4]", Text);

        // Assert
        Assert.Equal([4, 5], offsets.Order());
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("")]
    [InlineData("[100, 101]")]
    [InlineData("[-1]")]
    public void ParseSpanOffsets_NothingInsideTheText_IsEmpty(string list)
    {
        // Act
        var offsets = PublicDataSets.ParseSpanOffsets(list, "short");

        // Assert
        Assert.Empty(offsets);
    }

    [Fact]
    public void Davidson_TinyFile_MapsLabelsAndSplitsByTheDigestRule()
    {
        // Arrange: columns index, count, hate_speech, offensive_language, neither, class, tweet.
        using var folder = new TempDirectory();
        Directory.CreateDirectory(Path.Combine(folder.FullPath, "davidson"));
        File.WriteAllText(Path.Combine(folder.FullPath, "davidson", "labeled_data.csv"),
            ",count,hate_speech,offensive_language,neither,class,tweet\n" +
            "0,3,3,0,0,0,\"hateful, tweet\"\n" +
            "1,3,0,3,0,1,offensive tweet\n" +
            "2,3,0,0,3,2,nice tweet\n");

        // Act
        var examples = PublicDataSets.Davidson(folder.FullPath);

        // Assert
        Assert.Equal(["hateful, tweet", "offensive tweet", "nice tweet"], examples.Select(e => e.Text));
        Assert.Equal([1f, 0f, 0f], examples.Select(e => e.Labels[Heads.DavidsonHate]));
        Assert.Equal([0f, 1f, 0f], examples.Select(e => e.Labels[Heads.DavidsonOffensive]));
        Assert.Equal([0f, 0f, 1f], examples.Select(e => e.Labels[Heads.DavidsonNeither]));
        Assert.Equal(1f, examples[0].Labels[Heads.Hate]);
        Assert.Equal(0f, examples[2].Labels[Heads.Abusive]);
        for (var i = 0; i < 3; i++)
        {
            var index = i.ToString(CultureInfo.InvariantCulture);
            Assert.Equal(DigestModFiveIsZero(index), examples[i].Split == Split.Test);
        }
    }

    /// <summary>The SHA-256 of the index read as one unsigned big-endian integer, mod 5.</summary>
    private static bool DigestModFiveIsZero(string index)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(index));
        return new BigInteger(digest, isUnsigned: true, isBigEndian: true) % 5 == 0;
    }
}
