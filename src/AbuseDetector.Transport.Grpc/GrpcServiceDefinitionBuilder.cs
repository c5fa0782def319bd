using AbuseDetector.Transport.Grpc.Internal;

namespace AbuseDetector.Transport.Grpc;

/// <summary>Collects the methods of one service; see <see cref="GrpcServiceDefinition.CreateBuilder(string)"/>.</summary>
public sealed class GrpcServiceDefinitionBuilder
{
    private readonly string _serviceName;
    private readonly List<GrpcMethodEntry> _methods = [];

    internal GrpcServiceDefinitionBuilder(string serviceName)
    {
        ValidateName(serviceName, nameof(serviceName));
        _serviceName = serviceName;
    }

    /// <summary>Adds a unary method.</summary>
    /// <typeparam name="TRequest">The request message type.</typeparam>
    /// <typeparam name="TResponse">The response message type.</typeparam>
    /// <param name="name">The method name as in the <c>.proto</c> file.</param>
    /// <param name="requestMarshaller">Reads requests.</param>
    /// <param name="responseMarshaller">Writes responses.</param>
    /// <param name="handler">The method.</param>
    /// <returns>This builder.</returns>
    public GrpcServiceDefinitionBuilder AddUnaryMethod<TRequest, TResponse>(
        string name, Marshaller<TRequest> requestMarshaller, Marshaller<TResponse> responseMarshaller, UnaryServerMethod<TRequest, TResponse> handler)
    {
        Check(name, requestMarshaller, responseMarshaller, handler);
        return Add(name, async call =>
        {
            var request = await call.ReadSingleMessageAsync(requestMarshaller);
            var response = await handler(request, call.Context);
            if (call.Context.Status.IsOk)
            {
                await call.WriteMessageAsync(response, responseMarshaller, CancellationToken.None);
            }
        });
    }

    /// <summary>Adds a server-streaming method.</summary>
    /// <typeparam name="TRequest">The request message type.</typeparam>
    /// <typeparam name="TResponse">The response message type.</typeparam>
    /// <param name="name">The method name as in the <c>.proto</c> file.</param>
    /// <param name="requestMarshaller">Reads requests.</param>
    /// <param name="responseMarshaller">Writes responses.</param>
    /// <param name="handler">The method.</param>
    /// <returns>This builder.</returns>
    public GrpcServiceDefinitionBuilder AddServerStreamingMethod<TRequest, TResponse>(
        string name, Marshaller<TRequest> requestMarshaller, Marshaller<TResponse> responseMarshaller, ServerStreamingServerMethod<TRequest, TResponse> handler)
    {
        Check(name, requestMarshaller, responseMarshaller, handler);
        return Add(name, async call =>
        {
            var request = await call.ReadSingleMessageAsync(requestMarshaller);
            await handler(request, new HttpContextStreamWriter<TResponse>(call, responseMarshaller), call.Context);
        });
    }

    /// <summary>Adds a client-streaming method.</summary>
    /// <typeparam name="TRequest">The request message type.</typeparam>
    /// <typeparam name="TResponse">The response message type.</typeparam>
    /// <param name="name">The method name as in the <c>.proto</c> file.</param>
    /// <param name="requestMarshaller">Reads requests.</param>
    /// <param name="responseMarshaller">Writes responses.</param>
    /// <param name="handler">The method.</param>
    /// <returns>This builder.</returns>
    public GrpcServiceDefinitionBuilder AddClientStreamingMethod<TRequest, TResponse>(
        string name, Marshaller<TRequest> requestMarshaller, Marshaller<TResponse> responseMarshaller, ClientStreamingServerMethod<TRequest, TResponse> handler)
    {
        Check(name, requestMarshaller, responseMarshaller, handler);
        return Add(name, async call =>
        {
            var response = await handler(new HttpContextStreamReader<TRequest>(call, requestMarshaller), call.Context);
            if (call.Context.Status.IsOk)
            {
                await call.WriteMessageAsync(response, responseMarshaller, CancellationToken.None);
            }
        });
    }

    /// <summary>Adds a bidirectional streaming method.</summary>
    /// <typeparam name="TRequest">The request message type.</typeparam>
    /// <typeparam name="TResponse">The response message type.</typeparam>
    /// <param name="name">The method name as in the <c>.proto</c> file.</param>
    /// <param name="requestMarshaller">Reads requests.</param>
    /// <param name="responseMarshaller">Writes responses.</param>
    /// <param name="handler">The method.</param>
    /// <returns>This builder.</returns>
    public GrpcServiceDefinitionBuilder AddDuplexStreamingMethod<TRequest, TResponse>(
        string name, Marshaller<TRequest> requestMarshaller, Marshaller<TResponse> responseMarshaller, DuplexStreamingServerMethod<TRequest, TResponse> handler)
    {
        Check(name, requestMarshaller, responseMarshaller, handler);
        return Add(name, call => handler(
            new HttpContextStreamReader<TRequest>(call, requestMarshaller),
            new HttpContextStreamWriter<TResponse>(call, responseMarshaller),
            call.Context));
    }

    /// <summary>Finishes the definition.</summary>
    /// <returns>The service definition.</returns>
    /// <exception cref="InvalidOperationException">No method was added.</exception>
    public GrpcServiceDefinition Build()
    {
        if (_methods.Count == 0)
        {
            throw new InvalidOperationException($"The service '{_serviceName}' has no methods.");
        }

        return new GrpcServiceDefinition(_serviceName, [.. _methods]);
    }

    private GrpcServiceDefinitionBuilder Add(string name, Func<GrpcServerCall, Task> invoke)
    {
        _methods.Add(new GrpcMethodEntry(name, invoke));
        return this;
    }

    private void Check(string name, object requestMarshaller, object responseMarshaller, object handler)
    {
        ValidateName(name, nameof(name));
        ArgumentNullException.ThrowIfNull(requestMarshaller);
        ArgumentNullException.ThrowIfNull(responseMarshaller);
        ArgumentNullException.ThrowIfNull(handler);
        if (_methods.Exists(m => string.Equals(m.Name, name, StringComparison.Ordinal)))
        {
            throw new ArgumentException($"The service '{_serviceName}' already has a method '{name}'.", nameof(name));
        }
    }

    private static void ValidateName(string name, string parameterName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name, parameterName);
        if (name.Contains('/', StringComparison.Ordinal) || name.Contains('{', StringComparison.Ordinal) || name.Contains('}', StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{name}' is not a valid gRPC name: it may not contain '/', '{{' or '}}'.", parameterName);
        }
    }
}
