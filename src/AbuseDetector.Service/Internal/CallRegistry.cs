using System.Collections.Concurrent;

namespace AbuseDetector.Service.Internal;

/// <summary>The calls live in this process, keyed by tenant and call id, so the same call cannot be streamed twice at once.</summary>
internal sealed class CallRegistry
{
    private readonly ConcurrentDictionary<(string TenantId, string CallId), byte> _live = new();
    private int _count;

    public int Count => Volatile.Read(ref _count);

    /// <summary>Registers a call; false when it is already live or <paramref name="maxCalls"/> calls are live.</summary>
    public CallRegistration TryAdd(string tenantId, string callId, int maxCalls)
    {
        if (Interlocked.Increment(ref _count) > maxCalls)
        {
            Interlocked.Decrement(ref _count);
            return CallRegistration.TooMany;
        }

        if (!_live.TryAdd((tenantId, callId), 0))
        {
            Interlocked.Decrement(ref _count);
            return CallRegistration.AlreadyLive;
        }

        return CallRegistration.Added;
    }

    public void Remove(string tenantId, string callId)
    {
        if (_live.TryRemove((tenantId, callId), out _))
        {
            Interlocked.Decrement(ref _count);
        }
    }
}

/// <summary>The outcome of <see cref="CallRegistry.TryAdd"/>.</summary>
internal enum CallRegistration
{
    Added,
    AlreadyLive,
    TooMany,
}
