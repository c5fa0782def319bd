namespace AbuseDetector.Monitoring;

/// <summary>
/// The calls live in this process, keyed by tenant and call id, so the same call cannot be streamed twice at once,
/// with a count per tenant, so one tenant cannot take every call the service has room for.
/// </summary>
public sealed class LiveCallRegistry
{
    private readonly Lock _gate = new();
    private readonly HashSet<(string TenantId, string CallId)> _live = [];
    private readonly Dictionary<string, int> _perTenant = new(StringComparer.Ordinal);

    /// <summary>Gets the calls live now.</summary>
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
    /// <param name="tenantId">The call's tenant.</param>
    /// <param name="callId">The call.</param>
    /// <param name="maxCalls">The most calls live at once.</param>
    /// <param name="maxCallsPerTenant">The most calls of one tenant live at once.</param>
    /// <returns>Whether the call was added, and why not.</returns>
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

    /// <summary>Removes a call that has ended.</summary>
    /// <param name="tenantId">The call's tenant.</param>
    /// <param name="callId">The call.</param>
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

/// <summary>The outcome of <see cref="LiveCallRegistry.TryAdd"/>.</summary>
public enum CallRegistration
{
    /// <summary>The call is registered.</summary>
    Added,

    /// <summary>A call with this id is already live for the tenant.</summary>
    AlreadyLive,

    /// <summary>The service has as many calls as it is configured for.</summary>
    TooMany,

    /// <summary>The tenant has as many calls as it is allowed.</summary>
    TooManyForTenant,
}
