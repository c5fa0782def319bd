namespace AbuseDetector.Monitoring;

/// <summary>
/// The calls live in this process, keyed by tenant and call id, so the same call cannot be streamed twice at once,
/// with a count per tenant, so one tenant cannot take every call the service has room for; and what watchers see of
/// each (<see cref="LiveCall"/>) once its monitor has started.
/// </summary>
public sealed class LiveCallRegistry
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(string TenantId, string CallId), LiveCall?> _live = [];
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
            if (_live.ContainsKey((tenantId, callId)))
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

            _live.Add((tenantId, callId), null);
            _perTenant[tenantId] = tenantCalls + 1;
            return CallRegistration.Added;
        }
    }

    /// <summary>Shows a registered call to watchers, once its monitor has started.</summary>
    /// <param name="call">The call's live view.</param>
    public void Show(LiveCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var key = (call.Call.TenantId, call.Call.CallId);
        lock (_gate)
        {
            if (!_live.ContainsKey(key))
            {
                throw new InvalidOperationException("Only a registered call can be shown.");
            }

            _live[key] = call;
        }
    }

    /// <summary>The live calls of one team, as shown.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="teamId">The team.</param>
    /// <returns>The team's calls, in no particular order.</returns>
    public IReadOnlyList<LiveCall> OfTeam(string tenantId, string teamId) =>
        Where(c => string.Equals(c.Call.TenantId, tenantId, StringComparison.Ordinal) && string.Equals(c.Call.TeamId, teamId, StringComparison.Ordinal));

    /// <summary>The agent's live call in a team: the one started last when the platform streams more than one.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="teamId">The team.</param>
    /// <param name="agentId">The agent.</param>
    /// <returns>The call, or null when the agent has none in that team.</returns>
    public LiveCall? OfAgent(string tenantId, string teamId, string agentId) =>
        Where(c => string.Equals(c.Call.TenantId, tenantId, StringComparison.Ordinal)
                && string.Equals(c.Call.TeamId, teamId, StringComparison.Ordinal)
                && string.Equals(c.Call.AgentId, agentId, StringComparison.Ordinal))
            .MaxBy(c => c.StartedAt);

    /// <summary>A live call by its id.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="callId">The call.</param>
    /// <returns>The call, or null when it is not live here (or not shown yet).</returns>
    public LiveCall? Find(string tenantId, string callId)
    {
        lock (_gate)
        {
            return _live.GetValueOrDefault((tenantId, callId));
        }
    }

    /// <summary>The calls live now, by tenant and call id.</summary>
    /// <returns>A copy.</returns>
    public IReadOnlyList<(string TenantId, string CallId)> Keys()
    {
        lock (_gate)
        {
            return [.. _live.Keys];
        }
    }

    /// <summary>Removes a call that has ended; requests still waiting for it are answered "not taken".</summary>
    /// <param name="tenantId">The call's tenant.</param>
    /// <param name="callId">The call.</param>
    public void Remove(string tenantId, string callId)
    {
        LiveCall? shown;
        lock (_gate)
        {
            if (!_live.Remove((tenantId, callId), out shown))
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

        shown?.Close();
    }

    private List<LiveCall> Where(Func<LiveCall, bool> match)
    {
        var found = new List<LiveCall>();
        lock (_gate)
        {
            foreach (var call in _live.Values)
            {
                if (call is not null && match(call))
                {
                    found.Add(call);
                }
            }
        }

        return found;
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
