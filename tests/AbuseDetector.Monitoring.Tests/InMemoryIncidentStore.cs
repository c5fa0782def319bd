using AbuseDetector.Escalation;

namespace AbuseDetector.Monitoring.Tests;

/// <summary>
/// A fake, with RecordingCallStateStore the only ones here: the real store (Redis) is tested against a real redis-server in
/// AbuseDetector.Alerts.Redis.Tests, and this project has none. It answers the questions asked across calls — a
/// caller's history, an agent's counts, a team's wellbeing — as a test scripts it, including outages and late answers,
/// so the rules' own logic (thresholds, timeouts) can be tested. Counts keep to the shift window as the real store's
/// do. Notes are not kept.
/// </summary>
internal sealed class InMemoryIncidentStore : IIncidentStore
{
    private readonly Dictionary<(string Tenant, string Agent), AgentCalls> _agents = new();
    private readonly Dictionary<(string Tenant, string Team), Dictionary<string, DateTimeOffset>> _teams = new();

    /// <summary>Gets or sets how the store answers a history lookup; the caller's token is passed in.</summary>
    public Func<CancellationToken, Task<CustomerHistory>> AnswerHistory { get; set; } = _ => Task.FromResult(CustomerHistory.None);

    /// <summary>Gets or sets a value indicating whether recording an outcome and reading a team's wellbeing fail as an outage does.</summary>
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

    /// <summary>Counts the abusive calls from the window's start on, and lists the agent for the team at its latest call.</summary>
    public Task<AgentWellbeing?> RecordCallOutcomeAsync(string tenantId, string teamId, string agentId, bool abusive, DateTimeOffset at, TimeSpan shiftWindow, CancellationToken cancellationToken = default)
    {
        if (OutcomesUnavailable)
        {
            return Task.FromException<AgentWellbeing?>(new IncidentStoreUnavailableException("The store did not answer."));
        }

        Outcomes.Add((agentId, abusive));
        var windowStart = at - shiftWindow;
        if (!_agents.TryGetValue((tenantId, agentId), out var calls))
        {
            calls = _agents[(tenantId, agentId)] = new AgentCalls();
        }

        if (abusive)
        {
            calls.Abusive.Add(at);
            calls.InARow++;
        }
        else
        {
            calls.InARow = 0;
        }

        calls.Abusive.RemoveAll(t => t < windowStart);
        if (teamId.Length > 0)
        {
            if (!_teams.TryGetValue((tenantId, teamId), out var team))
            {
                team = _teams[(tenantId, teamId)] = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
            }

            team[agentId] = team.TryGetValue(agentId, out var last) && last > at ? last : at;
            foreach (var (agent, _) in team.Where(m => m.Value < windowStart).ToList())
            {
                team.Remove(agent);
            }
        }

        return Task.FromResult<AgentWellbeing?>(new AgentWellbeing(calls.Abusive.Count, calls.InARow));
    }

    /// <summary>The team's agents with a latest call in the window, counted in the window, in the order the contract gives.</summary>
    public Task<IReadOnlyList<AgentShiftWellbeing>> GetTeamWellbeingAsync(string tenantId, string teamId, DateTimeOffset now, TimeSpan shiftWindow, CancellationToken cancellationToken = default)
    {
        if (OutcomesUnavailable)
        {
            return Task.FromException<IReadOnlyList<AgentShiftWellbeing>>(new IncidentStoreUnavailableException("The store did not answer."));
        }

        var from = now - shiftWindow;
        bool InWindow(DateTimeOffset t) => t >= from && t <= now;
        if (!_teams.TryGetValue((tenantId, teamId), out var team))
        {
            return Task.FromResult<IReadOnlyList<AgentShiftWellbeing>>([]);
        }

        IReadOnlyList<AgentShiftWellbeing> wellbeing =
        [
            .. team.Where(m => InWindow(m.Value))
                .Select(m =>
                {
                    var calls = _agents[(tenantId, m.Key)];
                    return new AgentShiftWellbeing(m.Key, calls.Abusive.Count(InWindow), calls.InARow, m.Value);
                })
                .OrderByDescending(a => a.AbusiveCallsInWindow)
                .ThenBy(a => a.AgentId, StringComparer.Ordinal),
        ];
        return Task.FromResult(wellbeing);
    }

    private sealed class AgentCalls
    {
        public List<DateTimeOffset> Abusive { get; } = [];

        public int InARow { get; set; }
    }
}
