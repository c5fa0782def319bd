using AbuseDetector.Escalation;

namespace AbuseDetector.Monitoring.Tests;

/// <summary>
/// A fake, and the only one here: the real store (Redis) is tested against a real redis-server in
/// AbuseDetector.Alerts.Redis.Tests, and this project has none. It answers the two questions the rules across calls
/// ask — a caller's history and an agent's counts — as a test scripts it, including outages and late answers, so the
/// rules' own logic (thresholds, timeouts) can be tested. Notes are not kept.
/// </summary>
internal sealed class InMemoryIncidentStore : IIncidentStore
{
    private readonly Dictionary<string, (int InWindow, int InARow)> _agents = new(StringComparer.Ordinal);

    /// <summary>Gets or sets how the store answers a history lookup; the caller's token is passed in.</summary>
    public Func<CancellationToken, Task<CustomerHistory>> AnswerHistory { get; set; } = _ => Task.FromResult(CustomerHistory.None);

    /// <summary>Gets or sets a value indicating whether recording an outcome fails as an outage does.</summary>
    public bool OutcomesUnavailable { get; set; }

    public int HistoryLookups { get; private set; }

    public List<(string AgentId, bool Abusive)> Outcomes { get; } = [];

    public void Keep(Incident incident)
    {
    }

    public Task<Incident?> GetAsync(string tenantId, string callId, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("The rules never read notes.");

    public Task<IReadOnlyList<Incident>> ListAsync(string tenantId, IncidentFilter filter, int limit, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("The rules never list notes.");

    public Task<CustomerHistory> GetCustomerHistoryAsync(string tenantId, string customerId, TimeSpan window, CancellationToken cancellationToken = default)
    {
        HistoryLookups++;
        return AnswerHistory(cancellationToken);
    }

    /// <summary>Counts every abusive call as inside the shift window: the window itself is the store's business.</summary>
    public Task<AgentWellbeing?> RecordCallOutcomeAsync(string tenantId, string teamId, string agentId, bool abusive, DateTimeOffset at, TimeSpan shiftWindow, CancellationToken cancellationToken = default)
    {
        if (OutcomesUnavailable)
        {
            return Task.FromException<AgentWellbeing?>(new IncidentStoreUnavailableException("The store did not answer."));
        }

        Outcomes.Add((agentId, abusive));
        _agents.TryGetValue(agentId, out var counts);
        counts = abusive ? (counts.InWindow + 1, counts.InARow + 1) : (counts.InWindow, 0);
        _agents[agentId] = counts;
        return Task.FromResult<AgentWellbeing?>(new AgentWellbeing(counts.InWindow, counts.InARow));
    }
}
