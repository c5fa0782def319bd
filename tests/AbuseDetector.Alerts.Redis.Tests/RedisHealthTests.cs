namespace AbuseDetector.Alerts.Redis.Tests;

public sealed class RedisHealthTests
{
    [Fact]
    public async Task Problem_WrongPassword_NamesTheAuthenticationFailureWithoutThePassword()
    {
        await using var server = await RedisServerProcess.StartNewAsync(password: "s3cret");
        await using var stack = await RedisStack.ConnectAsync(RedisTestOptions.For(server, o => o.Password = "wrong-Pa55"), waitUntilConnected: false);
        var publisher = await stack.StartPublisherAsync();
        await stack.Health.CheckAsync(); // as the service does at start

        Assert.True(publisher.TryEnqueue(TestAlerts.Make("acme", 1)));

        await Eventually.TrueAsync(() => stack.Health.Problem == RedisHealth.AuthenticationProblem, "the health names the refused password");
        Assert.Equal("Redis refused the password (AuthenticationFailure): check RedisPassword", stack.Health.Problem);
        Assert.Equal(1, publisher.OutboxDepth);
        Assert.Equal(0, publisher.DroppedCount);
        Assert.Single(stack.Logs.Messages("RedisAuthenticationFailed"));
        Assert.All(stack.Logs.Entries, e => Assert.DoesNotContain("wrong-Pa55", e.Message, StringComparison.Ordinal));
        using var admin = await RedisTestConnection.AdminAsync(server, "s3cret");
        Assert.False(await admin.GetDatabase().KeyExistsAsync("abuse:{acme}:team:team-1:history"));
    }

    [Fact]
    public async Task Problem_PasswordFixedOnTheServer_ClearsAndTheOutboxDrains()
    {
        await using var server = await RedisServerProcess.StartNewAsync(password: "s3cret");
        await using var stack = await RedisStack.ConnectAsync(RedisTestOptions.For(server, o => o.Password = "rotated"), waitUntilConnected: false);
        var publisher = await stack.StartPublisherAsync();
        await stack.Health.CheckAsync(); // as the service does at start
        Assert.True(publisher.TryEnqueue(TestAlerts.Make("acme", 1)));
        await Eventually.TrueAsync(() => stack.Health.Problem == RedisHealth.AuthenticationProblem, "the health names the refused password");

        using (var admin = await RedisTestConnection.AdminAsync(server, "s3cret"))
        {
            await admin.GetServer(admin.GetEndPoints()[0]).ConfigSetAsync("requirepass", "rotated");
        }

        Assert.True(await publisher.FlushAsync(TimeSpan.FromSeconds(30)));
        await Eventually.TrueAsync(() => stack.Health.Problem is null, "the health cleared");
        Assert.Single(stack.Logs.Messages("RedisAuthenticationFailed"));
    }

    [Fact]
    public async Task Problem_RedisKilled_SaysUnreachableOnceAndClearsWhenItIsBack()
    {
        await using var server = await RedisServerProcess.StartNewAsync();
        await using var stack = await RedisStack.ConnectAsync(RedisTestOptions.For(server));
        Assert.Null(stack.Health.Problem);

        await server.StopAsync();

        await Eventually.TrueAsync(() => stack.Health.Problem is not null, "the health saw the connection fail");
        Assert.Matches("^Redis unreachable \\((SocketFailure|SocketClosed|UnableToConnect|ConnectionDisposed|InternalFailure)\\)$", stack.Health.Problem);
        await server.StartAsync();
        await Eventually.TrueAsync(() => stack.Health.Problem is null, "the health saw the connection come back", TimeSpan.FromSeconds(30));
        Assert.NotEmpty(stack.Logs.Messages("RedisConnectionRestored"));
    }

    [Fact]
    public async Task CheckAsync_RedisDownFromTheStart_SaysUnreachable()
    {
        await using var server = await RedisServerProcess.StartNewAsync();
        await server.StopAsync();
        await using var stack = await RedisStack.ConnectAsync(RedisTestOptions.For(server), waitUntilConnected: false);

        var problem = await stack.Health.CheckAsync();

        Assert.StartsWith("Redis unreachable (", problem, StringComparison.Ordinal);
    }
}
