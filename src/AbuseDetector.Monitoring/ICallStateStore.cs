namespace AbuseDetector.Monitoring;

/// <summary>
/// Live calls' state kept outside the process, so a call goes on on another instance after a deploy or a crash, with
/// a lease so two instances never hold the same live call.
/// </summary>
public interface ICallStateStore
{
    /// <summary>Gets a value indicating whether this store keeps anything: calls can be resumed and handed over.</summary>
    bool KeepsState { get; }

    /// <summary>Takes the lease of a call that starts on this instance.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="callId">The call.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>Whether the lease is this instance's now.</returns>
    Task<CallClaim> ClaimAsync(string tenantId, string callId, CancellationToken cancellationToken = default);

    /// <summary>Takes the lease of a call that another instance held, and reads its last saved state.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="callId">The call.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The state, or why the call cannot be resumed.</returns>
    Task<CallResumption> ResumeAsync(string tenantId, string callId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Takes back a call this instance handed over when its client went, to end it: only when nobody resumed it since
    /// (no lease, the state still at <paramref name="version"/>).
    /// </summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="callId">The call.</param>
    /// <param name="version">The version this instance saved last.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The state, or why the call is not this instance's to end (<see cref="CallResumptionOutcome.HeldElsewhere"/> when it was resumed).</returns>
    Task<CallResumption> TakeBackAsync(string tenantId, string callId, long version, CancellationToken cancellationToken = default);

    /// <summary>
    /// Saves a call's state in the background and renews its lease; never waits. A snapshot is dropped when a newer one
    /// was saved or the lease is no longer this instance's. Once the call has ended, its lease is let go and the state
    /// kept a short while, so a late resume hears the call ended.
    /// </summary>
    /// <param name="snapshot">The state.</param>
    void Save(CallSnapshot snapshot);

    /// <summary>Saves a call's state and lets its lease go, for another instance to resume the call at once.</summary>
    /// <param name="snapshot">The state.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>True when the state was saved.</returns>
    Task<bool> HandOverAsync(CallSnapshot snapshot, CancellationToken cancellationToken = default);
}

/// <summary>The outcome of <see cref="ICallStateStore.ClaimAsync"/>.</summary>
public enum CallClaim
{
    /// <summary>The lease is this instance's.</summary>
    Claimed,

    /// <summary>Another instance holds the call.</summary>
    HeldElsewhere,

    /// <summary>The store did not answer: the call goes on unleased, as protection never waits for Redis.</summary>
    StoreUnavailable,
}

/// <summary>The outcome of <see cref="ICallStateStore.ResumeAsync"/>: the state, or why there is none.</summary>
/// <param name="Outcome">What happened.</param>
/// <param name="Snapshot">The saved state, when <see cref="CallResumptionOutcome.Resumed"/>.</param>
public sealed record CallResumption(CallResumptionOutcome Outcome, CallSnapshot? Snapshot = null);

/// <summary>Why a call could or could not be resumed.</summary>
public enum CallResumptionOutcome
{
    /// <summary>The lease is this instance's and the state was read.</summary>
    Resumed,

    /// <summary>No state is kept for the call: it never started, its state expired, or the service keeps none.</summary>
    Unknown,

    /// <summary>The call already ended.</summary>
    Ended,

    /// <summary>Another instance still holds the call (until its lease runs out).</summary>
    HeldElsewhere,

    /// <summary>The store did not answer.</summary>
    StoreUnavailable,
}
