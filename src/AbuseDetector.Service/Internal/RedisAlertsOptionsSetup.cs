using System.Globalization;
using AbuseDetector.Alerts.Redis;
using Microsoft.Extensions.Options;

namespace AbuseDetector.Service.Internal;

/// <summary>
/// Fills the Redis connection from the service's own settings, the one place they are set: the server from
/// <c>--redis</c> (<c>embedded</c> is 127.0.0.1:<see cref="AbuseDetectorServiceOptions.EmbeddedRedisPort"/>),
/// <c>RedisPassword</c> and <c>RedisUseTls</c>; and the outbox journal beside the service's other data, one per gRPC
/// port, unless set (an empty value turns the journal off).
/// </summary>
internal sealed class RedisAlertsOptionsSetup(IOptions<AbuseDetectorServiceOptions> serviceOptions, IConfiguration configuration) : IPostConfigureOptions<RedisAlertsOptions>
{
    public void PostConfigure(string? name, RedisAlertsOptions options)
    {
        var settings = serviceOptions.Value;
        options.Configuration = settings.IsEmbeddedRedis
            ? string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{settings.EmbeddedRedisPort}")
            : settings.Redis;
        options.Password = settings.RedisPassword;
        options.UseTls = settings.RedisUseTls;
        if (configuration[$"{RedisAlertsOptions.SectionName}:{nameof(RedisAlertsOptions.OutboxJournalPath)}"] is null)
        {
            options.OutboxJournalPath = Path.Combine(settings.DataPath, string.Create(CultureInfo.InvariantCulture, $"outbox-{settings.GrpcPort}.journal"));
        }
        else if (string.IsNullOrWhiteSpace(options.OutboxJournalPath))
        {
            options.OutboxJournalPath = null;
        }
    }
}
