namespace AbuseDetector.Service.Internal;

/// <summary>Says once at start that Redis is off, and what that costs.</summary>
internal sealed class RedisOffNotice(ILogger<RedisOffNotice> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        ServiceLog.RedisOff(logger);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
