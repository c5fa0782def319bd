using AbuseDetector.Transport.Grpc.Internal;

namespace AbuseDetector.Transport.Grpc;

/// <summary>
/// A service's name and methods, ready to map with
/// <see cref="GrpcEndpointRouteBuilderExtensions.MapGrpcService(Microsoft.AspNetCore.Routing.IEndpointRouteBuilder, GrpcServiceDefinition)"/>.
/// Create one with <see cref="CreateBuilder(string)"/>.
/// </summary>
public sealed class GrpcServiceDefinition
{
    internal GrpcServiceDefinition(string serviceName, IReadOnlyList<GrpcMethodEntry> methods)
    {
        ServiceName = serviceName;
        Methods = methods;
    }

    /// <summary>Gets the full service name, <c>package.Service</c>.</summary>
    public string ServiceName { get; }

    /// <summary>Gets the names of the service's methods.</summary>
    public IEnumerable<string> MethodNames => Methods.Select(m => m.Name);

    internal IReadOnlyList<GrpcMethodEntry> Methods { get; }

    /// <summary>Starts a service definition.</summary>
    /// <param name="serviceName">The full service name as in the <c>.proto</c> file, <c>package.Service</c>, for example <c>abuse_detector.v1.AbuseDetector</c>.</param>
    /// <returns>A builder to add methods to.</returns>
    public static GrpcServiceDefinitionBuilder CreateBuilder(string serviceName) => new(serviceName);
}
