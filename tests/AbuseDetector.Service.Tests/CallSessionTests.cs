using AbuseDetector.Detection;
using AbuseDetector.Service.Internal;

namespace AbuseDetector.Service.Tests;

public sealed class CallSessionTests
{
    [Fact]
    public void StrongestSpans_OverlappingAndWeak_KeepsTheThreeStrongestApartInTextOrder()
    {
        // Arrange: "you" (0-3), "fucking" (4-11), "fucking useless" (4-19), "useless" (12-19), "idiot" (20-25), "lot" (26-29).
        EvidenceSpan[] spans =
        [
            new(AbuseCategory.Abusive, 0, 3, 0.2f),
            new(AbuseCategory.Swearing, 4, 7, 0.9f),
            new(AbuseCategory.Insult, 4, 15, 0.95f),
            new(AbuseCategory.Insult, 12, 7, 0.5f),
            new(AbuseCategory.Insult, 20, 5, 0.7f),
            new(AbuseCategory.Directed, 26, 3, 0.1f),
        ];

        // Act
        var chosen = CallSession.StrongestSpans(spans);

        // Assert
        Assert.Equal([(0, 3), (4, 15), (20, 5)], chosen.Select(s => (s.Start, s.Length)));
    }

    [Fact]
    public void StrongestSpans_None_Empty()
    {
        Assert.Empty(CallSession.StrongestSpans([]));
    }
}
