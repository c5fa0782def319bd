namespace AbuseDetector.Monitoring;

/// <summary>The call state store when Redis is off: calls live in their instance only and cannot be resumed.</summary>
public sealed class NoCallStateStore : ICallStateStore
{
    /// <inheritdoc/>
    public bool KeepsState => false;

    /// <inheritdoc/>
    public Task<CallClaim> ClaimAsync(string tenantId, string callId, CancellationToken cancellationToken = default) => Task.FromResult(CallClaim.Claimed);

    /// <inheritdoc/>
    public Task<CallResumption> ResumeAsync(string tenantId, string callId, CancellationToken cancellationToken = default) =>
        Task.FromResult(new CallResumption(CallResumptionOutcome.Unknown));

    /// <inheritdoc/>
    public Task<CallResumption> TakeBackAsync(string tenantId, string callId, long version, CancellationToken cancellationToken = default) =>
        Task.FromResult(new CallResumption(CallResumptionOutcome.Unknown));

    /// <inheritdoc/>
    public void Save(CallSnapshot snapshot)
    {
    }

    /// <inheritdoc/>
    public Task<bool> HandOverAsync(CallSnapshot snapshot, CancellationToken cancellationToken = default) => Task.FromResult(false);
}
