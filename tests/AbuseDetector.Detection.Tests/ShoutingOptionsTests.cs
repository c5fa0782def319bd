using System.ComponentModel.DataAnnotations;

namespace AbuseDetector.Detection.Tests;

public sealed class ShoutingOptionsTests
{
    [Fact]
    public void Validate_Defaults_ValidAndTwoUtterancesMakeShouting()
    {
        // Act
        var options = new ShoutingOptions();

        // Assert
        Assert.Empty(Validate(options));
        Assert.Equal(2, options.SustainedUtterances);
    }

    [Theory]
    [InlineData(1)] // one loud utterance would be shouting
    [InlineData(21)]
    public void Validate_SustainedUtterancesOutOfRange_RejectedNamingIt(int sustained)
    {
        // Act
        var errors = Validate(new ShoutingOptions { SustainedUtterances = sustained });

        // Assert
        var error = Assert.Single(errors);
        Assert.Contains(nameof(ShoutingOptions.SustainedUtterances), error.MemberNames);
        Assert.Contains("SustainedUtterances", error.ErrorMessage, StringComparison.Ordinal);
    }

    private static List<ValidationResult> Validate(ShoutingOptions options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return results;
    }
}
