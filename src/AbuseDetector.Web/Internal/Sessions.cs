using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace AbuseDetector.Web.Internal;

/// <summary>Who a page is for.</summary>
internal enum SessionRole
{
    Supervisor,
    Agent,
}

/// <summary>A signed-in supervisor or agent.</summary>
/// <param name="Role">Supervisor or agent.</param>
/// <param name="TenantId">The tenant.</param>
/// <param name="TeamId">The team.</param>
/// <param name="Person">The supervisor's name, or the agent's id.</param>
/// <param name="CsrfToken">What the pages send back in <c>X-CSRF-Token</c> with every action.</param>
internal sealed record Session(SessionRole Role, string TenantId, string TeamId, string Person, string CsrfToken);

/// <summary>
/// Sign-in by team token and stateless session cookies: the cookie holds the session's fields, when it expires and a
/// fingerprint of the token used, signed with HMAC-SHA256. Nothing is kept per session on the server, so nobody can
/// make it hold memory by signing in; removing a token from the configuration ends the sessions made with it.
/// </summary>
internal sealed class Sessions
{
    public const string CsrfHeader = "X-CSRF-Token";
    public const int MostNameLength = 64;

    private const char Separator = '\u001f';
    private readonly byte[] _key;
    private readonly DashboardOptions _options;
    private readonly TimeProvider _time;

    public Sessions(IOptions<DashboardOptions> options, TimeProvider timeProvider)
    {
        _options = options.Value;
        _time = timeProvider;
        _key = _options.SessionKey is { } configured && DashboardOptions.TryDecodeKey(configured, out var key) ? key : RandomNumberGenerator.GetBytes(32);
    }

    public static string CookieName(SessionRole role) => role == SessionRole.Supervisor ? "abuse_detector_supervisor" : "abuse_detector_agent";

    public static string PathOf(SessionRole role) => role == SessionRole.Supervisor ? "/supervisor" : "/agent";

    /// <summary>
    /// Whether the text may name a person or an id in a session: not empty, not too long, no control or format characters
    /// (a right-to-left override would make a supervisor's name read as another's).
    /// </summary>
    public static bool IsPlainName(string? text, int maxLength) =>
        !string.IsNullOrWhiteSpace(text) && text.Length <= maxLength
        && !text.Any(c => char.IsControl(c) || char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format);

    /// <summary>Signs a person in with a team token; false when the token does not open that team's pages for the role.</summary>
    public bool TrySignIn(HttpContext http, SessionRole role, string tenantId, string teamId, string person, string token)
    {
        var team = _options.Teams.FirstOrDefault(t => string.Equals(t.TenantId, tenantId, StringComparison.Ordinal) && string.Equals(t.TeamId, teamId, StringComparison.Ordinal));
        var presented = Encoding.UTF8.GetBytes(token);
        var matched = false;

        // Compare with every token of the team, in constant time each, so the time taken does not tell how close a guess was.
        foreach (var candidate in TokensOf(team, role).DefaultIfEmpty(string.Empty))
        {
            matched |= candidate.Length > 0 && CryptographicOperations.FixedTimeEquals(presented, Encoding.UTF8.GetBytes(candidate));
        }

        if (!matched)
        {
            return false;
        }

        var expires = _time.GetUtcNow() + _options.SessionLifetime;
        var payload = string.Join(
            Separator,
            role == SessionRole.Supervisor ? "s" : "a",
            tenantId,
            teamId,
            person,
            expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            Fingerprint(token));
        var payloadBytes = Encoding.UTF8.GetBytes(payload);
        var value = WebEncoders.Base64UrlEncode(payloadBytes) + "." + WebEncoders.Base64UrlEncode(HMACSHA256.HashData(_key, payloadBytes));
        http.Response.Cookies.Append(CookieName(role), value, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = http.Request.IsHttps || _options.SecureCookies,
            Path = PathOf(role),
            Expires = expires,
            IsEssential = true,
        });
        return true;
    }

    /// <summary>The request's session for the role, or null when it has none that is signed, unexpired and still allowed.</summary>
    public Session? Read(HttpContext http, SessionRole role)
    {
        if (!http.Request.Cookies.TryGetValue(CookieName(role), out var value) || value is null || value.Length > 4096)
        {
            return null;
        }

        var dot = value.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || !TryDecode(value[..dot], out var payloadBytes) || !TryDecode(value[(dot + 1)..], out var signature)
            || !CryptographicOperations.FixedTimeEquals(signature, HMACSHA256.HashData(_key, payloadBytes)))
        {
            return null;
        }

        var fields = Encoding.UTF8.GetString(payloadBytes).Split(Separator);
        if (fields.Length != 6 || fields[0] != (role == SessionRole.Supervisor ? "s" : "a")
            || !long.TryParse(fields[4], NumberStyles.None, CultureInfo.InvariantCulture, out var expiresAt)
            || _time.GetUtcNow().ToUnixTimeSeconds() >= expiresAt)
        {
            return null;
        }

        var (tenantId, teamId, person, fingerprint) = (fields[1], fields[2], fields[3], fields[5]);
        var team = _options.Teams.FirstOrDefault(t => string.Equals(t.TenantId, tenantId, StringComparison.Ordinal) && string.Equals(t.TeamId, teamId, StringComparison.Ordinal));
        if (!TokensOf(team, role).Any(token => string.Equals(Fingerprint(token), fingerprint, StringComparison.Ordinal)))
        {
            return null;
        }

        var csrf = WebEncoders.Base64UrlEncode(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes("csrf" + Separator + value)));
        return new Session(role, tenantId, teamId, person, csrf);
    }

    /// <summary>Whether an action carries the session's CSRF token.</summary>
    public static bool HasCsrfToken(HttpContext http, Session session)
    {
        var presented = http.Request.Headers[CsrfHeader].ToString();
        return presented.Length > 0 && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(session.CsrfToken));
    }

    /// <summary>
    /// Whether a form post or action came from this service's own pages: the browser's Sec-Fetch-Site says so (it holds
    /// behind a proxy that ends TLS, where scheme and port differ), or, from browsers without it, the Origin matches.
    /// No header at all is not a browser's cross-site post.
    /// </summary>
    public static bool IsSameOrigin(HttpContext http)
    {
        var site = http.Request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0)
        {
            return string.Equals(site, "same-origin", StringComparison.Ordinal);
        }

        var origin = http.Request.Headers.Origin.ToString();
        if (origin.Length == 0)
        {
            return true;
        }

        var request = http.Request;
        return string.Equals(origin, $"{request.Scheme}://{request.Host.Value}", StringComparison.OrdinalIgnoreCase);
    }

    public void SignOut(HttpContext http, SessionRole role) =>
        http.Response.Cookies.Delete(CookieName(role), new CookieOptions { Path = PathOf(role), HttpOnly = true, SameSite = SameSiteMode.Strict, Secure = http.Request.IsHttps || _options.SecureCookies });

    private static IEnumerable<string> TokensOf(TeamSignIn? team, SessionRole role) =>
        team is null ? [] : role == SessionRole.Supervisor ? team.SupervisorTokens : team.AgentTokens;

    // Keyed, so a cookie tells nothing that helps guess a weak token offline.
    private string Fingerprint(string token) => WebEncoders.Base64UrlEncode(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes("token" + Separator + token)).AsSpan(0, 16));

    private static bool TryDecode(string text, out byte[] bytes)
    {
        try
        {
            bytes = WebEncoders.Base64UrlDecode(text);
            return true;
        }
        catch (FormatException)
        {
            bytes = [];
            return false;
        }
    }
}
