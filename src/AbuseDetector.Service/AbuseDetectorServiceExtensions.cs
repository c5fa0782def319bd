using System.Globalization;
using System.Net;
using AbuseDetector.Service.Internal;
using AbuseDetector.Web;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace AbuseDetector.Service;

/// <summary>Composes, maps and runs the AbuseDetector service: the host's whole wiring, one concern per call.</summary>
public static class AbuseDetectorServiceExtensions
{
    /// <summary>
    /// Adds the service: its settings from the <c>AbuseDetector</c> section and the short command-line flags (validated at
    /// start), Kestrel's two endpoints on the bind address, then detection, call monitoring, alerts, gRPC and telemetry.
    /// </summary>
    public static WebApplicationBuilder AddAbuseDetectorService(this WebApplicationBuilder builder, string[] args)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(args);

        // The host logs a start-up failure with its stack trace; RunAbuseDetectorServiceAsync prints the sentence instead.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);

        // One line per call at the default level: the framework's per-request lines only from Warning up.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Grpc", LogLevel.Warning);
        builder.Logging.AddFilter(typeof(ApiKeyAuthenticationHandler).FullName, LogLevel.Warning);

        // The health framework logs every unhealthy answer at Error; a Redis outage is already logged once, by the Redis side.
        builder.Logging.AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.Critical);
        builder.Configuration.AddCommandLine(args, AbuseDetectorServiceOptions.CommandLineSwitches.ToDictionary(StringComparer.Ordinal));

        var services = builder.Services;
        services.AddOptions<AbuseDetectorServiceOptions>().BindConfiguration(AbuseDetectorServiceOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<AbuseDetectorServiceOptions>, AbuseDetectorServiceOptionsSetup>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AbuseDetectorServiceOptions>, AbuseDetectorServiceOptionsValidator>());
        services.AddOptions<KestrelServerOptions>().Configure<IConfiguration>(ListenOnConfiguredEndpoints);
        services.AddOptions<HostOptions>().Configure<IConfiguration>(StopWithinShutdownTimeout);

        services.AddAbuseDetectorDetection()
            .AddAbuseDetectorMonitoring()
            .AddAbuseDetectorAlerts(builder.Configuration)
            .AddAbuseDetectorGrpc()
            .AddAbuseDetectorDashboard()
            .AddAbuseDetectorTelemetry(builder.Configuration);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<DashboardOptions>, DashboardTeamsSetup>());
        return builder;
    }

    /// <summary>
    /// Maps abuse_detector.v1.AbuseDetector (callers authenticated first), grpc.health.v1.Health and server reflection, and
    /// over HTTP: GET /alive (the process is up), GET /health (503 until the model is loaded; "degraded" but 200 while
    /// alerts cannot reach Redis), GET /metrics (Prometheus text), and the supervisor dashboard and agent panel
    /// (/supervisor, /agent, signed in by team token).
    /// </summary>
    public static WebApplication MapAbuseDetectorService(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);

        app.MapGet("/alive", () => Results.Text("alive"));
        app.MapHealthChecks("/health", new HealthCheckOptions
        {
            Predicate = registration => registration.Tags.Contains(AbuseDetectorServiceCollectionExtensions.HttpHealthTag),
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status200OK,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
            ResponseWriter = HealthText.WriteAsync,
        });
        app.MapAbuseDetectorTelemetry();
        app.MapAbuseDetectorGrpc();
        app.MapAbuseDetectorDashboard();
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

    /// <summary>
    /// Kestrel's options are built with the application, before start-up validation: the ports and address are read
    /// unvalidated, and bad ones are left to ValidateOnStart, which stops start-up with its sentence.
    /// </summary>
    private static void ListenOnConfiguredEndpoints(KestrelServerOptions kestrel, IConfiguration configuration)
    {
        var section = configuration.GetSection(AbuseDetectorServiceOptions.SectionName);
        var defaults = new AbuseDetectorServiceOptions();
        var address = IPAddress.TryParse(section[nameof(AbuseDetectorServiceOptions.BindAddress)] ?? defaults.BindAddress, out var parsed) ? parsed : IPAddress.Loopback;
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
    }

    /// <summary>
    /// The host's shutdown time, read unvalidated like Kestrel's ports (the host reads it before start-up validation runs,
    /// which reports a bad value with its sentence).
    /// </summary>
    private static void StopWithinShutdownTimeout(HostOptions host, IConfiguration configuration)
    {
        var text = configuration.GetSection(AbuseDetectorServiceOptions.SectionName)[nameof(AbuseDetectorServiceOptions.ShutdownTimeout)];
        host.ShutdownTimeout = TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var timeout) && timeout > TimeSpan.Zero
            ? timeout
            : new AbuseDetectorServiceOptions().ShutdownTimeout;
    }

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

    private static int? ReadPort(IConfigurationSection section, string key, int defaultPort)
    {
        var text = section[key];
        var port = text is null ? defaultPort : int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) ? parsed : -1;
        return port is >= IPEndPoint.MinPort and <= IPEndPoint.MaxPort ? port : null;
    }
}
