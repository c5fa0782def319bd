using System.Collections.Concurrent;
using AbuseDetector.Contracts.V1;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AbuseDetector.Client.Tests;

/// <summary>
/// <see cref="CallStream"/> resuming a call: the instance holding it stops (as in a deploy), another starts at the same
/// address on the same real redis-server, and the reader carries the call over.
/// </summary>
public sealed class CallStreamResumeTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task ReadUpdatesAsync_InstanceStopsAndAnotherStartsAtTheAddress_ResumesAndEveryChunkIsAssessedOnce()
    {
        // Arrange: a call on A reaches notice.
        using var timeout = new CancellationTokenSource(TestTimeout);
        await using var instances = await StartInstancesAsync();
        var a = instances.First;
        var start = NewStart();
        var (call, updates, reading) = await OpenAsync(instances, start, TimeSpan.FromSeconds(60), timeout.Token);
        await using var disposeCall = call;
        await call.SendChunkAsync(Chunk(1, "hello, I'd like to check my order"), timeout.Token);
        await call.SendChunkAsync(Chunk(2, "you are a useless fucking idiot"), timeout.Token);
        await call.SendChunkAsync(Chunk(3, "anyway where is it"), timeout.Token);
        await Eventually.TrueAsync(() => Assessed(updates).Count == 3, "A assessed the first three chunks", TestTimeout);

        // Act: A stops; chunks sent while no instance answers wait for the resume; B starts where A was.
        await a.StopAsync(timeout.Token);
        var sending = Task.Run(
            async () =>
            {
                await call.SendChunkAsync(Chunk(4, "I have been waiting for a week"), timeout.Token);
                await call.SendChunkAsync(Chunk(5, "shut up you stupid moron"), timeout.Token);
            },
            timeout.Token);
        var b = await instances.StartNextAsync();
        await sending.WaitAsync(timeout.Token);
        await call.SendChunkAsync(Chunk(6, "thanks"), timeout.Token);
        await call.EndAsync(new CallEnd { Reason = CallEndReason.Completed }, timeout.Token);
        await reading;

        // Assert: one resume, at A's last seq and level; after it each later chunk assessed once, in order.
        var all = updates.ToList();
        var resumedAt = all.FindIndex(u => u.UpdateCase == CallUpdate.UpdateOneofCase.Resumed);
        Assert.True(resumedAt > 0, "No resumed update.");
        Assert.Single(all, u => u.UpdateCase == CallUpdate.UpdateOneofCase.Resumed);
        var resumed = all[resumedAt].Resumed;
        Assert.Equal(1, call.Resumptions);
        Assert.Equal(3UL, resumed.LastSeq);
        Assert.Equal(EscalationLevel.Notice, resumed.Level);
        Assert.Equal([1UL, 2UL, 3UL], Assessed(all[..resumedAt]));
        Assert.Equal([4UL, 5UL, 6UL], Assessed(all[(resumedAt + 1)..]));
        Assert.Equal(1UL, all[resumedAt].Seq);
        Assert.Contains(all[(resumedAt + 1)..], u => u.UpdateCase == CallUpdate.UpdateOneofCase.Escalation && u.Escalation.Level == EscalationLevel.Warning);
        Assert.Empty(a.Errors);
        Assert.Empty(b.Errors);
    }

    [Fact]
    public async Task ReadUpdatesAsync_NewCallRefusedByADrainingInstance_StartedAfreshOnTheNextWithEveryChunk()
    {
        // Arrange: A is stopping but still serving (its stop waits on a callback), so it refuses new calls with UNAVAILABLE.
        using var timeout = new CancellationTokenSource(TestTimeout);
        await using var instances = await StartInstancesAsync();
        var a = instances.First;
        using var draining = new ManualResetEventSlim();
        var lifetime = a.Services.GetRequiredService<IHostApplicationLifetime>();
        lifetime.ApplicationStopping.Register(() => draining.Wait(TimeSpan.FromSeconds(5)));
        var stopping = Task.Run(lifetime.StopApplication, timeout.Token);
        await Eventually.TrueAsync(() => lifetime.ApplicationStopping.IsCancellationRequested, "A began to stop", TestTimeout);

        // Act: the call starts on A, which refuses it; A finishes stopping and B starts at its address.
        var (call, updates, reading) = await OpenAsync(instances, NewStart(), TimeSpan.FromSeconds(60), timeout.Token);
        await using var disposeCall = call;
        var sending = Task.Run(
            async () =>
            {
                await call.SendChunkAsync(Chunk(1, "hello, I'd like to check my order"), timeout.Token);
                await call.SendChunkAsync(Chunk(2, "you are a useless fucking idiot"), timeout.Token);
            },
            timeout.Token);
        await Eventually.TrueAsync(() => a.Logs.Any(l => l.EventName == "CallRejected"), "A refused the call", TestTimeout);
        draining.Set();
        await stopping;
        await a.StopAsync(timeout.Token);
        var b = await instances.StartNextAsync();
        await sending.WaitAsync(timeout.Token);
        await call.EndAsync(new CallEnd { Reason = CallEndReason.Completed }, timeout.Token);
        await reading.WaitAsync(timeout.Token);

        // Assert: B took the call from its start, with both chunks, each assessed once; nothing was resumed.
        Assert.Equal([1UL, 2UL], Assessed(updates));
        Assert.Contains(updates, u => u.UpdateCase == CallUpdate.UpdateOneofCase.Escalation && u.Escalation.Level == EscalationLevel.Notice);
        Assert.DoesNotContain(updates, u => u.UpdateCase == CallUpdate.UpdateOneofCase.Resumed);
        Assert.Equal(0, call.Resumptions);
        Assert.Contains(b.Logs, l => l.EventName == "CallEnded" && l.Message.StartsWith("Call ended (Completed)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ReadUpdatesAsync_CallEndedBeforeTheResume_ThrowsFailedPreconditionWithoutRetrying()
    {
        // Arrange: A hands the call over, then the saved state says the call ended (another party closed it).
        using var timeout = new CancellationTokenSource(TestTimeout);
        await using var instances = await StartInstancesAsync();
        var a = instances.First;
        var start = NewStart();
        var (call, updates, reading) = await OpenAsync(instances, start, TimeSpan.FromSeconds(60), timeout.Token);
        await using var disposeCall = call;
        await call.SendChunkAsync(Chunk(1, "hello"), timeout.Token);
        await Eventually.TrueAsync(() => Assessed(updates).Count == 1, "A assessed the chunk", TestTimeout);
        await using var admin = await RedisTestConnection.AdminAsync(redis.Server);

        // Act
        await a.StopAsync(timeout.Token);
        await admin.GetDatabase().HashSetAsync($"abuse:{{{start.TenantId}}}:call:{start.CallId}:state", "ended", "1");
        await instances.StartNextAsync();
        var error = await Assert.ThrowsAsync<RpcException>(() => reading);
        var send = await Record.ExceptionAsync(() => call.SendChunkAsync(Chunk(2, "still there?"), timeout.Token));

        // Assert
        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Equal(0, call.Resumptions);
        Assert.Equal(StatusCode.FailedPrecondition, Assert.IsType<RpcException>(send).StatusCode);
        Assert.DoesNotContain(updates, u => u.UpdateCase == CallUpdate.UpdateOneofCase.Resumed);
    }

    [Fact]
    public async Task ReadUpdatesAsync_ResumeTimeoutZero_InstanceStops_ThrowsWithoutResuming()
    {
        // Arrange
        using var timeout = new CancellationTokenSource(TestTimeout);
        await using var instances = await StartInstancesAsync();
        var a = instances.First;
        var (call, updates, reading) = await OpenAsync(instances, NewStart(), TimeSpan.Zero, timeout.Token);
        await using var disposeCall = call;
        await call.SendChunkAsync(Chunk(1, "hello"), timeout.Token);
        await Eventually.TrueAsync(() => Assessed(updates).Count == 1, "A assessed the chunk", TestTimeout);

        // Act
        var stopping = a.StopAsync(timeout.Token);
        var error = await Assert.ThrowsAsync<RpcException>(() => reading);

        // Kestrel keeps the connection open to drain it until the client lets its side of the ended call go.
        await call.DisposeAsync();
        await stopping;

        // Assert: the status A gave (or, when the connection's close took it, the break), and no resume.
        Assert.Contains(error.StatusCode, (StatusCode[])[StatusCode.Unavailable, StatusCode.Internal, StatusCode.Unknown]);
        Assert.Equal(0, call.Resumptions);
        Assert.DoesNotContain(updates, u => u.UpdateCase == CallUpdate.UpdateOneofCase.Resumed);
    }

    [Fact]
    public async Task ReadUpdatesAsync_InvalidStart_ThrowsInvalidArgumentWithoutRetrying()
    {
        // Arrange
        using var timeout = new CancellationTokenSource(TestTimeout);
        await using var instances = await StartInstancesAsync();
        var start = NewStart();
        start.CallId = "";
        await using var call = await instances.Client.StartCallAsync(start, new CallOptions(cancellationToken: timeout.Token));

        // Act
        var error = await Assert.ThrowsAsync<RpcException>(() => ReadAllAsync(call, new ConcurrentQueue<CallUpdate>(), timeout.Token));

        // Assert
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal(0, call.Resumptions);
    }

    /// <summary>An instance on the fixture's Redis, and a client of the address it listens at.</summary>
    private async Task<Instances> StartInstancesAsync()
    {
        var settings = new Dictionary<string, string?> { ["AbuseDetector:Redis"] = redis.Configuration };
        return new Instances(await ServiceInstance.StartAsync(settings), settings);
    }

    private static CallStart NewStart() => new()
    {
        CallId = Guid.NewGuid().ToString("N"),
        TenantId = RedisServerFixture.NewTenant(),
        AgentId = "agent-1",
        TeamId = "team-1",
    };

    private static TranscriptChunk Chunk(ulong seq, string text) => new()
    {
        Seq = seq,
        Speaker = Speaker.Customer,
        Text = text,
        IsFinal = true,
    };

    /// <summary>Starts a call with the client library, reading its updates in the background.</summary>
    private static async Task<(CallStream Call, ConcurrentQueue<CallUpdate> Updates, Task Reading)> OpenAsync(Instances instances, CallStart start, TimeSpan resumeTimeout, CancellationToken cancellationToken)
    {
        var call = await instances.Client.StartCallAsync(start, new CallOptions(cancellationToken: cancellationToken), new CallStreamOptions { ResumeTimeout = resumeTimeout });
        var updates = new ConcurrentQueue<CallUpdate>();
        return (call, updates, ReadAllAsync(call, updates, cancellationToken));
    }

    private static List<ulong> Assessed(IEnumerable<CallUpdate> updates) =>
        [.. updates.Where(u => u.UpdateCase == CallUpdate.UpdateOneofCase.Assessment).Select(u => u.Assessment.Seq)];

    private static async Task ReadAllAsync(CallStream call, ConcurrentQueue<CallUpdate> updates, CancellationToken cancellationToken)
    {
        await foreach (var update in call.ReadUpdatesAsync(cancellationToken))
        {
            updates.Enqueue(update);
        }
    }

    /// <summary>The instance a test starts first, the one it may start next at the same address, and a client of that address.</summary>
    private sealed class Instances(ServiceInstance first, Dictionary<string, string?> settings) : IAsyncDisposable
    {
        private readonly GrpcChannel _channel = GrpcChannel.ForAddress(first.GrpcAddress);
        private ServiceInstance? _next;

        public ServiceInstance First => first;

        public Contracts.V1.AbuseDetector.AbuseDetectorClient Client => new(_channel);

        /// <summary>Starts the next instance on the first one's gRPC port, once the first has stopped.</summary>
        public async Task<ServiceInstance> StartNextAsync() => _next = await ServiceInstance.StartAsync(settings, grpcPort: first.GrpcPort);

        public async ValueTask DisposeAsync()
        {
            _channel.Dispose();
            await first.DisposeAsync();
            if (_next is not null)
            {
                await _next.DisposeAsync();
            }
        }
    }
}
