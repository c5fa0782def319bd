using Microsoft.Extensions.Logging;

namespace AbuseDetector.Web.Internal;

/// <summary>The dashboard's log lines; never a token, a transcript or a customer id.</summary>
internal static partial class DashboardLog
{
    [LoggerMessage(EventId = 401, EventName = "SignedIn", Level = LogLevel.Information, Message = "{Role} signed in to tenant {TenantId}, team {TeamId}")]
    public static partial void SignedIn(ILogger logger, string role, string tenantId, string teamId);

    [LoggerMessage(EventId = 402, EventName = "SignInRefused", Level = LogLevel.Warning, Message = "{Role} sign-in refused: the token does not open the team's pages")]
    public static partial void SignInRefused(ILogger logger, string role);

    [LoggerMessage(EventId = 403, EventName = "EventStreamFailed", Level = LogLevel.Error, Message = "A page's event stream failed; the page reconnects")]
    public static partial void EventStreamFailed(ILogger logger, Exception exception);
}
