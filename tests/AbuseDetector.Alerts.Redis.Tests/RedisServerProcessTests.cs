using System.Net.Sockets;
using StackExchange.Redis;

namespace AbuseDetector.Alerts.Redis.Tests;

public sealed class RedisServerProcessTests
{
    [Fact]
    public async Task StartAsync_PortZero_PicksAFreePortAndAnswers()
    {
        await using var server = await RedisServerProcess.StartNewAsync();

        Assert.True(server.Port > 0);
        Assert.True(server.IsRunning);
        using var redis = await RedisTestConnection.ConnectAsync(RedisTestOptions.For(server));
        await redis.GetDatabase().PingAsync();
    }

    [Fact]
    public async Task StopAsync_ThenStartAsync_ServesAgainOnTheSamePortWithNothingKept()
    {
        await using var server = await RedisServerProcess.StartNewAsync();
        var port = server.Port;
        using (var before = await ConnectionMultiplexer.ConnectAsync(server.Configuration))
        {
            await before.GetDatabase().StringSetAsync("k", "v");
        }

        await server.StopAsync();
        Assert.False(server.IsRunning);
        await Assert.ThrowsAnyAsync<SocketException>(async () =>
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", port);
        });

        await server.StartAsync();

        Assert.Equal(port, server.Port);
        using var after = await ConnectionMultiplexer.ConnectAsync(server.Configuration);
        Assert.True((await after.GetDatabase().StringGetAsync("k")).IsNull);
    }

    [Fact]
    public async Task StartAsync_PortInUse_ThrowsWithTheServersOutput()
    {
        await using var first = await RedisServerProcess.StartNewAsync();
        await using var second = new RedisServerProcess(first.Port, password: "x");

        // The first server answers on that port: the second must notice its own process is not the one answering.
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => second.StartAsync());

        Assert.Contains("redis-server", error.Message, StringComparison.Ordinal);
        Assert.False(second.IsRunning);
        Assert.True(first.IsRunning);
    }

    [Fact]
    public async Task StartAsync_MissingExecutable_ThrowsSayingWhereItLooked()
    {
        await using var server = new RedisServerProcess(executablePath: "/nonexistent/redis-server");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => server.StartAsync());

        Assert.Contains("/nonexistent/redis-server", error.Message, StringComparison.Ordinal);
    }
}
