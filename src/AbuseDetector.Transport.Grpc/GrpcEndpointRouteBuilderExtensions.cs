using AbuseDetector.Transport.Grpc.Internal;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AbuseDetector.Transport.Grpc;

/// <summary>Maps gRPC services to endpoints.</summary>
public static class GrpcEndpointRouteBuilderExtensions
{
    private const string LoggerCategory = "AbuseDetector.Transport.Grpc.Server";

    /// <summary>
    /// Maps <c>POST /{package.Service}/{Method}</c> for each method of <paramref name="service"/>, and (once) a catch-all
    /// <c>POST</c> route that answers gRPC requests to any other path with UNIMPLEMENTED.
    /// </summary>
    /// <param name="endpoints">The endpoint route builder, for example the <c>WebApplication</c>.</param>
    /// <param name="service">The service.</param>
    /// <returns>A builder that applies conventions to every endpoint of the service.</returns>
    /// <exception cref="InvalidOperationException"><c>AddGrpcTransport</c> was not called, or the service is already mapped.</exception>
    public static IEndpointConventionBuilder MapGrpcService(this IEndpointRouteBuilder endpoints, GrpcServiceDefinition service)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(service);

        var provider = endpoints.ServiceProvider;
        var registry = provider.GetService<GrpcServiceRegistry>()
            ?? throw new InvalidOperationException("The gRPC transport is not registered: call services.AddGrpcTransport() before MapGrpcService.");
        if (!registry.TryAddService(service.ServiceName))
        {
            throw new InvalidOperationException($"The gRPC service '{service.ServiceName}' is already mapped.");
        }

        var dependencies = new GrpcServerDependencies(
            provider.GetRequiredService<IOptions<GrpcServerOptions>>().Value,
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILoggerFactory>().CreateLogger(LoggerCategory));

        var builders = new List<IEndpointConventionBuilder>();
        foreach (var method in service.Methods)
        {
            var fullName = $"/{service.ServiceName}/{method.Name}";
            var invoke = method.Invoke;
            RequestDelegate handler = httpContext => GrpcServerCall.HandleAsync(httpContext, dependencies, fullName, invoke);
            builders.Add(endpoints.MapMethods(fullName, [HttpMethods.Post], handler).WithDisplayName($"gRPC - {fullName}"));
        }

        if (registry.TryMarkCatchAllMapped())
        {
            RequestDelegate unimplemented = httpContext => GrpcServerCall.HandleUnimplementedAsync(httpContext, dependencies);
            endpoints.MapMethods("/{**unimplementedPath}", [HttpMethods.Post], unimplemented).WithDisplayName("gRPC - unimplemented method");
        }

        return new CompositeEndpointConventionBuilder(builders);
    }

    private sealed class CompositeEndpointConventionBuilder(List<IEndpointConventionBuilder> builders) : IEndpointConventionBuilder
    {
        public void Add(Action<EndpointBuilder> convention)
        {
            foreach (var builder in builders)
            {
                builder.Add(convention);
            }
        }

        public void Finally(Action<EndpointBuilder> finallyConvention)
        {
            foreach (var builder in builders)
            {
                builder.Finally(finallyConvention);
            }
        }
    }
}
