using System.Collections.Concurrent;
using System.Diagnostics;

namespace AbuseDetector.LoadTest;

/// <summary>
/// When each chunk of one call was sent (Stopwatch timestamps), in a ring indexed by seq; the seq is kept beside its
/// timestamp so a lookup for a seq the ring has already overwritten fails instead of returning a wrong time.
/// </summary>
internal sealed class CallSendTimes(int capacity)
{
    private readonly long[] _at = new long[capacity];
    private readonly ulong[] _seq = new ulong[capacity];

    public void Sent(ulong seq)
    {
        var slot = (int)(seq % (ulong)_at.Length);
        Volatile.Write(ref _at[slot], Stopwatch.GetTimestamp());
        Volatile.Write(ref _seq[slot], seq);
    }

    public bool TryGet(ulong seq, out long sentAt)
    {
        var slot = (int)(seq % (ulong)_at.Length);
        sentAt = Volatile.Read(ref _at[slot]);
        return Volatile.Read(ref _seq[slot]) == seq;
    }
}

/// <summary>The send times of every call of the run, by call id, for matching alerts that arrive on Redis.</summary>
internal sealed class SendTimes
{
    private readonly ConcurrentDictionary<string, CallSendTimes> _calls = new(StringComparer.Ordinal);

    public void Add(string callId, CallSendTimes times) => _calls[callId] = times;

    public bool TryGet(string callId, ulong seq, out long sentAt)
    {
        sentAt = 0;
        return _calls.TryGetValue(callId, out var times) && times.TryGet(seq, out sentAt);
    }
}
