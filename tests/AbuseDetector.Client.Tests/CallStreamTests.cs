using AbuseDetector.Contracts.V1;
using Grpc.Core;
using Grpc.Net.Client;

namespace AbuseDetector.Client.Tests;

[Collection(ServiceHostCollection.Name)]
public sealed class CallStreamTests(ServiceHostFixture service) : IDisposable
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(30);

    private readonly GrpcChannel _channel = GrpcChannel.ForAddress(service.GrpcAddress);

    private Contracts.V1.AbuseDetector.AbuseDetectorClient Client => new(_channel.WithApiKey(ServiceHostFixture.ApiKey));

    public void Dispose() => _channel.Dispose();

    [Fact]
    public async Task StartCallAsync_FiftyChunksThenEnd_FiftyAssessmentsInOrderAndTheCallEndsOk()
    {
        // Arrange
        using var timeout = new CancellationTokenSource(TestTimeout);
        await using var call = await Client.StartCallAsync(NewStart(), new CallOptions(cancellationToken: timeout.Token));
        var reading = ReadAllAsync(call, timeout.Token);

        // Act
        for (ulong seq = 1; seq <= 50; seq++)
        {
            await call.SendChunkAsync(Chunk(seq, "hello, I'd like to check my order"), timeout.Token);
        }

        await call.EndAsync(new CallEnd { Reason = CallEndReason.Completed }, timeout.Token);
        var updates = await reading;

        // Assert
        Assert.Equal(50, updates.Count);
        for (var i = 0; i < updates.Count; i++)
        {
            Assert.Equal((ulong)(i + 1), updates[i].Seq);
            Assert.Equal(CallUpdate.UpdateOneofCase.Assessment, updates[i].UpdateCase);
            Assert.Equal((ulong)(i + 1), updates[i].Assessment.Seq);
        }
    }

    [Fact]
    public async Task StartCallAsync_AbusiveChunks_LevelChangesAndAlertsFollowTheirChunk()
    {
        // Arrange
        using var timeout = new CancellationTokenSource(TestTimeout);
        await using var call = await Client.StartCallAsync(NewStart(), new CallOptions(cancellationToken: timeout.Token));
        var reading = ReadAllAsync(call, timeout.Token);

        // Act
        await call.SendChunkAsync(Chunk(1, "you are a useless fucking idiot"), timeout.Token);
        await call.EndAsync(new CallEnd { Reason = CallEndReason.CustomerHungUp }, timeout.Token);
        var updates = await reading;

        // Assert
        Assert.Equal(CallUpdate.UpdateOneofCase.Assessment, updates[0].UpdateCase);
        Assert.Equal(CallUpdate.UpdateOneofCase.Escalation, updates[1].UpdateCase);
        Assert.Equal(EscalationLevel.Notice, updates[1].Escalation.Level);
        Assert.Equal(1UL, updates[1].Escalation.Seq);
        Assert.Contains(updates, u => u.UpdateCase == CallUpdate.UpdateOneofCase.Alert && u.Alert.Kind == AlertKind.LevelChanged);
    }

    [Fact]
    public async Task StartCallAsync_StartWithoutCallId_ReadingThrowsInvalidArgument()
    {
        // Arrange
        using var timeout = new CancellationTokenSource(TestTimeout);
        var start = NewStart();
        start.CallId = "";
        await using var call = await Client.StartCallAsync(start, new CallOptions(cancellationToken: timeout.Token));

        // Act
        var error = await Assert.ThrowsAsync<RpcException>(() => ReadAllAsync(call, timeout.Token));

        // Assert
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("call_id", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartCallAsync_DeadlinePasses_ReadingThrowsDeadlineExceeded()
    {
        // Arrange
        await using var call = await Client.StartCallAsync(NewStart(), new CallOptions(deadline: TimeProvider.System.GetUtcNow().UtcDateTime.AddMilliseconds(300)));
        await call.SendChunkAsync(Chunk(1, "hello"));

        // Act
        var error = await Assert.ThrowsAsync<RpcException>(() => ReadAllAsync(call, CancellationToken.None));

        // Assert
        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
    }

    [Fact]
    public async Task DisposeAsync_LiveCall_ServiceReleasesItsCallId()
    {
        // Arrange
        var start = NewStart();
        var call = await Client.StartCallAsync(start);
        await call.SendChunkAsync(Chunk(1, "hello"));
        await using (var updates = call.ReadUpdatesAsync().GetAsyncEnumerator())
        {
            Assert.True(await updates.MoveNextAsync());
        }

        // Act
        await call.DisposeAsync();

        // Assert: the same call id can be streamed again once the service saw the cancellation (ALREADY_EXISTS until then).
        await Eventually.TrueAsync(() => TryCallAgainAsync(start), "the service released the abandoned call", TestTimeout);
    }

    [Fact]
    public async Task SendChunkAsync_AfterTheServiceEndedTheCall_ThrowsItsStatus()
    {
        // Arrange
        var start = NewStart();
        start.TenantId = "";
        await using var call = await Client.StartCallAsync(start);
        await Assert.ThrowsAsync<RpcException>(() => ReadAllAsync(call, CancellationToken.None));

        // Act
        var error = await Record.ExceptionAsync(() => call.SendChunkAsync(Chunk(1, "still there?")));

        // Assert
        Assert.Equal(StatusCode.InvalidArgument, Assert.IsType<RpcException>(error).StatusCode);
    }

    [Fact]
    public async Task SendChunkAsync_ServiceRefusedTheStartAndNobodyReads_ThrowsTheRefusalWithoutWaitingForAResume()
    {
        // Arrange
        using var timeout = new CancellationTokenSource(TestTimeout);
        var start = NewStart();
        start.CallId = "";
        await using var call = await Client.StartCallAsync(start, new CallOptions(cancellationToken: timeout.Token));

        // Act: sends go out until one meets the stream the service closed; no reader is there to resume anything.
        RpcException? refused = null;
        for (ulong seq = 1; refused is null; seq++)
        {
            try
            {
                await call.SendChunkAsync(Chunk(seq, "hello"), timeout.Token);
                await Task.Delay(10, timeout.Token);
            }
            catch (RpcException error)
            {
                refused = error;
            }
        }

        // Assert
        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Equal(0, call.Resumptions);
    }

    private static CallStart NewStart() => new()
    {
        CallId = Guid.NewGuid().ToString("N"),
        TenantId = ServiceHostFixture.Tenant,
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

    private async Task<bool> TryCallAgainAsync(CallStart start)
    {
        try
        {
            await using var again = await Client.StartCallAsync(start);
            await again.EndAsync(new CallEnd { Reason = CallEndReason.Completed });
            await ReadAllAsync(again, CancellationToken.None);
            return true;
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.AlreadyExists)
        {
            return false;
        }
    }
}
