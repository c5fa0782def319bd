namespace AbuseDetector.Alerts.Redis.Internal;

/// <summary>The most recent ids seen, for dropping duplicates in bounded memory: the oldest id is forgotten first.</summary>
internal sealed class BoundedIdSet(int capacity)
{
    private readonly HashSet<string> _ids = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();

    public bool Contains(string id) => _ids.Contains(id);

    /// <summary>Remembers the id; false when it was already remembered.</summary>
    public bool Add(string id)
    {
        if (!_ids.Add(id))
        {
            return false;
        }

        _order.Enqueue(id);
        if (_order.Count > capacity)
        {
            _ids.Remove(_order.Dequeue());
        }

        return true;
    }
}
