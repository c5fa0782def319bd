using AbuseDetector.Transport.Grpc.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AbuseDetector.Transport.Grpc;

/// <summary>Registers the gRPC transport's services.</summary>
public static class GrpcServiceCollectionExtensions
{
    /// <summary>
    /// Adds the gRPC server: options (validated when the host starts), routing and a <see cref="TimeProvider"/>
    /// (the system clock unless one is registered). Map services with
    /// <see cref="GrpcEndpointRouteBuilderExtensions.MapGrpcService(Microsoft.AspNetCore.Routing.IEndpointRouteBuilder, GrpcServiceDefinition)"/>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets options; may be <see langword="null"/>.</param>
    /// <returns><paramref name="services"/>.</returns>
    public static IServiceCollection AddGrpcTransport(this IServiceCollection services, Action<GrpcServerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);

        var options = services.AddOptions<GrpcServerOptions>().ValidateDataAnnotations().ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.AddRouting();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<GrpcServiceRegistry>();
        return services;
    }
}
