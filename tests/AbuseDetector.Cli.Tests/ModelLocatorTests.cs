namespace AbuseDetector.Cli.Tests;

public sealed class ModelLocatorTests
{
    [Fact]
    public void Resolve_ExplicitPath_IsReturnedAsGiven()
    {
        // Act
        var path = ModelLocator.Resolve("some/where.model");

        // Assert: no check that it exists; loading reports that with the path in the message.
        Assert.Equal("some/where.model", path);
    }
}
