using System.ComponentModel.DataAnnotations;

namespace AbuseDetector.Escalation.Tests;

public sealed class EscalationOptionsTests
{
    [Fact]
    public void Validate_Defaults_Valid()
    {
        // Act
        var errors = Validate(new EscalationOptions());

        // Assert
        Assert.Empty(errors);
    }

    [Fact]
    public void Defaults_MatchTheDocumentedValues()
    {
        // Act
        var options = new EscalationOptions();

        // Assert
        Assert.Equal(1.0, options.DirectedAbuseWeight);
        Assert.Equal(1.0, options.StrongProfanityWeight);
        Assert.Equal(0.0, options.MildProfanityWeight);
        Assert.Equal(1.0, options.ShoutingWeight);
        Assert.Equal(1.0, options.StrikesPerLevel);
        Assert.Equal(1, options.MaxStepsPerUtterance);
        Assert.Equal(EscalationLevel.EndCallPermitted, options.ThreatLevel);
        Assert.Equal(EscalationLevel.FinalWarning, options.SupervisorAtLevel);
        Assert.Equal(TimeSpan.FromSeconds(60), options.CalmPeriod);
        Assert.Equal(3, options.CalmUtterances);
        Assert.False(options.RequireAgentWarningBeforeFinalSteps);
        Assert.Equal(TimeSpan.FromSeconds(30), options.CoachingCooldown);
        Assert.True(options.RedactDigits);
    }

    public static TheoryData<string, Action<EscalationOptions>> BadSettings => new()
    {
        { nameof(EscalationOptions.DirectedAbuseWeight), o => o.DirectedAbuseWeight = -1 },
        { nameof(EscalationOptions.StrongProfanityWeight), o => o.StrongProfanityWeight = 11 },
        { nameof(EscalationOptions.MildProfanityWeight), o => o.MildProfanityWeight = -0.1 },
        { nameof(EscalationOptions.ShoutingWeight), o => o.ShoutingWeight = double.NaN },
        { nameof(EscalationOptions.StrikesPerLevel), o => o.StrikesPerLevel = 0 },
        { nameof(EscalationOptions.MaxStepsPerUtterance), o => o.MaxStepsPerUtterance = 0 },
        { nameof(EscalationOptions.CalmPeriod), o => o.CalmPeriod = TimeSpan.FromSeconds(1) },
        { nameof(EscalationOptions.CalmPeriod), o => o.CalmPeriod = TimeSpan.FromHours(2) },
        { nameof(EscalationOptions.CalmUtterances), o => o.CalmUtterances = 0 },
        { nameof(EscalationOptions.CalmUtterances), o => o.CalmUtterances = 101 },
        { nameof(EscalationOptions.CoachingCooldown), o => o.CoachingCooldown = TimeSpan.FromSeconds(-1) },
        { nameof(EscalationOptions.MaxExcerptLength), o => o.MaxExcerptLength = 0 },
        { nameof(EscalationOptions.MaxIncidentUtterances), o => o.MaxIncidentUtterances = 0 },
        { nameof(EscalationOptions.ThreatLevel), o => o.ThreatLevel = EscalationLevel.None },
        { nameof(EscalationOptions.ThreatLevel), o => o.ThreatLevel = (EscalationLevel)9 },
        { nameof(EscalationOptions.ThreatMinProbability), o => o.ThreatMinProbability = 1.5 },
        { nameof(EscalationOptions.ThreatMinProbability), o => o.ThreatMinProbability = -0.1 },
        { nameof(EscalationOptions.SupervisorAtLevel), o => o.SupervisorAtLevel = EscalationLevel.None },
        { nameof(EscalationOptions.DirectedAbuseWeight), o => (o.DirectedAbuseWeight, o.StrongProfanityWeight, o.ShoutingWeight) = (0, 0, 0) },
        { nameof(EscalationOptions.Scripts), o => o.Scripts["acme"] = new ScriptSet() },
    };

    [Theory]
    [InlineData(0.0, 0.0, 0.0, 0.5)]
    [InlineData(0.0, 0.0, 1.0, 0.0)]
    public void Validate_OnlyOneWeightAboveZero_Valid(double directed, double strong, double mild, double shouting)
    {
        // Arrange
        var options = new EscalationOptions { DirectedAbuseWeight = directed, StrongProfanityWeight = strong, MildProfanityWeight = mild, ShoutingWeight = shouting };

        // Act
        var errors = Validate(options);

        // Assert
        Assert.Empty(errors);
    }

    [Theory]
    [MemberData(nameof(BadSettings))]
    public void Validate_BadSetting_RejectedNamingIt(string member, Action<EscalationOptions> spoil)
    {
        // Arrange
        var options = new EscalationOptions();
        spoil(options);

        // Act
        var errors = Validate(options);

        // Assert
        var error = Assert.Single(errors);
        Assert.Contains(member, error.MemberNames);
        Assert.Contains(member, error.ErrorMessage, StringComparison.Ordinal);
    }

    private static List<ValidationResult> Validate(EscalationOptions options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return results;
    }
}
