using AbuseDetector.Escalation;

namespace AbuseDetector.Alerts.Redis.Internal;

/// <summary>An alert waiting in the outbox, serialized once for the journal and every publish attempt.</summary>
/// <param name="alert">The alert.</param>
/// <param name="payload">Its JSON.</param>
/// <param name="token">
/// Unique to this enqueue and stored as the dedupe key's value, so a retry of an attempt that ran in Redis but whose
/// reply was lost or late is told apart from a second alert with the same id: published, not a duplicate. Kept in the
/// journal, so a replay after a crash is recognised the same way.
/// </param>
/// <param name="enqueuedAt">When it was enqueued, as a timestamp of the publisher's clock.</param>
internal sealed class OutboxItem(Alert alert, byte[] payload, string token, long enqueuedAt)
{
    public Alert Alert { get; } = alert;

    public byte[] Payload { get; } = payload;

    public string Token { get; } = token;

    public long EnqueuedAt { get; } = enqueuedAt;

    /// <summary>Gets or sets the alert's number in the journal; 0 when it is not in one.</summary>
    public long JournalNumber { get; set; }

    public static string NewToken() => Guid.NewGuid().ToString("N");
}
