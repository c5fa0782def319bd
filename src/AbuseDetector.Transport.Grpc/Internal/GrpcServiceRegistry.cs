namespace AbuseDetector.Transport.Grpc.Internal;

/// <summary>
/// Registered by <see cref="GrpcServiceCollectionExtensions.AddGrpcTransport"/>: proves it was called, and
/// remembers which services are mapped so a service is mapped once and the UNIMPLEMENTED catch-all route once.
/// </summary>
internal sealed class GrpcServiceRegistry
{
    private readonly HashSet<string> _services = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private bool _catchAllMapped;

    /// <summary>Records <paramref name="serviceName"/>; returns <see langword="false"/> when it was already mapped.</summary>
    public bool TryAddService(string serviceName)
    {
        lock (_lock)
        {
            return _services.Add(serviceName);
        }
    }

    /// <summary>Returns <see langword="true"/> the first time only.</summary>
    public bool TryMarkCatchAllMapped()
    {
        lock (_lock)
        {
            if (_catchAllMapped)
            {
                return false;
            }

            _catchAllMapped = true;
            return true;
        }
    }
}
