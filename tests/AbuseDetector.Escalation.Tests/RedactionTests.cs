namespace AbuseDetector.Escalation.Tests;

public sealed class RedactionTests
{
    [Theory]
    [InlineData("4111 1111 1111 1111", "#### #### #### ####")]
    [InlineData("my card is 4111111111111111.", "my card is ################.")]
    [InlineData("call me on 0207-946-0958 please", "call me on ####-###-#### please")]
    [InlineData("07700.900.123", "#####.###.###")]
    [InlineData("ref 12 - 34", "ref ## - ##")]
    [InlineData("PIN 1234", "PIN ####")]
    [InlineData("I have 2 dogs and 3 cats", "I have 2 dogs and 3 cats")]
    [InlineData("it's 123 or 1.5", "it's 123 or 1.5")]
    [InlineData("order 123, item 45", "order 123, item 45")]
    [InlineData("", "")]
    public void RedactDigits_Text_MasksRunsOfFourOrMoreDigits(string text, string expected)
    {
        // Act
        var redacted = Redaction.RedactDigits(text);

        // Assert
        Assert.Equal(expected, redacted);
    }

    [Fact]
    public void RedactDigits_NothingToHide_ReturnsSameInstance()
    {
        // Arrange
        var text = "you absolute muppet, 3 times now";

        // Act
        var redacted = Redaction.RedactDigits(text);

        // Assert
        Assert.Same(text, redacted);
    }
}
