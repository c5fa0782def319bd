using System.Globalization;
using System.Net;
using AbuseDetector.Alerts.Redis;
using AbuseDetector.Escalation;
using AbuseDetector.Service.Internal;
using AbuseDetector.Transport.Grpc;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AbuseDetector.Service;

/// <summary>Registers, maps and runs the AbuseDetector service.</summary>
public static class AbuseDetectorServiceExtensions
{
    /// <summary>
    /// Adds the service: options from the <c>AbuseDetector</c> section (validated at start), the short command-line flags,
    /// Kestrel's two endpoints on the bind address (the gRPC one over TLS when a certificate is configured), the model
    /// (loaded once at start), the metrics and their Prometheus exporter, the gRPC transport and the service itself.
    /// </summary>
    public static WebApplicationBuilder AddAbuseDetectorService(this WebApplicationBuilder builder, string[] args)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(args);

        // The host logs a start-up failure with its stack trace; RunAbuseDetectorServiceAsync prints the sentence instead.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
        builder.Configuration.AddCommandLine(args, AbuseDetectorServiceOptions.CommandLineSwitches.ToDictionary(StringComparer.Ordinal));
        var services = builder.Services;
        services.AddOptions<AbuseDetectorServiceOptions>().BindConfiguration(AbuseDetectorServiceOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<AbuseDetectorServiceOptions>, AbuseDetectorServiceOptionsSetup>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AbuseDetectorServiceOptions>, AbuseDetectorServiceOptionsValidator>());
        services.AddOptions<KestrelServerOptions>().Configure<IConfiguration>((kestrel, configuration) =>
        {
            // Kestrel's options are built with the application, before start-up validation: read the ports unvalidated
            // and leave out-of-range ones to ValidateOnStart, which stops start-up with its sentence.
            var section = configuration.GetSection(AbuseDetectorServiceOptions.SectionName);
            var defaults = new AbuseDetectorServiceOptions();
            var address = ReadBindAddress(section, defaults.BindAddress);
            if (ReadPort(section, nameof(defaults.GrpcPort), defaults.GrpcPort) is { } grpcPort)
            {
                kestrel.Listen(address, grpcPort, listen =>
                {
                    listen.Protocols = HttpProtocols.Http2;
                    UseConfiguredHttps(listen, section);
                });
            }

            if (ReadPort(section, nameof(defaults.HttpPort), defaults.HttpPort) is { } httpPort)
            {
                kestrel.Listen(address, httpPort, listen => listen.Protocols = HttpProtocols.Http1);
            }
        });

        services.TryAddSingleton<LoadedModel>();
        services.AddHostedService<ModelLoadingService>();
        services.TryAddSingleton<CallRegistry>();
        services.TryAddSingleton<ApiKeyAuthenticator>();
        services.AddMetrics();
        services.TryAddSingleton<ServiceMetrics>();
        services.TryAddSingleton<PrometheusExporter>();
        services.AddHostedService<AuthenticationNoticeService>();
        services.AddOptions<EscalationOptions>().BindConfiguration(EscalationOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(provider => new ScriptBook(provider.GetRequiredService<IOptions<EscalationOptions>>().Value.Scripts));
        services.AddOptions<AbuseDetectorAlertOptions>().BindConfiguration(AbuseDetectorAlertOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<RedisAlertsOptions>().BindConfiguration(RedisAlertsOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<AlertHub>();
        services.TryAddSingleton<AlertDispatcher>();

        // Registered in this order so that at shutdown the incident keeper drains before the Redis connection closes.
        services.TryAddSingleton<RedisAlerts>();
        services.AddHostedService(provider => provider.GetRequiredService<RedisAlerts>());
        services.TryAddSingleton<IncidentKeeper>();
        services.AddHostedService(provider => provider.GetRequiredService<IncidentKeeper>());
        services.TryAddSingleton<CallHistory>();
        services.TryAddSingleton<AbuseDetectorGrpcService>();
        services.TryAddSingleton<HealthGrpcService>();
        services.TryAddSingleton<ServerReflectionGrpcService>();
        services.AddGrpcTransport();
        return builder;
    }

    /// <summary>
    /// Maps the abuse_detector.v1.AbuseDetector gRPC service with the standard grpc.health.v1.Health and
    /// grpc.reflection.v1alpha.ServerReflection services beside it, GET /alive (the process is up), GET /health (the model is loaded; "degraded" while Redis is unreachable)
    /// and GET /metrics (the AbuseDetector meters in the Prometheus text format).
    /// </summary>
    public static WebApplication MapAbuseDetectorService(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);

        app.MapGet("/alive", () => Results.Text("alive"));
        app.MapGet("/health", (LoadedModel model, RedisAlerts redis) => Health(model, redis));

        // Resolved now, so the exporter listens from the first call rather than from the first scrape.
        var exporter = app.Services.GetRequiredService<PrometheusExporter>();
        app.MapGet("/metrics", () => Results.Text(exporter.Scrape(), PrometheusExporter.ContentType));
        app.MapGrpcService(app.Services.GetRequiredService<AbuseDetectorGrpcService>().Build());
        app.MapGrpcService(app.Services.GetRequiredService<HealthGrpcService>().Build());
        app.MapGrpcService(app.Services.GetRequiredService<ServerReflectionGrpcService>().Build());
        return app;
    }

    /// <summary>Runs the service until shut down; a bad setting or model prints one sentence to standard error and returns 1.</summary>
    public static async Task<int> RunAbuseDetectorServiceAsync(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        try
        {
            await app.RunAsync();
            return 0;
        }
        catch (Exception ex) when (StartupFailure(ex) is { } sentence)
        {
            await Console.Error.WriteLineAsync(sentence);
            return 1;
        }
    }

    /// <summary>
    /// The bind address, read unvalidated like the ports; one that does not parse falls back to loopback, and an
    /// unsafe one is left to ValidateOnStart, which stops start-up before Kestrel binds.
    /// </summary>
    private static IPAddress ReadBindAddress(IConfigurationSection section, string defaultAddress) =>
        IPAddress.TryParse(section[nameof(AbuseDetectorServiceOptions.BindAddress)] ?? defaultAddress, out var address) ? address : IPAddress.Loopback;

    /// <summary>
    /// Serves the gRPC endpoint over TLS when a certificate is configured. A certificate that cannot be loaded fails every
    /// handshake rather than falling back to cleartext; ValidateOnStart then stops start-up with the reason.
    /// </summary>
    private static void UseConfiguredHttps(ListenOptions listen, IConfigurationSection section)
    {
        if (section[nameof(AbuseDetectorServiceOptions.CertificatePath)] is not { Length: > 0 } path)
        {
            return;
        }

        var certificate = ServerCertificate.TryLoad(
            path, section[nameof(AbuseDetectorServiceOptions.CertificateKeyPath)], section[nameof(AbuseDetectorServiceOptions.CertificatePassword)]);
        listen.UseHttps(certificate is not null
            ? new HttpsConnectionAdapterOptions { ServerCertificate = certificate }
            : new HttpsConnectionAdapterOptions { ServerCertificateSelector = static (_, _) => null });
    }

    /// <summary>
    /// 503 until the model is loaded. A Redis outage reads "degraded" but stays 200: calls are still scored and answered,
    /// and alerts wait in the outbox, so taking the instance out of rotation would only make things worse.
    /// </summary>
    private static IResult Health(LoadedModel model, RedisAlerts redis)
    {
        if (!model.IsLoaded)
        {
            return Results.Text("model not loaded", statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        if (redis.Connection is { IsConnected: false } connection)
        {
            var waiting = redis.Publisher?.OutboxDepth ?? 0;
            return Results.Text(string.Create(CultureInfo.InvariantCulture, $"degraded: Redis unreachable ({connection.LastFailure ?? "no answer"}); {waiting} alerts waiting"));
        }

        return Results.Text("healthy");
    }

    private static int? ReadPort(IConfigurationSection section, string key, int defaultPort)
    {
        var text = section[key];
        var port = text is null ? defaultPort : int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) ? parsed : -1;
        return port is >= IPEndPoint.MinPort and <= IPEndPoint.MaxPort ? port : null;
    }

    /// <summary>The sentence to print for an exception that stops start-up, or null for a surprise.</summary>
    internal static string? StartupFailure(Exception exception) => exception switch
    {
        OptionsValidationException validation => string.Join(" ", validation.Failures),
        AggregateException aggregate when aggregate.InnerExceptions.All(e => StartupFailure(e) is not null)
            => string.Join(" ", aggregate.InnerExceptions.Select(e => StartupFailure(e))),
        Detection.ModelFormatException model => model.Message,
        InvalidOperationException { InnerException: ArgumentException { InnerException: FormatException } } binding => binding.Message,
        IOException io => io.Message,
        UnauthorizedAccessException access => access.Message,
        _ => null,
    };
}
