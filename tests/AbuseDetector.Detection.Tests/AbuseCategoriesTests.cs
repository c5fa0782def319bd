namespace AbuseDetector.Detection.Tests;

public sealed class AbuseCategoriesTests
{
    [Theory]
    [InlineData(AbuseCategory.Swearing, "swearing")]
    [InlineData(AbuseCategory.Insult, "insult")]
    [InlineData(AbuseCategory.Threat, "threat")]
    [InlineData(AbuseCategory.Hate, "hate")]
    [InlineData(AbuseCategory.Abusive, "abusive")]
    [InlineData(AbuseCategory.Directed, "directed")]
    public void ToNameAndTryParse_EveryCategory_RoundTrip(AbuseCategory category, string name)
    {
        // Act
        var written = category.ToName();
        var parsed = AbuseCategories.TryParse(name, out var read);

        // Assert
        Assert.Equal(name, written);
        Assert.True(parsed);
        Assert.Equal(category, read);
    }

    [Fact]
    public void TryParse_OtherCase_IsAccepted()
    {
        // Act
        var parsed = AbuseCategories.TryParse("THREAT", out var category);

        // Assert
        Assert.True(parsed);
        Assert.Equal(AbuseCategory.Threat, category);
    }

    [Theory]
    [InlineData("")]
    [InlineData("olid_off")]
    [InlineData("swear")]
    public void TryParse_UnknownName_IsFalse(string name)
    {
        // Act
        var parsed = AbuseCategories.TryParse(name, out _);

        // Assert
        Assert.False(parsed);
    }

    [Fact]
    public void All_ListsEveryCategoryOnceInOrder()
    {
        // Assert
        Assert.Equal(Enum.GetValues<AbuseCategory>(), AbuseCategories.All);
    }

    [Fact]
    public void ToFlag_EveryCategory_IsItsOwnBit()
    {
        // Act
        var flags = AbuseCategories.All.Select(c => c.ToFlag()).ToArray();

        // Assert
        Assert.Equal(
            [AbuseFlags.Swearing, AbuseFlags.Insult, AbuseFlags.Threat, AbuseFlags.Hate, AbuseFlags.Abusive, AbuseFlags.Directed],
            flags);
        Assert.Equal(0b111111, (int)flags.Aggregate(AbuseFlags.None, (all, f) => all | f));
    }

    [Fact]
    public void ToName_UndefinedValue_Throws()
    {
        // Act and assert
        Assert.Throws<ArgumentOutOfRangeException>(() => ((AbuseCategory)42).ToName());
    }
}
