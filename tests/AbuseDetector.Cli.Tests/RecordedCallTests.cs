using AbuseDetector.Contracts.V1;
using AbuseDetector.Tests;

namespace AbuseDetector.Cli.Tests;

public sealed class RecordedCallTests
{
    public static TheoryData<string> Samples => new(Directory.GetFiles(SamplesFolder(), "*.jsonl").Select(Path.GetFileName).OfType<string>());

    [Theory]
    [MemberData(nameof(Samples))]
    public void Load_EverySample_IsAWellFormedCall(string name)
    {
        // Act
        var call = RecordedCall.Load(Path.Combine(SamplesFolder(), name));

        // Assert: what the service requires of a stream, so replaying a sample never trips its own input checks.
        Assert.False(string.IsNullOrEmpty(call.Start.CallId));
        Assert.Equal("demo", call.Start.TenantId);
        Assert.Equal(CallEvent.EventOneofCase.End, call.Events[^1].EventCase);
        var seqs = call.Events.Select(e => e.EventCase switch
        {
            CallEvent.EventOneofCase.Chunk => e.Chunk.Seq,
            CallEvent.EventOneofCase.Action => e.Action.Seq,
            _ => (ulong?)null,
        }).OfType<ulong>().ToList();
        Assert.Equal(seqs.Order(), seqs);
        Assert.Equal(seqs.Count, seqs.Distinct().Count());
        Assert.All(call.Events.Where(e => e.EventCase == CallEvent.EventOneofCase.Chunk), e =>
        {
            Assert.NotEqual(Speaker.Unspecified, e.Chunk.Speaker);
            Assert.True(e.Chunk.EndMs >= e.Chunk.StartMs);
        });
    }

    [Fact]
    public void Load_ChunkBeforeStart_NamesTheLine()
    {
        // Arrange
        using var folder = new TempDirectory();
        var path = folder.PathOf("call.jsonl");
        File.WriteAllText(path, "\n{\"chunk\": {\"seq\": 1, \"speaker\": \"CUSTOMER\", \"text\": \"hi\"}}\n");

        // Act
        var error = Assert.Throws<InvalidDataException>(() => RecordedCall.Load(path));

        // Assert
        Assert.Equal($"{path}:2: the first event must be a start.", error.Message);
    }

    [Theory]
    [InlineData("{\"chunk\": {\"seq\": \"x\"}}", "not a call event")]
    [InlineData("{\"start\": {\"call_id\": \"c\"}", "not valid JSON")]
    [InlineData("{\"start\": {\"cal_id\": \"c\"}}", "not a call event")]
    [InlineData("{}", "the event has none of start, chunk, action, end")]
    public void Load_BadLine_SaysWhatIsWrongWhere(string line, string expected)
    {
        // Arrange
        using var folder = new TempDirectory();
        var path = folder.PathOf("call.jsonl");
        File.WriteAllText(path, line + "\n");

        // Act
        var error = Assert.Throws<InvalidDataException>(() => RecordedCall.Load(path));

        // Assert
        Assert.StartsWith($"{path}:1: {expected}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_EmptyFile_Throws()
    {
        // Arrange
        using var folder = new TempDirectory();
        var path = folder.PathOf("empty.jsonl");
        File.WriteAllText(path, "\n\n");

        // Act & Assert
        Assert.Equal($"{path} holds no events.", Assert.Throws<InvalidDataException>(() => RecordedCall.Load(path)).Message);
    }

    [Fact]
    public void DueAt_ChunkAtItsEnd_OtherEventsRightAfterThePrevious()
    {
        // Arrange
        var chunk = new CallEvent { Chunk = new TranscriptChunk { StartMs = 1_000, EndMs = 2_500 } };
        var action = new CallEvent { Action = new AgentAction { Seq = 3 } };

        // Act & Assert
        Assert.Equal(TimeSpan.FromMilliseconds(2_500), RecordedCall.DueAt(chunk, TimeSpan.Zero));
        Assert.Equal(TimeSpan.FromMilliseconds(2_500), RecordedCall.DueAt(action, TimeSpan.FromMilliseconds(2_500)));
    }

    [Theory]
    [InlineData("1", 1)]
    [InlineData("10", 10)]
    [InlineData("0.5", 0.5)]
    public void ParseSpeed_Number_IsTheFactor(string value, double expected)
    {
        Assert.Equal(expected, ReplayCommand.ParseSpeed(value));
    }

    [Fact]
    public void ParseSpeed_Max_DoesNotWait()
    {
        Assert.True(double.IsPositiveInfinity(ReplayCommand.ParseSpeed("max")));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("fast")]
    [InlineData("Infinity")]
    public void ParseSpeed_Bad_IsAUsageError(string value)
    {
        var error = Assert.Throws<UsageException>(() => ReplayCommand.ParseSpeed(value));
        Assert.Contains(value, error.Message, StringComparison.Ordinal);
    }

    internal static string SamplesFolder() => RepositoryFiles.Folder("samples", "README.md");
}
