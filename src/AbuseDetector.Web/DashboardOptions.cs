using System.ComponentModel.DataAnnotations;

namespace AbuseDetector.Web;

/// <summary>
/// Settings of the supervisor dashboard and the agent panel, bound from <c>AbuseDetector:Dashboard</c>; the teams and
/// their sign-in tokens come from the tenants' configuration (<c>AbuseDetector:Tenants:n:Teams</c>).
/// </summary>
public sealed class DashboardOptions : IValidatableObject
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "AbuseDetector:Dashboard";

    /// <summary>
    /// The key that signs session cookies, base64, at least 32 bytes. Instances behind one address need the same key;
    /// without one, each start makes a new key, so sign-ins end when the service restarts.
    /// </summary>
    /// <value>The default value is <see langword="null"/> (a new key at each start).</value>
    public string? SessionKey { get; set; }

    /// <summary>How long a sign-in lasts.</summary>
    /// <value>The default value is 12 hours, a long shift.</value>
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00", ErrorMessage = "Dashboard SessionLifetime must be between 1 minute and 7 days.")]
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>
    /// Marks session cookies Secure even when the request reached the service over cleartext: set it behind a proxy that
    /// ends TLS (the service then never sees HTTPS itself). Under the service's own TLS cookies are Secure anyway.
    /// </summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool SecureCookies { get; set; }

    /// <summary>How far back a newly opened dashboard shows the team's alerts (needs Redis, which keeps the history).</summary>
    /// <value>The default value is 1 hour.</value>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00", ErrorMessage = "Dashboard RecentAlertsOnOpen must be between 0 and 1 day.")]
    public TimeSpan RecentAlertsOnOpen { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// The origins allowed to show the agent panel in a frame (CSP <c>frame-ancestors</c>), e.g. the softphone's
    /// <c>https://softphone.example.com</c>. The session cookie is SameSite=Strict, so a framing page must be on the same
    /// site as the service (or the panel opened in a web view).
    /// </summary>
    /// <value>The default value is an empty list: the service's own origin only.</value>
    public IList<string> AgentPanelFrameAncestors { get; } = [];

    /// <summary>The teams that may sign in, with their tokens; filled from the tenants' configuration by the host.</summary>
    /// <value>The default value is an empty list: nobody can sign in.</value>
    public IList<TeamSignIn> Teams { get; } = [];

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (SessionKey is not null && (!TryDecodeKey(SessionKey, out var key) || key.Length < 32))
        {
            yield return new ValidationResult("Dashboard SessionKey must be base64 of at least 32 bytes.", [nameof(SessionKey)]);
        }

        foreach (var origin in AgentPanelFrameAncestors)
        {
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || uri.PathAndQuery != "/")
            {
                yield return new ValidationResult($"Dashboard AgentPanelFrameAncestors must be origins such as https://softphone.example.com; '{origin}' is not.", [nameof(AgentPanelFrameAncestors)]);
            }
        }
    }

    internal static bool TryDecodeKey(string text, out byte[] key)
    {
        key = [];
        try
        {
            key = Convert.FromBase64String(text);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}

/// <summary>One team's sign-in tokens for the dashboard and the agent panel.</summary>
/// <param name="TenantId">The tenant.</param>
/// <param name="TeamId">The team, as calls name it in CallStart.team_id.</param>
/// <param name="SupervisorTokens">Tokens that open the team's supervisor dashboard.</param>
/// <param name="AgentTokens">Tokens that open the agent panel for an agent of the team.</param>
public sealed record TeamSignIn(string TenantId, string TeamId, IReadOnlyList<string> SupervisorTokens, IReadOnlyList<string> AgentTokens);
