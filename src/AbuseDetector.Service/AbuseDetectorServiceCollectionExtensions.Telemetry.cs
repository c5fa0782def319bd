using AbuseDetector.Alerts.Redis;
using AbuseDetector.Service.Internal;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry.Metrics;

namespace AbuseDetector.Service;

public static partial class AbuseDetectorServiceCollectionExtensions
{
    /// <summary>The setting that turns OTLP export on, read by the OpenTelemetry exporter itself (standard variable name).</summary>
    internal const string OtlpEndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>
    /// Adds the service's meters (<c>AbuseDetector</c> and <c>AbuseDetector.Alerts</c>, made through <c>IMeterFactory</c>) and
    /// OpenTelemetry metrics over them: Prometheus text at /metrics, and OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set.
    /// </summary>
    public static IServiceCollection AddAbuseDetectorTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddMetrics();
        services.TryAddSingleton<ServiceMetrics>();
        var exportOtlp = !string.IsNullOrWhiteSpace(configuration[OtlpEndpointSetting]);
        services.AddOpenTelemetry().WithMetrics(metrics =>
        {
            metrics.AddMeter(ServiceMetrics.MeterName, RedisAlertPublisher.MeterName);

            // No scrape cache: a scrape right after a call must see it.
            metrics.AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0);
            if (exportOtlp)
            {
                metrics.AddOtlpExporter();
            }
        });
        return services;
    }

    /// <summary>
    /// Maps GET /metrics, and creates the meter provider and then the service's instruments now, so the provider sees their
    /// first measurements (counters start at 0) and the first scrape already lists them.
    /// </summary>
    internal static void MapAbuseDetectorTelemetry(this WebApplication app)
    {
        app.Services.GetRequiredService<MeterProvider>();
        app.Services.GetRequiredService<ServiceMetrics>();
        app.MapPrometheusScrapingEndpoint("/metrics");
    }
}
