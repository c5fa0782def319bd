using AbuseDetector.Escalation;

namespace AbuseDetector.Monitoring;

/// <summary>Incident notes and what is learnt across calls (repeat callers, agent wellbeing), kept outside the process.</summary>
public interface IIncidentStore
{
    /// <summary>Keeps or replaces a call's notes in the background, retrying through outages. Never waits.</summary>
    /// <param name="incident">The notes.</param>
    void Keep(Incident incident);

    /// <summary>Reads the notes of a call.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="callId">The call.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The notes, or null when there are none or they expired.</returns>
    /// <exception cref="IncidentsNotKeptException">This service keeps no incidents.</exception>
    /// <exception cref="IncidentStoreUnavailableException">The store did not answer.</exception>
    Task<Incident?> GetAsync(string tenantId, string callId, CancellationToken cancellationToken = default);

    /// <summary>Lists notes newest first.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="filter">Which incidents.</param>
    /// <param name="limit">The most to return.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>Up to <paramref name="limit"/> incidents, the latest started first.</returns>
    /// <exception cref="IncidentsNotKeptException">This service keeps no incidents.</exception>
    /// <exception cref="IncidentStoreUnavailableException">The store did not answer.</exception>
    Task<IReadOnlyList<Incident>> ListAsync(string tenantId, IncidentFilter filter, int limit, CancellationToken cancellationToken = default);

    /// <summary>Counts a caller's incidents in a recent window and describes the newest.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="customerId">The caller.</param>
    /// <param name="window">How far back to look.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The caller's history; empty when the store keeps none.</returns>
    /// <exception cref="IncidentStoreUnavailableException">The store did not answer.</exception>
    Task<CustomerHistory> GetCustomerHistoryAsync(string tenantId, string customerId, TimeSpan window, CancellationToken cancellationToken = default);

    /// <summary>Records whether an agent's call was abusive, and that the agent took a call for the team; a calm call resets the streak.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="teamId">The agent's team on this call, or empty for none (the call then counts for no team).</param>
    /// <param name="agentId">The agent.</param>
    /// <param name="abusive">Whether the call had abuse on it.</param>
    /// <param name="at">When the call ended.</param>
    /// <param name="shiftWindow">How far back abusive calls count.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The agent's counts, or null when the store keeps none.</returns>
    /// <exception cref="IncidentStoreUnavailableException">The store did not answer.</exception>
    Task<AgentWellbeing?> RecordCallOutcomeAsync(string tenantId, string teamId, string agentId, bool abusive, DateTimeOffset at, TimeSpan shiftWindow, CancellationToken cancellationToken = default);

    /// <summary>Reads how a team's shift is going: each agent who ended a call for the team in the window, with the agent's counts.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="teamId">The team.</param>
    /// <param name="now">The end of the window.</param>
    /// <param name="shiftWindow">How far back from <paramref name="now"/> calls count.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>
    /// One entry per agent whose latest call for the team ended in the window, the most abusive calls in the window first,
    /// then by agent id (ordinal); empty when the store keeps none.
    /// </returns>
    /// <exception cref="IncidentStoreUnavailableException">The store did not answer.</exception>
    Task<IReadOnlyList<AgentShiftWellbeing>> GetTeamWellbeingAsync(string tenantId, string teamId, DateTimeOffset now, TimeSpan shiftWindow, CancellationToken cancellationToken = default);
}

/// <summary>Which incidents to list; every criterion given must match.</summary>
/// <param name="TeamId">Only this team's incidents, or null for any team.</param>
/// <param name="AgentId">Only this agent's incidents, or null for any agent.</param>
/// <param name="CustomerId">Only this caller's incidents, or null for any caller.</param>
/// <param name="From">Only calls started at or after this time, or null.</param>
/// <param name="To">Only calls started at or before this time, or null.</param>
public sealed record IncidentFilter(string? TeamId = null, string? AgentId = null, string? CustomerId = null, DateTimeOffset? From = null, DateTimeOffset? To = null)
{
    /// <summary>Whether an incident passes the team, agent and customer criteria (times are the index's business).</summary>
    public bool Matches(Incident incident)
    {
        ArgumentNullException.ThrowIfNull(incident);
        return (TeamId is null || string.Equals(incident.Call.TeamId, TeamId, StringComparison.Ordinal))
            && (AgentId is null || string.Equals(incident.Call.AgentId, AgentId, StringComparison.Ordinal))
            && (CustomerId is null || string.Equals(incident.Call.CustomerId, CustomerId, StringComparison.Ordinal));
    }
}

/// <summary>A caller's recent incidents, for repeat-caller heads-ups.</summary>
/// <param name="IncidentCount">Incidents on record in the window.</param>
/// <param name="LastOutcome">How the newest ended, or null when there is none.</param>
/// <param name="LastLevel">The highest level the newest reached, or null when there is none.</param>
/// <param name="LastStartedAt">When the newest started, or null when there is none.</param>
public sealed record CustomerHistory(int IncidentCount, IncidentOutcome? LastOutcome, EscalationLevel? LastLevel, DateTimeOffset? LastStartedAt)
{
    /// <summary>Gets a caller with nothing on record.</summary>
    public static CustomerHistory None { get; } = new(0, null, null, null);
}

/// <summary>An agent's recent abusive calls, for wellbeing alerts.</summary>
/// <param name="AbusiveCallsInWindow">Abusive calls in the shift window.</param>
/// <param name="AbusiveCallsInARow">Abusive calls since the agent's last calm call.</param>
public sealed record AgentWellbeing(int AbusiveCallsInWindow, int AbusiveCallsInARow);

/// <summary>One agent's shift so far, as a team's wellbeing lists it.</summary>
/// <param name="AgentId">The agent.</param>
/// <param name="AbusiveCallsInWindow">The agent's abusive calls in the shift window, for any team.</param>
/// <param name="AbusiveCallsInARow">Abusive calls since the agent's last calm call.</param>
/// <param name="LastCallAt">When the agent's latest call for the team ended.</param>
public sealed record AgentShiftWellbeing(string AgentId, int AbusiveCallsInWindow, int AbusiveCallsInARow, DateTimeOffset LastCallAt);

/// <summary>This service keeps no incidents (Redis is off).</summary>
public sealed class IncidentsNotKeptException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="IncidentsNotKeptException"/> class.</summary>
    public IncidentsNotKeptException()
        : base("Incidents are kept in Redis, and this service runs with --redis none.")
    {
    }
}

/// <summary>The incident store did not answer: an outage or a timeout; the same request may succeed later.</summary>
public sealed class IncidentStoreUnavailableException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="IncidentStoreUnavailableException"/> class.</summary>
    /// <param name="message">What went wrong, without identifiers.</param>
    /// <param name="innerException">The store's own error.</param>
    public IncidentStoreUnavailableException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
