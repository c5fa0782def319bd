using AbuseDetector.Contracts.V1;
using Google.Protobuf;
using static AbuseDetector.Service.Tests.AuthenticationAndLimitsTests;

namespace AbuseDetector.Service.Tests;

[Collection(ServiceCollection.Name)]
public class AbuseDetectorGrpcServiceTests(ServiceFixture service) : ServiceTestBase(service)
{
    private const string ClassifyPath = "/abuse_detector.v1.AbuseDetector/Classify";
    private const string StreamCallPath = "/abuse_detector.v1.AbuseDetector/StreamCall";
    private const int InvalidArgument = 3;
    private const int AlreadyExists = 6;
    private const int FailedPrecondition = 9;

    [Fact]
    public async Task Classify_AbusiveText_FlagsInsultWithEvidenceInsideText()
    {
        // Arrange
        const string text = "you're a useless idiot";

        // Act
        var response = await RawGrpcClient.CallAsync(Service.GrpcAddress, ClassifyPath, RawGrpcClient.Frame(new ClassifyRequest { Text = text }.ToByteArray()));

        // Assert
        Assert.Equal(0, response.GrpcStatus);
        var result = ClassifyResponse.Parser.ParseFrom(Assert.Single(response.Messages).Payload);
        Assert.Equal(6, result.Scores.Count);
        Assert.True(result.Scores.Single(s => s.Category == Category.Insult).Flagged);
        Assert.False(string.IsNullOrEmpty(result.ModelName));
        var insult = result.Evidence.Where(e => e.Category == Category.Insult).ToList();
        Assert.NotEmpty(insult);
        Assert.All(result.Evidence, e =>
        {
            Assert.True(e.Start + e.Length <= text.Length);
            Assert.Equal(text.Substring((int)e.Start, (int)e.Length), e.Text);
        });
    }

    [Theory]
    [InlineData("what the fuck is wrong with this app", Profanity.StrongProfanity)]
    [InlineData("this bloody printer keeps jamming", Profanity.MildProfanity)]
    [InlineData("my husband called me a fucking idiot", Profanity.NoProfanity)]
    [InlineData("thanks, that's sorted my bill", Profanity.NoProfanity)]
    public async Task Classify_Text_SaysHowStrongItsOwnSwearingIs(string text, Profanity expected)
    {
        // Act
        var result = await Service.NewClient().ClassifyAsync(new ClassifyRequest { Text = text });

        // Assert
        Assert.Equal(expected, result.Profanity);
    }

    [Fact]
    public async Task Classify_EmptyText_InvalidArgument()
    {
        // Act
        var response = await RawGrpcClient.CallAsync(Service.GrpcAddress, ClassifyPath, RawGrpcClient.Frame(new ClassifyRequest().ToByteArray()));

        // Assert
        Assert.Equal(InvalidArgument, response.GrpcStatus);
        Assert.Empty(response.Messages);
        Assert.False(string.IsNullOrEmpty(response.GrpcMessage));
    }

    [Fact]
    public async Task StreamCall_StartAndThreeChunks_AssessesEachInOrder()
    {
        // Arrange
        var body = Frames(
            Start(NewCallId()),
            Chunk(1, "hello I am calling about", isFinal: false),
            Chunk(2, "hello I am calling about my bill"),
            Chunk(3, "you're a useless idiot"),
            new CallEvent { End = new CallEnd { Reason = CallEndReason.Completed } });

        // Act
        var response = await RawGrpcClient.CallAsync(Service.GrpcAddress, StreamCallPath, body);

        // Assert
        Assert.Equal(0, response.GrpcStatus);
        var all = response.Messages.Select(m => CallUpdate.Parser.ParseFrom(m.Payload)).ToList();
        Assert.Equal(Enumerable.Range(1, all.Count).Select(i => (ulong)i), all.Select(u => u.Seq));
        var updates = all.Where(u => u.UpdateCase == CallUpdate.UpdateOneofCase.Assessment).ToList();
        Assert.Equal([1UL, 2UL, 3UL], updates.Select(u => u.Assessment.Seq));
        Assert.Equal([false, true, true], updates.Select(u => u.Assessment.IsFinal));
        Assert.False(updates[1].Assessment.Scores.Single(s => s.Category == Category.Insult).Flagged);
        Assert.True(updates[2].Assessment.Scores.Single(s => s.Category == Category.Insult).Flagged);
        Assert.NotEmpty(updates[2].Assessment.Evidence);
        Assert.All(updates, u => Assert.Equal(Speaker.Customer, u.Assessment.Speaker));
        Assert.All(updates, u => Assert.Equal(Profanity.NoProfanity, u.Assessment.Profanity));

        // The insult moves the call to notice right after its assessment, with the script line and an alert for the agent.
        var afterInsult = all.SkipWhile(u => u != updates[2]).Skip(1).ToList();
        Assert.Equal(CallUpdate.UpdateOneofCase.Escalation, afterInsult[0].UpdateCase);
        Assert.Equal(EscalationLevel.Notice, afterInsult[0].Escalation.Level);
        Assert.Equal(EscalationLevel.None, afterInsult[0].Escalation.PreviousLevel);
        Assert.Equal(3UL, afterInsult[0].Escalation.Seq);
        Assert.Contains("do you realise", afterInsult[0].Escalation.RecommendedScript, StringComparison.Ordinal);
        Assert.Equal(CallUpdate.UpdateOneofCase.Alert, afterInsult[1].UpdateCase);
        Assert.Equal(AlertKind.LevelChanged, afterInsult[1].Alert.Kind);
        Assert.True(afterInsult[1].Alert.ForAgent);
        Assert.Equal(3UL, afterInsult[1].Alert.Seq);
    }

    [Fact]
    public async Task StreamCall_ChunkBeforeStart_FailedPrecondition()
    {
        // Act
        var response = await RawGrpcClient.CallAsync(Service.GrpcAddress, StreamCallPath, Frames(Chunk(1, "hello")));

        // Assert
        Assert.Equal(FailedPrecondition, response.GrpcStatus);
        Assert.Equal("the first event must be CallStart", response.GrpcMessage);
        Assert.Empty(response.Messages);
    }

    [Fact]
    public async Task StreamCall_StartWithoutTenant_InvalidArgument()
    {
        // Act
        var response = await RawGrpcClient.CallAsync(Service.GrpcAddress, StreamCallPath, Frames(new CallEvent { Start = new CallStart { CallId = NewCallId() } }));

        // Assert
        Assert.Equal(InvalidArgument, response.GrpcStatus);
    }

    [Fact]
    public async Task StreamCall_SeqBackwards_ChunkErrorAndCallContinues()
    {
        // Arrange
        var body = Frames(
            Start(NewCallId()),
            Chunk(5, "first thing"),
            Chunk(4, "this came late"),
            Chunk(6, "then this"),
            new CallEvent { Chunk = new TranscriptChunk { Seq = 7, Text = "no speaker", IsFinal = true } },
            new CallEvent { Action = new AgentAction { Seq = 8, Kind = AgentActionKind.WarningGiven } },
            Chunk(9, "and on"),
            new CallEvent { End = new CallEnd() });

        // Act
        var response = await RawGrpcClient.CallAsync(Service.GrpcAddress, StreamCallPath, body);

        // Assert
        Assert.Equal(0, response.GrpcStatus);
        var updates = response.Messages.Select(m => CallUpdate.Parser.ParseFrom(m.Payload)).ToList();
        Assert.Equal(Enumerable.Range(1, updates.Count).Select(i => (ulong)i), updates.Select(u => u.Seq));
        Assert.Equal(5UL, updates[0].Assessment.Seq);
        Assert.Equal(CallUpdate.UpdateOneofCase.Error, updates[1].UpdateCase);
        Assert.Equal(4UL, updates[1].Error.Seq);
        Assert.Equal("INVALID_ARGUMENT", updates[1].Error.Code);
        Assert.StartsWith("seq went backwards", updates[1].Error.Message, StringComparison.Ordinal);
        Assert.Equal(6UL, updates[2].Assessment.Seq);
        Assert.Equal("INVALID_ARGUMENT", updates[3].Error.Code);

        // The agent's warning moves the call to notice; the call carries on with chunk 9.
        Assert.Equal(EscalationLevel.Notice, updates[4].Escalation.Level);
        Assert.Equal(8UL, updates[4].Escalation.Seq);
        Assert.Equal(AlertKind.LevelChanged, updates[5].Alert.Kind);
        Assert.Equal(9UL, updates[6].Assessment.Seq);
    }

    [Fact]
    public async Task StreamCall_TextTooLong_ChunkError()
    {
        // Arrange
        var body = Frames(Start(NewCallId()), Chunk(1, new string('a', 10_001)), Chunk(2, "fine"), new CallEvent { End = new CallEnd() });

        // Act
        var response = await RawGrpcClient.CallAsync(Service.GrpcAddress, StreamCallPath, body);

        // Assert
        Assert.Equal(0, response.GrpcStatus);
        var updates = response.Messages.Select(m => CallUpdate.Parser.ParseFrom(m.Payload)).ToList();
        Assert.Equal("INVALID_ARGUMENT", updates[0].Error.Code);
        Assert.Equal(2UL, updates[1].Assessment.Seq);
    }

    [Fact]
    public async Task StreamCall_DuplicateCallIdWhileLive_AlreadyExists()
    {
        // Arrange
        var callId = NewCallId();
        await using var first = RawGrpcClient.StartDuplex(Service.GrpcAddress, StreamCallPath);
        await first.SendAsync(Start(callId).ToByteArray());
        await first.SendAsync(Chunk(1, "hello").ToByteArray());
        Assert.NotNull(await first.ReadAsync());

        // Act
        var second = await RawGrpcClient.CallAsync(Service.GrpcAddress, StreamCallPath, Frames(Start(callId), new CallEvent { End = new CallEnd() }));
        var otherTenant = await RawGrpcClient.CallAsync(
            Service.GrpcAddress, StreamCallPath, Frames(new CallEvent { Start = new CallStart { CallId = callId, TenantId = "tenant-b" } }, new CallEvent { End = new CallEnd() }));

        // Assert
        Assert.Equal(AlreadyExists, second.GrpcStatus);
        Assert.Equal(0, otherTenant.GrpcStatus);
        await first.SendAsync(new CallEvent { End = new CallEnd() }.ToByteArray());
        var (status, _, remaining) = await first.ReadToEndAsync();
        Assert.Equal(0, status);
        Assert.Empty(remaining);
        var again = await RawGrpcClient.CallAsync(Service.GrpcAddress, StreamCallPath, Frames(Start(callId), new CallEvent { End = new CallEnd() }));
        Assert.Equal(0, again.GrpcStatus);
    }

    [Fact]
    public async Task StreamCall_SustainedLoudFinalsAfterCalmOnes_IsShouting()
    {
        // Arrange
        var events = new List<CallEvent> { Start(NewCallId()) };
        ulong seq = 0;
        for (var i = 0; i < 5; i++)
        {
            events.Add(Chunk(++seq, "I would like to ask about my order", loudness: -30f));
        }

        events.Add(Chunk(++seq, "why is this not fixed", isFinal: false, loudness: -15f));
        for (var i = 0; i < 3; i++)
        {
            events.Add(Chunk(++seq, "why is this still not fixed", loudness: -15f));
        }

        events.Add(new CallEvent { End = new CallEnd() });

        // Act
        var response = await RawGrpcClient.CallAsync(Service.GrpcAddress, StreamCallPath, Frames([.. events]));

        // Assert
        Assert.Equal(0, response.GrpcStatus);
        var shouting = response.Messages.Select(m => CallUpdate.Parser.ParseFrom(m.Payload))
            .Where(u => u.UpdateCase == CallUpdate.UpdateOneofCase.Assessment)
            .Select(u => u.Assessment.Shouting).ToList();
        Assert.Equal(9, shouting.Count);
        Assert.All(shouting.Take(5), s => Assert.False(s.IsShouting));
        Assert.True(shouting[5].IsLoud);
        Assert.False(shouting[5].IsShouting);
        Assert.True(shouting[^1].IsShouting);
        Assert.True(shouting[^1].ExcessDb >= 10f);
        Assert.InRange(shouting[^1].BaselineDbfs, -31f, -29f);
    }

    [Theory]
    [InlineData(85f)]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(-121f)]
    public async Task StreamCall_ImplausibleLoudness_ChunkErrorAndShoutingStillDetectedAfterIt(float loudness)
    {
        // Arrange: the impossible level first, where it would have pinned the caller's baseline, then a normal call that shouts.
        var events = new List<CallEvent> { Start(NewCallId()), Chunk(1, "hello there", loudness: loudness) };
        ulong seq = 1;
        for (var i = 0; i < 4; i++)
        {
            events.Add(Chunk(++seq, "I would like to ask about my order", loudness: -30f));
        }

        for (var i = 0; i < 3; i++)
        {
            events.Add(Chunk(++seq, "why is this still not fixed", loudness: -15f));
        }

        events.Add(new CallEvent { End = new CallEnd() });

        // Act
        var response = await RawGrpcClient.CallAsync(Service.GrpcAddress, StreamCallPath, Frames([.. events]));

        // Assert
        Assert.Equal(0, response.GrpcStatus);
        var updates = response.Messages.Select(m => CallUpdate.Parser.ParseFrom(m.Payload)).ToList();
        var error = Assert.Single(updates, u => u.UpdateCase == CallUpdate.UpdateOneofCase.Error).Error;
        Assert.Equal(1UL, error.Seq);
        Assert.Equal("INVALID_ARGUMENT", error.Code);
        Assert.Contains("loudness_dbfs", error.Message, StringComparison.Ordinal);
        var last = updates.Last(u => u.UpdateCase == CallUpdate.UpdateOneofCase.Assessment).Assessment.Shouting;
        Assert.True(last.IsShouting);
    }

    [Fact]
    public async Task StreamCall_AgentNoteLongerThanMaxTextLength_ErrorAndNothingKept()
    {
        // Arrange
        var note = new AgentAction { Seq = 1, Kind = AgentActionKind.WarningGiven, Note = new string('n', 10_001) };

        // Act
        var response = await RawGrpcClient.CallAsync(Service.GrpcAddress, StreamCallPath, Frames(Start(NewCallId()), new CallEvent { Action = note }, new CallEvent { End = new CallEnd() }));

        // Assert
        Assert.Equal(0, response.GrpcStatus);
        var updates = response.Messages.Select(m => CallUpdate.Parser.ParseFrom(m.Payload)).ToList();
        var error = Assert.Single(updates).Error;
        Assert.Equal("INVALID_ARGUMENT", error.Code);
        Assert.Equal("The agent action's note is longer than 10000 characters.", error.Message);
    }

    [Fact]
    public async Task StreamCall_Pcm16WithoutLevel_MeasuresLoudness()
    {
        // Arrange: a full-scale square wave measures 0 dBFS.
        var pcm = new byte[320];
        for (var i = 0; i < pcm.Length; i += 2)
        {
            pcm[i] = 0xFF;
            pcm[i + 1] = i % 4 == 0 ? (byte)0x7F : (byte)0x80;
        }

        var chunk = Chunk(1, "HELLO THERE!!!");
        chunk.Chunk.Pcm16 = ByteString.CopyFrom(pcm);
        chunk.Chunk.SampleRateHz = 8000;

        // Act
        var response = await RawGrpcClient.CallAsync(Service.GrpcAddress, StreamCallPath, Frames(Start(NewCallId()), chunk, new CallEvent { End = new CallEnd() }));

        // Assert
        var shouting = CallUpdate.Parser.ParseFrom(Assert.Single(response.Messages).Payload).Assessment.Shouting;
        Assert.InRange(shouting.LoudnessDbfs, -0.1f, 0.1f);
        Assert.True(shouting.TextLooksShouted);
        Assert.Equal(1f, shouting.CapsRatio);
    }

    private static string NewCallId() => Guid.NewGuid().ToString("N");

    private static CallEvent Start(string callId) => new() { Start = new CallStart { CallId = callId, TenantId = "tenant-a", AgentId = "agent-1" } };

    private static CallEvent Chunk(ulong seq, string text, bool isFinal = true, float? loudness = null)
    {
        var chunk = new TranscriptChunk { Seq = seq, Speaker = Speaker.Customer, Text = text, IsFinal = isFinal };
        if (loudness is { } level)
        {
            chunk.LoudnessDbfs = level;
        }

        return new CallEvent { Chunk = chunk };
    }
}
