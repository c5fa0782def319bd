using AbuseDetector.Escalation;

namespace AbuseDetector.Monitoring;

/// <summary>The alerts of one team or one agent as they are delivered, for WatchAlerts and other watchers.</summary>
public interface IAlertFeed
{
    /// <summary>Gets a value indicating whether the feed keeps history, so a watch can resume after a <see cref="HistoryId"/>.</summary>
    bool KeepsHistory { get; }

    /// <summary>
    /// Opens a watch of the scope's alerts: once the task completes the watch is in place, so every alert delivered from then
    /// on is read, after the history following <paramref name="since"/> when the feed keeps history. Dispose the watch to end it.
    /// </summary>
    /// <param name="scope">Whose alerts.</param>
    /// <param name="since">Replay the history after this id, <see cref="HistoryId.Start"/> for all of it, or null for live alerts only.</param>
    /// <param name="cancellationToken">Stops opening the watch.</param>
    /// <returns>The open watch.</returns>
    /// <exception cref="AlertHistoryNotKeptException"><paramref name="since"/> was given and the feed keeps no history.</exception>
    /// <exception cref="AlertFeedUnavailableException">The feed's store did not answer, so the watch could not be put in place.</exception>
    Task<IAlertWatch> WatchAsync(AlertScope scope, HistoryId? since, CancellationToken cancellationToken = default);
}

/// <summary>An open watch of one team's or one agent's alerts.</summary>
public interface IAlertWatch : IAsyncDisposable
{
    /// <summary>The alerts, each alert id once and in delivery order, until cancelled or the watch is disposed.</summary>
    /// <param name="cancellationToken">Ends the reading.</param>
    /// <returns>The alerts with their history ids.</returns>
    /// <exception cref="AlertFeedOverflowException">The watcher read too slowly and fell too far behind.</exception>
    IAsyncEnumerable<WatchedAlert> ReadAllAsync(CancellationToken cancellationToken = default);
}

/// <summary>Whose alerts a watch wants: a team's (team-audience alerts) or an agent's (agent-audience alerts) of one tenant.</summary>
/// <param name="TenantId">The tenant.</param>
/// <param name="TeamId">The team, or null when watching an agent.</param>
/// <param name="AgentId">The agent, or null when watching a team.</param>
public sealed record AlertScope(string TenantId, string? TeamId, string? AgentId)
{
    /// <summary>A team's alerts.</summary>
    public static AlertScope Team(string tenantId, string teamId) => new(tenantId, teamId, null);

    /// <summary>An agent's alerts.</summary>
    public static AlertScope Agent(string tenantId, string agentId) => new(tenantId, null, agentId);

    /// <summary>Whether an alert belongs to this scope.</summary>
    public bool Includes(Alert alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        return string.Equals(alert.Call.TenantId, TenantId, StringComparison.Ordinal)
            && ((TeamId is not null && (alert.Audience & AlertAudience.Team) != 0 && string.Equals(alert.Call.TeamId, TeamId, StringComparison.Ordinal))
                || (AgentId is not null && (alert.Audience & AlertAudience.Agent) != 0 && string.Equals(alert.Call.AgentId, AgentId, StringComparison.Ordinal)));
    }
}

/// <summary>One alert as a watcher receives it.</summary>
/// <param name="HistoryId">Where it sits in the team's or agent's history: resume after it; empty when the feed keeps no history or the alert only came live.</param>
/// <param name="Alert">The alert.</param>
public sealed record WatchedAlert(string HistoryId, Alert Alert);

/// <summary>A watch asked to replay history from a feed that keeps none (Redis is off).</summary>
public sealed class AlertHistoryNotKeptException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="AlertHistoryNotKeptException"/> class.</summary>
    public AlertHistoryNotKeptException()
        : base("Alert history is kept in Redis, and this service runs with --redis none.")
    {
    }
}

/// <summary>A watcher read too slowly and fell more alerts behind than the feed holds for it.</summary>
public sealed class AlertFeedOverflowException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="AlertFeedOverflowException"/> class.</summary>
    /// <param name="buffered">How many alerts the feed held for the watcher.</param>
    public AlertFeedOverflowException(int buffered)
        : base($"The watcher fell more than {buffered} alerts behind.")
    {
        Buffered = buffered;
    }

    /// <summary>Gets how many alerts the feed held for the watcher.</summary>
    public int Buffered { get; }
}

/// <summary>The feed's store did not answer, so a watch could not be put in place; the same watch may work later.</summary>
public sealed class AlertFeedUnavailableException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="AlertFeedUnavailableException"/> class.</summary>
    /// <param name="message">What went wrong, without identifiers.</param>
    /// <param name="innerException">The store's own error.</param>
    public AlertFeedUnavailableException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
