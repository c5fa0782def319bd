namespace AbuseDetector.Service.Internal;

/// <summary>
/// The calls live in this process, keyed by tenant and call id, so the same call cannot be streamed twice at once,
/// with a count per tenant, so one tenant cannot take every call the service has room for.
/// </summary>
internal sealed class CallRegistry
{
    private readonly Lock _gate = new();
    private readonly HashSet<(string TenantId, string CallId)> _live = [];
    private readonly Dictionary<string, int> _perTenant = new(StringComparer.Ordinal);

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _live.Count;
            }
        }
    }

    /// <summary>
    /// Registers a call; refuses it when it is already live, when <paramref name="maxCalls"/> calls are live,
    /// or when <paramref name="maxCallsPerTenant"/> calls of its tenant are live.
    /// </summary>
    public CallRegistration TryAdd(string tenantId, string callId, int maxCalls, int maxCallsPerTenant)
    {
        lock (_gate)
        {
            if (_live.Contains((tenantId, callId)))
            {
                return CallRegistration.AlreadyLive;
            }

            if (_live.Count >= maxCalls)
            {
                return CallRegistration.TooMany;
            }

            _perTenant.TryGetValue(tenantId, out var tenantCalls);
            if (tenantCalls >= maxCallsPerTenant)
            {
                return CallRegistration.TooManyForTenant;
            }

            _live.Add((tenantId, callId));
            _perTenant[tenantId] = tenantCalls + 1;
            return CallRegistration.Added;
        }
    }

    public void Remove(string tenantId, string callId)
    {
        lock (_gate)
        {
            if (!_live.Remove((tenantId, callId)))
            {
                return;
            }

            // Drop a tenant's entry at zero, so tenant ids seen once do not pile up.
            var tenantCalls = _perTenant[tenantId] - 1;
            if (tenantCalls == 0)
            {
                _perTenant.Remove(tenantId);
            }
            else
            {
                _perTenant[tenantId] = tenantCalls;
            }
        }
    }
}

/// <summary>The outcome of <see cref="CallRegistry.TryAdd"/>.</summary>
internal enum CallRegistration
{
    Added,
    AlreadyLive,
    TooMany,
    TooManyForTenant,
}
