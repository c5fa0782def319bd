namespace AbuseDetector.Monitoring.Tests;

/// <summary>
/// A fake, like <see cref="InMemoryIncidentStore"/>: the real store (Redis) is tested against a real redis-server in
/// AbuseDetector.Alerts.Redis.Tests. It keeps every snapshot a monitor saves or hands over, in order, so a test sees
/// when the monitor saves and what.
/// </summary>
internal sealed class RecordingCallStateStore : ICallStateStore
{
    public bool KeepsState => true;

    public List<CallSnapshot> Saved { get; } = [];

    public List<CallSnapshot> HandedOver { get; } = [];

    public Task<CallClaim> ClaimAsync(string tenantId, string callId, CancellationToken cancellationToken = default) => Task.FromResult(CallClaim.Claimed);

    public Task<CallResumption> ResumeAsync(string tenantId, string callId, CancellationToken cancellationToken = default) =>
        Task.FromResult(Saved.Count == 0 ? new CallResumption(CallResumptionOutcome.Unknown) : new CallResumption(CallResumptionOutcome.Resumed, Saved[^1]));

    public Task<CallResumption> TakeBackAsync(string tenantId, string callId, long version, CancellationToken cancellationToken = default) =>
        Task.FromResult(HandedOver.Count > 0 && HandedOver[^1].Version == version ? new CallResumption(CallResumptionOutcome.Resumed, HandedOver[^1]) : new CallResumption(CallResumptionOutcome.HeldElsewhere));

    public void Save(CallSnapshot snapshot) => Saved.Add(snapshot);

    public Task<bool> HandOverAsync(CallSnapshot snapshot, CancellationToken cancellationToken = default)
    {
        HandedOver.Add(snapshot);
        return Task.FromResult(true);
    }
}
