using AbuseDetector.Escalation;

namespace AbuseDetector.Monitoring;

/// <summary>The incident store when Redis is off: keeps nothing, knows no history, and says so when asked for notes.</summary>
public sealed class NoIncidentStore : IIncidentStore
{
    /// <inheritdoc/>
    public void Keep(Incident incident)
    {
    }

    /// <inheritdoc/>
    public Task<Incident?> GetAsync(string tenantId, string callId, CancellationToken cancellationToken = default) =>
        Task.FromException<Incident?>(new IncidentsNotKeptException());

    /// <inheritdoc/>
    public Task<IReadOnlyList<Incident>> ListAsync(string tenantId, IncidentFilter filter, int limit, CancellationToken cancellationToken = default) =>
        Task.FromException<IReadOnlyList<Incident>>(new IncidentsNotKeptException());

    /// <inheritdoc/>
    public Task<CustomerHistory> GetCustomerHistoryAsync(string tenantId, string customerId, TimeSpan window, CancellationToken cancellationToken = default) =>
        Task.FromResult(CustomerHistory.None);

    /// <inheritdoc/>
    public Task<AgentWellbeing?> RecordCallOutcomeAsync(string tenantId, string teamId, string agentId, bool abusive, DateTimeOffset at, TimeSpan shiftWindow, CancellationToken cancellationToken = default) =>
        Task.FromResult<AgentWellbeing?>(null);

    /// <inheritdoc/>
    public Task<IReadOnlyList<AgentShiftWellbeing>> GetTeamWellbeingAsync(string tenantId, string teamId, DateTimeOffset now, TimeSpan shiftWindow, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<AgentShiftWellbeing>>([]);
}
