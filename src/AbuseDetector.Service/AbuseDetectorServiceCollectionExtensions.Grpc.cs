using AbuseDetector.Service.Internal;
using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AbuseDetector.Service;

public static partial class AbuseDetectorServiceCollectionExtensions
{
    private const string CallerPolicy = "AbuseDetectorCaller";

    // Health and reflection answer anyone: their requests are tiny, so an unauthenticated caller cannot make the server buffer more.
    private const int OpenServiceMaxReceiveMessageSize = 16 * 1024;

    /// <summary>
    /// Adds the gRPC server (Grpc.AspNetCore): abuse_detector.v1.AbuseDetector behind API-key authentication (per tenant,
    /// refused before any request message is read), grpc.health.v1 fed by the same health checks as /health, and server
    /// reflection. Message size limits as grpc-dotnet enforces them.
    /// </summary>
    public static IServiceCollection AddAbuseDetectorGrpc(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<TenantApiKeys>();
        services.AddHostedService<AuthenticationNoticeService>();
        // The authentication core only: AddAuthentication would also bring data protection, which keeps a key ring on disk for cookies this service never issues.
        services.AddAuthenticationCore(authentication => authentication.DefaultScheme = ApiKeyAuthenticationHandler.SchemeName);
        services.AddWebEncoders();
        new AuthenticationBuilder(services).AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, configureOptions: null);
        services.AddAuthorization(authorization => authorization.AddPolicy(
            CallerPolicy, policy => policy.AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName).RequireAuthenticatedUser()));

        services.AddGrpc(grpc => grpc.MaxReceiveMessageSize = OpenServiceMaxReceiveMessageSize);
        services.AddOptions<GrpcServiceOptions<AbuseDetectorGrpcService>>()
            .Configure<IConfiguration>((grpc, configuration) =>
            {
                // Read when the service is mapped, before start-up validation: an unreadable value falls back to the
                // default here, and ValidateOnStart then stops start-up with its sentence.
                var limit = configuration.GetSection(AbuseDetectorServiceOptions.SectionName).GetValue(
                    nameof(AbuseDetectorServiceOptions.MaxReceiveMessageSize), new AbuseDetectorServiceOptions().MaxReceiveMessageSize);
                grpc.MaxReceiveMessageSize = limit;
                grpc.MaxSendMessageSize = limit;
            });
        services.TryAddSingleton<AbuseDetectorGrpcService>();

        services.AddGrpcHealthChecks(health =>
            {
                health.Services.Map("", check => check.Tags.Contains(ServingHealthTag));
                health.Services.Map(AbuseDetectorGrpcService.ServiceName, check => check.Tags.Contains(ServingHealthTag));
                health.Services.Map(AlertsHealthServiceName, check => check.Tags.Contains(AlertsHealthTag));
            })
            .AddCheck<ServingHealthCheck>("serving", tags: [HttpHealthTag, ServingHealthTag]);
        services.AddGrpcReflection();
        return services;
    }

    /// <summary>Maps the gRPC services.</summary>
    internal static void MapAbuseDetectorGrpc(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGrpcService<AbuseDetectorGrpcService>().RequireAuthorization(CallerPolicy);
        endpoints.MapGrpcHealthChecksService();
        endpoints.MapGrpcReflectionService();
    }
}
