using System.Globalization;
using AbuseDetector.Alerts.Redis;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AbuseDetector.Service.Internal;

/// <summary>
/// Whether alerts reach Redis now: the registration's failure status while Redis is unreachable, refuses the password or
/// refuses writes (alerts then wait in the outbox and the journal, and nothing is lost).
/// </summary>
internal sealed class RedisDeliveryHealthCheck(RedisHealth redis, RedisAlertPublisher publisher) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (redis.Problem is not { } problem)
        {
            return Task.FromResult(HealthCheckResult.Healthy("alerts reach Redis"));
        }

        var description = string.Create(CultureInfo.InvariantCulture, $"{problem}; {publisher.OutboxDepth} alerts waiting");
        return Task.FromResult(new HealthCheckResult(context.Registration.FailureStatus, description));
    }
}
