using AbuseDetector.Detection;

namespace AbuseDetector.Escalation.Tests;

public sealed class ChunkEvidenceTests
{
    [Fact]
    public void FromSpans_SpansInAndOutOfText_CutsAndClips()
    {
        // Arrange
        var text = "you stupid idiot";
        EvidenceSpan[] spans =
        [
            new(AbuseCategory.Insult, 4, 6, 1f),
            new(AbuseCategory.Insult, 11, 50, 1f),
            new(AbuseCategory.Directed, 40, 3, 1f),
        ];

        // Act
        var evidence = ChunkEvidence.FromSpans(text, spans);

        // Assert
        Assert.Equal([new ChunkEvidence(AbuseCategory.Insult, "stupid"), new ChunkEvidence(AbuseCategory.Insult, "idiot")], evidence);
    }
}
