using AbuseDetector.Contracts.V1;
using AbuseDetector.Transport.Grpc;

namespace AbuseDetector.Client.Tests;

[Collection(ServiceHostCollection.Name)]
public sealed class AbuseDetectorClientTests(ServiceHostFixture service)
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ClassifyAsync_Insult_FlagsInsult()
    {
        using var client = CreateClient();

        var response = await client.ClassifyAsync(new ClassifyRequest { Text = "you're thick as shit, you useless idiot" });

        Assert.Contains(response.Scores, s => s.Category == Category.Insult && s.Flagged);
        Assert.NotEmpty(response.ModelName);
    }

    [Fact]
    public async Task StartCall_FiftyChunks_YieldsFiftyAssessmentsInOrder()
    {
        using var client = CreateClient();
        using var timeout = new CancellationTokenSource(TestTimeout);
        await using var call = client.StartCall(NewStart(), timeout.Token);

        var reading = ReadAllAsync(call, timeout.Token);
        for (ulong seq = 1; seq <= 50; seq++)
        {
            await call.SendChunkAsync(Chunk(seq, "hello, I'd like to check my order"), timeout.Token);
        }

        await call.EndAsync(new CallEnd { Reason = CallEndReason.Completed }, timeout.Token);
        var updates = await reading;

        Assert.Equal(50, updates.Count);
        for (var i = 0; i < updates.Count; i++)
        {
            Assert.Equal((ulong)(i + 1), updates[i].Seq);
            Assert.Equal(CallUpdate.UpdateOneofCase.Assessment, updates[i].UpdateCase);
            Assert.Equal((ulong)(i + 1), updates[i].Assessment.Seq);
        }
    }

    [Fact]
    public async Task StartCallWithoutStart_ChunkFirst_ThrowsFailedPrecondition()
    {
        using var client = CreateClient();
        using var timeout = new CancellationTokenSource(TestTimeout);
        await using var call = client.StartCallWithoutStart(timeout.Token);

        await call.SendChunkAsync(Chunk(1, "hello"), timeout.Token);
        var ex = await Assert.ThrowsAsync<AbuseDetectorRpcException>(() => ReadAllAsync(call, timeout.Token));

        Assert.Equal(GrpcStatusCode.FailedPrecondition, ex.StatusCode);
        Assert.Contains("CallStart", ex.StatusMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartCall_DeadlinePasses_ThrowsDeadlineExceeded()
    {
        using var client = CreateClient(TimeSpan.FromMilliseconds(300));
        await using var call = client.StartCall(NewStart());

        await call.SendChunkAsync(Chunk(1, "hello"));
        var ex = await Assert.ThrowsAsync<AbuseDetectorRpcException>(() => ReadAllAsync(call, CancellationToken.None));

        Assert.Equal(GrpcStatusCode.DeadlineExceeded, ex.StatusCode);
    }

    [Fact]
    public async Task StartCall_TokenCancelled_EndsCallWithCancelled()
    {
        using var client = CreateClient();
        using var cancellation = new CancellationTokenSource();
        await using var call = client.StartCall(NewStart(), cancellation.Token);
        await call.SendChunkAsync(Chunk(1, "hello"));
        await using var updates = call.ReadUpdatesAsync().GetAsyncEnumerator();
        Assert.True(await updates.MoveNextAsync());

        var next = updates.MoveNextAsync().AsTask();
        await cancellation.CancelAsync();
        var ex = await Assert.ThrowsAsync<AbuseDetectorRpcException>(() => next.WaitAsync(TestTimeout));

        Assert.Equal(GrpcStatusCode.Cancelled, ex.StatusCode);
        await Assert.ThrowsAsync<AbuseDetectorRpcException>(() => call.SendChunkAsync(Chunk(2, "still there?")).AsTask());
    }

    private static CallStart NewStart() => new()
    {
        CallId = Guid.NewGuid().ToString("N"),
        TenantId = "tenant-client-tests",
        AgentId = "agent-1",
        TeamId = "team-1",
    };

    private static TranscriptChunk Chunk(ulong seq, string text) => new()
    {
        Seq = seq,
        Speaker = Speaker.Customer,
        Text = text,
        IsFinal = true,
        StartMs = seq * 1000,
        EndMs = (seq * 1000) + 900,
    };

    private static async Task<List<CallUpdate>> ReadAllAsync(CallStream call, CancellationToken cancellationToken)
    {
        var updates = new List<CallUpdate>();
        await foreach (var update in call.ReadUpdatesAsync(cancellationToken))
        {
            updates.Add(update);
        }

        return updates;
    }

    private AbuseDetectorClient CreateClient(TimeSpan? deadline = null) =>
        new(new AbuseDetectorClientOptions { Address = service.GrpcAddress, Deadline = deadline });
}
