using AbuseDetector.Alerts.Redis;

namespace AbuseDetector.Testing.Service;

/// <summary>A real redis-server on a free loopback port and the real service publishing to it, shared by the tests of a class.</summary>
public class RedisServiceFixture : ServiceFixtureBase
{
    private RedisServerProcess? _redis;

    public RedisServerProcess Redis => _redis ?? throw new InvalidOperationException("The fixture has not started.");

    public override async Task InitializeAsync()
    {
        _redis = await RedisServerProcess.StartNewAsync();
        await StartServiceAsync(new Dictionary<string, string?> { ["AbuseDetector:Redis"] = _redis.Configuration });
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }
}
