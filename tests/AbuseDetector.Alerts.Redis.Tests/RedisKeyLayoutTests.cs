using Microsoft.Extensions.Logging.Abstractions;

namespace AbuseDetector.Alerts.Redis.Tests;

public sealed class RedisKeyLayoutTests
{
    [Fact]
    public async Task MigrateAsync_KeysOfTheEarlierLayout_MovedWithTheirDataAndExpiryOnce()
    {
        // Arrange: what the version before the hash tags left in Redis, and one key the current version already wrote.
        await using var server = await RedisServerProcess.StartNewAsync();
        await using var stack = await RedisStack.ConnectAsync(RedisTestOptions.For(server));
        var database = stack.Redis.GetDatabase();
        await database.StringSetAsync("abuse:acme:incident:c1", "{\"call_id\":\"c1\"}", TimeSpan.FromDays(30));
        await database.SortedSetAddAsync("abuse:acme:incidents:team:t2", "c1", 1700000000000);
        await database.StreamAddAsync("abuse:acme:team:t2:history", "alert", "{}");
        await database.StringSetAsync("abuse:globex:wellbeing:a7:streak", "2");
        await database.StringSetAsync("abuse:acme:alert:x", "old token");
        await database.StringSetAsync("abuse:{acme}:alert:x", "new token");
        await database.StringSetAsync("other:acme:incident:c1", "not ours");

        // Act
        var moved = await RedisKeyLayout.MigrateAsync(stack.Redis, "abuse", NullLogger.Instance);
        var again = await RedisKeyLayout.MigrateAsync(stack.Redis, "abuse", NullLogger.Instance);

        // Assert
        Assert.Equal(4, moved);
        Assert.Equal(0, again);
        Assert.Equal("{\"call_id\":\"c1\"}", await database.StringGetAsync("abuse:{acme}:incident:c1"));
        Assert.InRange((await database.KeyTimeToLiveAsync("abuse:{acme}:incident:c1"))!.Value, TimeSpan.FromDays(29), TimeSpan.FromDays(30));
        Assert.Equal(1700000000000, await database.SortedSetScoreAsync("abuse:{acme}:incidents:team:t2", "c1"));
        Assert.Equal(1, await database.StreamLengthAsync("abuse:{acme}:team:t2:history"));
        Assert.Equal("2", await database.StringGetAsync("abuse:{globex}:wellbeing:a7:streak"));
        Assert.Equal("new token", await database.StringGetAsync("abuse:{acme}:alert:x"));
        Assert.False(await database.KeyExistsAsync("abuse:acme:incident:c1"));
        Assert.True(await database.KeyExistsAsync("abuse:acme:alert:x"));
        Assert.True(await database.KeyExistsAsync("other:acme:incident:c1"));
        Assert.Equal("2", await database.StringGetAsync("abuse:key-layout"));
    }

    [Theory]
    [InlineData("abuse:acme:incident:c1", "abuse:{acme}:incident:c1")]
    [InlineData("abuse:acme:agent:a7:history", "abuse:{acme}:agent:a7:history")]
    [InlineData("abuse:{acme}:incident:c1", null)]
    [InlineData("abuse:key-layout", null)]
    [InlineData("abuse:acme", null)]
    [InlineData("abuse::x", null)]
    public void CurrentName_Key_TheTenantBecomesTheHashTag(string key, string? expected)
    {
        Assert.Equal(expected, RedisKeyLayout.CurrentName(key, "abuse"));
    }
}
