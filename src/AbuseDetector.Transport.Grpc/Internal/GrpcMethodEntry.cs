namespace AbuseDetector.Transport.Grpc.Internal;

/// <summary>One method of a service: its name and the typed invoker built by <see cref="GrpcServiceDefinitionBuilder"/>.</summary>
/// <param name="Name">The method name.</param>
/// <param name="Invoke">Reads the request(s), runs the handler and writes the response(s) of one call.</param>
internal sealed record GrpcMethodEntry(string Name, Func<GrpcServerCall, Task> Invoke);
