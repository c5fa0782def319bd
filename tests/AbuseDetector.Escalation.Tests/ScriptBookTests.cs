namespace AbuseDetector.Escalation.Tests;

public sealed class ScriptBookTests
{
    private static ScriptBook Book() => new(new Dictionary<string, ScriptSet>
    {
        ["acme/en-GB"] = new() { Notice = "acme en-GB notice {behaviour}" },
        ["acme/en"] = new() { Notice = "acme en notice", Warning = "acme en warning {behaviour}", Behaviours = { ["swearing"] = "using that language" } },
        ["*/en-GB"] = new() { FinalWarning = "any en-GB final" },
        ["*/de"] = new() { Notice = "Ist Ihnen bewusst, dass Sie {behaviour}?", Behaviours = { ["shouting"] = "schreien" } },
        ["ACME/fr"] = new() { Notice = "acme fr notice" },
    });

    [Theory]
    [InlineData("acme", "en-GB", EscalationLevel.Notice, "acme en-GB notice using that language")]
    [InlineData("acme", "en-US", EscalationLevel.Notice, "acme en notice")]
    [InlineData("acme", "en-GB", EscalationLevel.Warning, "acme en warning using that language")]
    [InlineData("acme", "en-GB", EscalationLevel.FinalWarning, "any en-GB final")]
    [InlineData("globex", "en-GB", EscalationLevel.Notice, "I'm happy to help you, but do you realise you are swearing?")]
    [InlineData("globex", "en-GB", EscalationLevel.FinalWarning, "any en-GB final")]
    [InlineData("acme", "", EscalationLevel.Notice, "acme en notice")]
    [InlineData("acme", "fr-CA", EscalationLevel.Notice, "acme fr notice")]
    [InlineData("acme", "fr-CA", EscalationLevel.Warning, "acme en warning using that language")]
    [InlineData("globex", "fr", EscalationLevel.Warning, "I am asking you to please stop swearing.")]
    [InlineData("globex", "en", EscalationLevel.None, "")]
    public void GetLine_TenantAndLanguage_FallsBackInOrder(string tenant, string language, EscalationLevel level, string expected)
    {
        // Act
        var line = Book().GetLine(tenant, language, level, "swearing");

        // Assert
        Assert.Equal(expected, line);
    }

    [Fact]
    public void GetLine_BehaviourMissingInLanguage_FallsBackToEnglishPhrase()
    {
        // Act
        var shouting = Book().GetLine("globex", "de-AT", EscalationLevel.Notice, "shouting");
        var insult = Book().GetLine("globex", "de-AT", EscalationLevel.Notice, "insult");

        // Assert
        Assert.Equal("Ist Ihnen bewusst, dass Sie schreien?", shouting);
        Assert.Equal("Ist Ihnen bewusst, dass Sie insulting me?", insult);
    }

    [Fact]
    public void Constructor_SetChangedAfterwards_BookUnchanged()
    {
        // Arrange
        var set = new ScriptSet { Notice = "before" };
        var book = new ScriptBook([new("acme/en", set)]);

        // Act
        set.Notice = "after";

        // Assert
        Assert.Equal("before", book.GetLine("acme", "en", EscalationLevel.Notice, "swearing"));
    }

    [Theory]
    [InlineData("acme")]
    [InlineData("acme/")]
    [InlineData("/en")]
    [InlineData("acme/en/GB")]
    public void Constructor_BadKey_Throws(string key)
    {
        // Act
        var exception = Record.Exception(() => new ScriptBook([new(key, new ScriptSet())]));

        // Assert
        Assert.IsType<ArgumentException>(exception);
    }

    [Fact]
    public void BuiltIn_EveryLevelAndBehaviour_HasWording()
    {
        // Act
        var builtIn = ScriptBook.BuiltIn;

        // Assert
        foreach (var level in new[] { EscalationLevel.Notice, EscalationLevel.Warning, EscalationLevel.FinalWarning, EscalationLevel.EndCallPermitted })
        {
            Assert.False(string.IsNullOrWhiteSpace(builtIn.LineFor(level)));
        }

        Assert.Equal(["abuse", "hate", "insult", "shouting", "swearing", "threat"], builtIn.Behaviours.Keys.Order(StringComparer.Ordinal));
    }
}
