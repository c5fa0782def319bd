using AbuseDetector.Detection;

namespace AbuseDetector.Escalation.Tests;

public sealed class ChunkSignalTests
{
    [Theory]
    [InlineData(0.35f, 0.5, AbuseFlags.Abusive | AbuseFlags.Directed)]
    [InlineData(0.5f, 0.5, AbuseFlags.Threat | AbuseFlags.Abusive)]
    [InlineData(0.97f, 0.5, AbuseFlags.Threat | AbuseFlags.Abusive)]
    [InlineData(0.35f, 0.0, AbuseFlags.Threat | AbuseFlags.Abusive)]
    public void ProtocolFlags_ThreatBelowTheProtocolsBar_CountsAsDirectedAbuseInstead(float threatProbability, double minimum, AbuseFlags expected)
    {
        // Arrange: the classifier flagged a threat (its own threshold is lower) but not directed abuse.
        var scores = new AbuseScores([0.1f, 0.2f, threatProbability, 0.0f, 0.8f, 0.2f], AbuseFlags.Threat | AbuseFlags.Abusive);

        // Act
        var flags = ChunkSignal.ProtocolFlags(scores, minimum);

        // Assert
        Assert.Equal(expected, flags);
    }

    [Fact]
    public void ProtocolFlags_NoThreat_Unchanged()
    {
        var scores = new AbuseScores([0.9f, 0.1f, 0.9f, 0.0f, 0.1f, 0.1f], AbuseFlags.Swearing);
        Assert.Equal(AbuseFlags.Swearing, ChunkSignal.ProtocolFlags(scores, 0.5));
    }
}
