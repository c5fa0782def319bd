using AbuseDetector.Alerts.Redis;
using AbuseDetector.Monitoring;
using AbuseDetector.Service.Internal;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AbuseDetector.Service;

public static partial class AbuseDetectorServiceCollectionExtensions
{
    /// <summary>
    /// Adds alert delivery and incident storage as <c>AbuseDetector:Redis</c> says: on Redis (<c>host:port</c>, or
    /// <c>embedded</c>, which starts a local redis-server when none answers) through one <see cref="IConnectionMultiplexer"/>
    /// for the process, an outbox journalled to disk and one retry pipeline for writes; or, with <c>none</c>, within this
    /// process only and with no incidents. Either way the rest of the service sees <see cref="IAlertSink"/>,
    /// <see cref="IAlertFeed"/>, <see cref="IIncidentStore"/> and <see cref="ICallStateStore"/>.
    /// </summary>
    public static IServiceCollection AddAbuseDetectorAlerts(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var redis = configuration[$"{AbuseDetectorServiceOptions.SectionName}:{nameof(AbuseDetectorServiceOptions.Redis)}"] ?? AbuseDetectorServiceOptions.RedisEmbedded;
        var healthChecks = services.AddHealthChecks();
        if (string.Equals(redis, AbuseDetectorServiceOptions.RedisNone, StringComparison.OrdinalIgnoreCase))
        {
            services.TryAddSingleton<InProcessAlerts>();
            services.TryAddSingleton<IAlertSink>(provider => provider.GetRequiredService<InProcessAlerts>());
            services.TryAddSingleton<IAlertFeed>(provider => provider.GetRequiredService<InProcessAlerts>());
            services.TryAddSingleton<IIncidentStore, NoIncidentStore>();
            services.TryAddSingleton<ICallStateStore, NoCallStateStore>();
            services.AddHostedService<RedisOffNotice>();
            healthChecks.AddCheck("alerts", () => HealthCheckResult.Healthy("Redis is off: alerts reach this instance's watchers only"), [HttpHealthTag, AlertsHealthTag]);
            return services;
        }

        services.AddOptions<RedisAlertsOptions>().BindConfiguration(RedisAlertsOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<RedisAlertsOptions>, RedisAlertsOptionsSetup>());

        // Started before the calls are taken (the server starts after every hosted service), stopped after they drained.
        services.TryAddSingleton<RedisLink>();
        services.AddHostedService(provider => provider.GetRequiredService<RedisLink>());
        services.TryAddSingleton<IConnectionMultiplexer>(provider => provider.GetRequiredService<RedisLink>().Multiplexer);
        services.TryAddSingleton(provider => new RedisHealth(provider.GetRequiredService<IConnectionMultiplexer>(), provider.GetRequiredService<ILogger<RedisHealth>>()));
        services.TryAddSingleton(provider => new RedisWriteRetry(provider.GetRequiredService<RedisHealth>(), provider.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(provider => new RedisAlertPublisher(
            provider.GetRequiredService<IConnectionMultiplexer>(),
            provider.GetRequiredService<IOptions<RedisAlertsOptions>>().Value,
            provider.GetRequiredService<RedisWriteRetry>(),
            provider.GetRequiredService<IMeterFactory>(),
            provider.GetRequiredService<ILogger<RedisAlertPublisher>>()));
        services.TryAddSingleton<IAlertSink>(provider => provider.GetRequiredService<RedisAlertPublisher>());
        services.TryAddSingleton<IAlertFeed>(provider => new RedisAlertFeed(
            provider.GetRequiredService<IConnectionMultiplexer>(),
            provider.GetRequiredService<IOptions<RedisAlertsOptions>>().Value,
            timeProvider: provider.GetRequiredService<TimeProvider>(),
            logger: provider.GetRequiredService<ILogger<RedisAlertFeed>>()));
        services.TryAddSingleton(provider => new RedisIncidentStore(
            provider.GetRequiredService<IConnectionMultiplexer>(),
            provider.GetRequiredService<IOptions<RedisAlertsOptions>>().Value,
            provider.GetRequiredService<RedisWriteRetry>(),
            provider.GetRequiredService<ILogger<RedisIncidentStore>>()));
        services.TryAddSingleton<IIncidentStore>(provider => provider.GetRequiredService<RedisIncidentStore>());
        services.TryAddSingleton(provider => new RedisCallStateStore(
            provider.GetRequiredService<IConnectionMultiplexer>(),
            provider.GetRequiredService<IOptions<RedisAlertsOptions>>().Value,
            provider.GetRequiredService<LiveCallRegistry>().Keys,
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<RedisCallStateStore>>()));
        services.TryAddSingleton<ICallStateStore>(provider => provider.GetRequiredService<RedisCallStateStore>());

        // One check, reported twice: degraded on /health (calls are still scored), NOT_SERVING for the alerts' gRPC health name.
        healthChecks.AddCheck<RedisDeliveryHealthCheck>("alerts", HealthStatus.Degraded, [HttpHealthTag]);
        healthChecks.AddCheck<RedisDeliveryHealthCheck>("alerts-grpc", HealthStatus.Unhealthy, [AlertsHealthTag]);
        return services;
    }
}
