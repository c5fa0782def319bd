using AbuseDetector.Contracts.V1;
using Google.Protobuf;

namespace AbuseDetector.Contracts.Tests;

public sealed class TranscriptChunkTests
{
    [Fact]
    public void ParseFrom_LoudnessNotSet_StaysUnset()
    {
        // Arrange
        var original = new TranscriptChunk { Seq = 1, Speaker = Speaker.Customer, Text = "hello" };

        // Act
        var parsed = TranscriptChunk.Parser.ParseFrom(original.ToByteArray());

        // Assert
        Assert.False(original.HasLoudnessDbfs);
        Assert.False(parsed.HasLoudnessDbfs);
    }

    [Fact]
    public void ParseFrom_LoudnessSetToZero_StaysSet()
    {
        // Arrange: 0 dBFS is full scale, a real measurement, not "not measured".
        var original = new TranscriptChunk { Seq = 1, Speaker = Speaker.Customer, Text = "HELLO", LoudnessDbfs = 0f };

        // Act
        var parsed = TranscriptChunk.Parser.ParseFrom(original.ToByteArray());

        // Assert
        Assert.True(parsed.HasLoudnessDbfs);
        Assert.Equal(0f, parsed.LoudnessDbfs);
    }

    [Fact]
    public void ClearLoudnessDbfs_AfterSet_SerializesAsUnset()
    {
        // Arrange
        var chunk = new TranscriptChunk { Seq = 1, LoudnessDbfs = -18f };

        // Act
        chunk.ClearLoudnessDbfs();
        var parsed = TranscriptChunk.Parser.ParseFrom(chunk.ToByteArray());

        // Assert
        Assert.False(parsed.HasLoudnessDbfs);
    }
}
