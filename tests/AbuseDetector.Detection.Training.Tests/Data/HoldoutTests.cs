using AbuseDetector.Detection.Training.Data;

namespace AbuseDetector.Detection.Training.Tests.Data;

public sealed class HoldoutTests
{
    [Theory]
    [InlineData("", 61)] // FNV-1a("") = 0x811C9DC5 = 2166136261
    [InlineData("a", 20)] // FNV-1a("a") = 0xE40C292C = 3826002220
    [InlineData("foobar", 20)] // FNV-1a("foobar") = 0xBF9CF968 = 3214735720
    public void Bucket_PublishedFnv1aVectors_AreTheHashModOneHundred(string key, int expected)
    {
        // Act
        var bucket = Holdout.Bucket(key);

        // Assert
        Assert.Equal(expected, bucket);
    }

    [Fact]
    public void IsValidation_ManyKeys_TakesTheLowestTenBuckets()
    {
        // Arrange
        var keys = Enumerable.Range(0, 2000).Select(i => $"olid:{i}").ToList();

        // Act
        var validation = keys.Where(Holdout.IsValidation).ToList();

        // Assert
        Assert.All(validation, k => Assert.InRange(Holdout.Bucket(k), 0, 9));
        Assert.InRange(validation.Count, 140, 260);
    }
}
