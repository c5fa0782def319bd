using AbuseDetector.Detection.Training.Data;

namespace AbuseDetector.Detection.Training.Tests.Data;

public sealed class HeadsTests
{
    [Fact]
    public void Product_IsTheSixCategoryNamesInOrder()
    {
        // Assert: the trainer's product heads are the names the classifier looks up.
        Assert.Equal(AbuseCategories.All.Select(c => c.ToName()), Heads.Product);
    }

    [Fact]
    public void ProductContent_IsEveryProductHeadButDirected()
    {
        // Assert
        Assert.Equal(Heads.Product.Where(h => h != Heads.Directed), Heads.ProductContent);
    }

    [Fact]
    public void Benchmark_SharesNoNameWithTheProductHeads()
    {
        // Assert
        Assert.Empty(Heads.Benchmark.Intersect(Heads.Product));
    }
}
