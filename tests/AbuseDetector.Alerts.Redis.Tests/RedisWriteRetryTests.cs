using System.Collections.Concurrent;
using StackExchange.Redis;

namespace AbuseDetector.Alerts.Redis.Tests;

public sealed class RedisWriteRetryTests
{
    [Fact]
    public async Task IsTransient_RealServerRefusals_PassingOnesAreTransientOthersNot()
    {
        // Arrange: one server out of memory, one turned read-only replica, one busy with a long script.
        await using var full = await RedisServerProcess.StartNewAsync();
        await using var replica = await RedisServerProcess.StartNewAsync();
        await using var busy = new RedisServerProcess(extraArguments: ["--busy-reply-threshold", "100"]);
        await busy.StartAsync();
        using var fullAdmin = await RedisTestConnection.AdminAsync(full);
        using var replicaAdmin = await RedisTestConnection.AdminAsync(replica);
        using var busyAdmin = await RedisTestConnection.AdminAsync(busy);
        await fullAdmin.GetDatabase().StringSetAsync("wrong-type", "a string");
        await RedisAlertPublisherOutageTests.FillUntilOutOfMemoryAsync(fullAdmin);
        await replicaAdmin.GetServer(replicaAdmin.GetEndPoints()[0]).ExecuteAsync("REPLICAOF", "127.0.0.1", "1");
        using var busyClient = await ConnectionMultiplexer.ConnectAsync(busy.Configuration);
        var spinning = busyAdmin.GetDatabase().ScriptEvaluateAsync(RedisAlertPublisherTests.Spin, values: [10_000_000L]);

        // Act: the replica's write goes as a plain command, so the server answers it rather than the client refusing it.
        var outOfMemory = await Assert.ThrowsAsync<RedisServerException>(() => fullAdmin.GetDatabase().ScriptEvaluateAsync("return redis.call('SET', KEYS[1], 'x')", ["k"]));
        var readOnly = await Assert.ThrowsAsync<RedisServerException>(() => replicaAdmin.GetDatabase().ExecuteAsync("SET", "k", "x"));
        var busyReply = await FirstBusyReplyAsync(busyClient);
        var wrongType = await Assert.ThrowsAsync<RedisServerException>(() => fullAdmin.GetDatabase().ListLengthAsync("wrong-type"));
        var scriptError = await Assert.ThrowsAsync<RedisServerException>(() => fullAdmin.GetDatabase().ScriptEvaluateAsync("return redis.call('NOSUCHCOMMAND')"));
        await busyClient.GetServer(busyClient.GetEndPoints()[0]).ExecuteAsync("SCRIPT", "KILL");
        await Assert.ThrowsAnyAsync<RedisException>(() => spinning);

        // Assert
        Assert.StartsWith("OOM", outOfMemory.Message, StringComparison.Ordinal);
        Assert.StartsWith("READONLY", readOnly.Message, StringComparison.Ordinal);
        Assert.StartsWith("BUSY", busyReply.Message, StringComparison.Ordinal);
        Assert.True(RedisWriteRetry.IsTransient(outOfMemory));
        Assert.True(RedisWriteRetry.IsTransient(readOnly));
        Assert.True(RedisWriteRetry.IsTransient(busyReply));
        Assert.False(RedisWriteRetry.IsTransient(wrongType));
        Assert.False(RedisWriteRetry.IsTransient(scriptError));
    }

    /// <summary>
    /// Writes until the server answers BUSY: it does once the script has run past the busy threshold, and a busy machine
    /// can start the script late, so a fixed head start is a guess.
    /// </summary>
    private static async Task<RedisServerException> FirstBusyReplyAsync(ConnectionMultiplexer client)
    {
        for (var attempt = 0; attempt < 400; attempt++)
        {
            try
            {
                await client.GetDatabase().StringSetAsync("k", "x");
            }
            catch (RedisServerException e)
            {
                return e;
            }

            await Task.Delay(20);
        }

        throw new Xunit.Sdk.XunitException("The server never answered BUSY while the script spun.");
    }

    [Theory]
    [InlineData(RedisErrorKind.Loading, "LOADING Redis is loading the dataset in memory", true)]
    [InlineData(RedisErrorKind.MasterDown, "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.", true)]
    [InlineData(RedisErrorKind.TryAgain, "TRYAGAIN Multiple keys request during rehashing of slot", true)]
    [InlineData(RedisErrorKind.ClusterDown, "CLUSTERDOWN The cluster is down", true)]
    [InlineData(RedisErrorKind.NoAuth, "NOAUTH Authentication required.", true)]
    [InlineData(RedisErrorKind.WrongPass, "WRONGPASS invalid username-password pair or user is disabled.", true)]
    [InlineData(RedisErrorKind.Unknown, "LOADING Redis is loading the dataset in memory", true)]
    [InlineData(RedisErrorKind.Unknown, "BUSYKEY Target key name already exists.", false)]
    [InlineData(RedisErrorKind.CrossSlot, "CROSSSLOT Keys in request don't hash to the same slot", false)]
    [InlineData(RedisErrorKind.UnknownError, "ERR unknown command", false)]
    public void IsTransient_ServerReplies_ClassifiedByKindOrFirstWord(RedisErrorKind kind, string reply, bool transient)
    {
        // Faked: a server loading a large dataset, a cluster mid-resharding or down are states a test cannot hold
        // still long enough to meet for real.
        Assert.Equal(transient, RedisWriteRetry.IsTransient(new RedisServerException(kind, CommandFlags.None, reply)));
    }

    [Fact]
    public async Task ExecuteAsync_RedisDown_RetriesWithCappedExponentialBackoffAndTellsTheHealth()
    {
        // Arrange: Redis down for real; timers fire at once, so the backoff is read, not waited for.
        await using var server = await RedisServerProcess.StartNewAsync();
        await server.StopAsync();
        await using var stack = await RedisStack.ConnectAsync(RedisTestOptions.For(server), waitUntilConnected: false, new InstantTimers());
        var delays = new ConcurrentQueue<TimeSpan>();
        using var stop = new CancellationTokenSource();

        // Act
        var write = stack.Retry.ExecuteAsync(
            static async (redis, _) => await redis.GetDatabase().PingAsync(),
            stack.Redis,
            (_, delay) =>
            {
                delays.Enqueue(delay);
                if (delays.Count == 10)
                {
                    stop.Cancel();
                }
            },
            stop.Token).AsTask();

        // Assert
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => write);
        Assert.Equal([50, 100, 200, 400, 800, 1600, 2000, 2000, 2000, 2000], delays.Select(d => (int)d.TotalMilliseconds));
        Assert.StartsWith("Redis unreachable (", stack.Health.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_PermanentError_ThrowsAtOnceWithoutRetrying()
    {
        await using var server = await RedisServerProcess.StartNewAsync();
        await using var stack = await RedisStack.ConnectAsync(RedisTestOptions.For(server));
        await stack.Redis.GetDatabase().StringSetAsync("wrong-type", "a string");
        var retries = 0;

        await Assert.ThrowsAsync<RedisServerException>(async () => await stack.Retry.ExecuteAsync(
            static async (redis, _) => await redis.GetDatabase().ListLengthAsync("wrong-type"),
            stack.Redis,
            (_, _) => retries++,
            CancellationToken.None));

        Assert.Equal(0, retries);
        Assert.Null(stack.Health.Problem);
    }

    /// <summary>The system clock, except that one-shot timers fire at once: backoff delays are asked for but not waited.</summary>
    private sealed class InstantTimers : TimeProvider
    {
        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            System.CreateTimer(callback, state, period == Timeout.InfiniteTimeSpan ? TimeSpan.Zero : dueTime, period);
    }
}
