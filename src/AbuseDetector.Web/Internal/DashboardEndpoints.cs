using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using AbuseDetector.Monitoring;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AbuseDetector.Web.Internal;

/// <summary>The routes of the dashboard, the incident pages and the agent panel.</summary>
internal static class DashboardEndpoints
{
    private const int MostSignInBytes = 4 * 1024;
    private const int MostActionBytes = 16 * 1024;
    public const int MostIdLength = 128;
    private const int MostIncidentsListed = 200;
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/ui/{**path}", (HttpContext http, string path, StaticAssets assets) =>
        {
            http.Response.Headers.XContentTypeOptions = "nosniff";
            return assets.WriteAsync(http, "ui/" + path, "no-cache");
        });

        foreach (var role in new[] { SessionRole.Supervisor, SessionRole.Agent })
        {
            var root = Sessions.PathOf(role);
            endpoints.MapGet(root + "/sign-in", (HttpContext http, SignInPages pages) =>
            {
                Harden(http, role);
                return pages.WriteAsync(http, role, null);
            });
            endpoints.MapPost(root + "/sign-in", (HttpContext http) => SignInAsync(http, role));
            endpoints.MapPost(root + "/sign-out", async (HttpContext http, Sessions sessions) =>
            {
                if (await RequireAsync(http, sessions, role, action: true) is not null)
                {
                    sessions.SignOut(http, role);
                    http.Response.StatusCode = StatusCodes.Status204NoContent;
                }
            });
        }

        endpoints.MapGet("/supervisor", (HttpContext http) => PageAsync(http, SessionRole.Supervisor, "supervisor.html"));
        endpoints.MapGet("/supervisor/incidents", (HttpContext http) => PageAsync(http, SessionRole.Supervisor, "incidents.html"));
        endpoints.MapGet("/supervisor/incident", (HttpContext http) => PageAsync(http, SessionRole.Supervisor, "incident.html"));
        endpoints.MapGet("/agent", (HttpContext http) => PageAsync(http, SessionRole.Agent, "agent.html"));

        endpoints.MapGet("/supervisor/api/session", async (HttpContext http, Sessions sessions) =>
        {
            if (await RequireAsync(http, sessions, SessionRole.Supervisor) is { } s)
            {
                await WriteJsonAsync(http, new SupervisorSessionView(s.TenantId, s.TeamId, s.Person, s.CsrfToken), DashboardJson.Default.SupervisorSessionView);
            }
        });
        endpoints.MapGet("/agent/api/session", async (HttpContext http, Sessions sessions) =>
        {
            if (await RequireAsync(http, sessions, SessionRole.Agent) is { } s)
            {
                await WriteJsonAsync(http, new AgentSessionView(s.TenantId, s.TeamId, s.Person, s.CsrfToken), DashboardJson.Default.AgentSessionView);
            }
        });

        endpoints.MapGet("/supervisor/events", SupervisorEventsAsync);
        endpoints.MapGet("/agent/events", AgentEventsAsync);
        endpoints.MapGet("/supervisor/api/wellbeing", WellbeingAsync);
        endpoints.MapPost("/supervisor/api/respond", RespondAsync);
        endpoints.MapPost("/supervisor/api/incidents/search", SearchIncidentsAsync);
        endpoints.MapPost("/supervisor/api/incidents/get", GetIncidentAsync);
        endpoints.MapPost("/agent/api/request-supervisor", RequestSupervisorAsync);
    }

    /// <summary>Security headers of every page and API answer: no framing (the agent panel by its allowed origins), no caching.</summary>
    private static void Harden(HttpContext http, SessionRole role)
    {
        var headers = http.Response.Headers;
        var options = http.RequestServices.GetRequiredService<IOptions<DashboardOptions>>().Value;
        var frameAncestors = role == SessionRole.Agent ? string.Join(' ', options.AgentPanelFrameAncestors.Prepend("'self'")) : "'none'";
        headers.ContentSecurityPolicy = $"default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors {frameAncestors}";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "same-origin";
        headers.CacheControl = "no-store";
        if (role == SessionRole.Supervisor)
        {
            headers.XFrameOptions = "DENY";
        }
    }

    /// <summary>
    /// The request's session, or null after answering: pages go to the sign-in page (303), API calls get 401 with a
    /// sentence; an action (POST) also needs the session's CSRF token and the pages' own origin (403 otherwise).
    /// </summary>
    private static async Task<Session?> RequireAsync(HttpContext http, Sessions sessions, SessionRole role, bool action = false, bool page = false)
    {
        Harden(http, role);
        var session = sessions.Read(http, role);
        if (session is null)
        {
            if (page)
            {
                http.Response.StatusCode = StatusCodes.Status303SeeOther;
                http.Response.Headers.Location = Sessions.PathOf(role) + "/sign-in";
            }
            else
            {
                await WriteErrorAsync(http, StatusCodes.Status401Unauthorized, "You are not signed in, or your sign-in has expired. Sign in again.");
            }

            return null;
        }

        if (action && (!Sessions.HasCsrfToken(http, session) || !Sessions.IsSameOrigin(http)))
        {
            await WriteErrorAsync(http, StatusCodes.Status403Forbidden, "This action did not come from the signed-in page (missing or wrong CSRF token). Reload the page and try again.");
            return null;
        }

        return session;
    }

    private static async Task PageAsync(HttpContext http, SessionRole role, string file)
    {
        var sessions = http.RequestServices.GetRequiredService<Sessions>();
        if (await RequireAsync(http, sessions, role, page: true) is not null)
        {
            await http.RequestServices.GetRequiredService<StaticAssets>().WriteAsync(http, file, "no-store");
        }
    }

    private static async Task SignInAsync(HttpContext http, SessionRole role)
    {
        Harden(http, role);
        var pages = http.RequestServices.GetRequiredService<SignInPages>();
        var logger = http.RequestServices.GetRequiredService<ILogger<Sessions>>();
        if (!Sessions.IsSameOrigin(http) || !http.Request.HasFormContentType)
        {
            await pages.WriteAsync(http, role, "Sign in from this service's own sign-in page.", StatusCodes.Status400BadRequest);
            return;
        }

        // Unauthenticated: read a small form or nothing.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MostSignInBytes;
        }

        IFormCollection form;
        try
        {
            form = await http.Request.ReadFormAsync(new Microsoft.AspNetCore.Http.Features.FormOptions { ValueCountLimit = 8, ValueLengthLimit = 1024, KeyLengthLimit = 16 }, http.RequestAborted);
        }
        catch (Exception ex) when (ex is InvalidDataException or BadHttpRequestException or IOException)
        {
            await pages.WriteAsync(http, role, "The sign-in form was too large or malformed.", StatusCodes.Status400BadRequest);
            return;
        }

        var tenant = form["tenant"].ToString().Trim();
        var team = form["team"].ToString().Trim();
        var person = (role == SessionRole.Supervisor ? form["name"] : form["agent"]).ToString().Trim();
        var token = form["token"].ToString();
        var personLimit = role == SessionRole.Supervisor ? Sessions.MostNameLength : MostIdLength;
        if (!Sessions.IsPlainName(tenant, MostIdLength) || !Sessions.IsPlainName(team, MostIdLength) || !Sessions.IsPlainName(person, personLimit) || token.Length == 0)
        {
            var what = role == SessionRole.Supervisor ? "your name (up to 64 characters)" : "your agent id";
            await pages.WriteAsync(http, role, $"Fill in the tenant, the team, {what} and the token.", StatusCodes.Status400BadRequest);
            return;
        }

        var sessions = http.RequestServices.GetRequiredService<Sessions>();
        if (!sessions.TrySignIn(http, role, tenant, team, person, token))
        {
            DashboardLog.SignInRefused(logger, role.ToString());
            await pages.WriteAsync(http, role, "That token does not open this team's pages. Check the tenant, the team and the token, or ask your administrator.", StatusCodes.Status401Unauthorized);
            return;
        }

        DashboardLog.SignedIn(logger, role.ToString(), tenant, team);
        http.Response.StatusCode = StatusCodes.Status303SeeOther;
        http.Response.Headers.Location = Sessions.PathOf(role);
    }

    private static async Task SupervisorEventsAsync(
        HttpContext http, Sessions sessions, IAlertFeed feed, LiveCallRegistry calls, IOptions<DashboardOptions> options, TimeProvider time, IHostApplicationLifetime lifetime, ILogger<Sessions> logger)
    {
        if (await RequireAsync(http, sessions, SessionRole.Supervisor) is not { } session)
        {
            return;
        }

        var (valid, since) = await ResumePointAsync(http);
        if (!valid)
        {
            return;
        }

        if (since is null && feed.KeepsHistory && options.Value.RecentAlertsOnOpen > TimeSpan.Zero)
        {
            since = new HistoryId((ulong)(time.GetUtcNow() - options.Value.RecentAlertsOnOpen).ToUnixTimeMilliseconds(), 0);
        }

        (string CallId, long Version)[]? shown = null;
        var page = new PageStream(feed, AlertScope.Team(session.TenantId, session.TeamId), static _ => true, since, () =>
        {
            var live = calls.OfTeam(session.TenantId, session.TeamId);
            var now = live.Select(c => (c.Call.CallId, c.Version)).OrderBy(c => c.CallId, StringComparer.Ordinal).ToArray();
            if (shown is not null && now.SequenceEqual(shown))
            {
                return null;
            }

            shown = now;
            var views = live.Select(c => CallView.Of(c.Snapshot())).ToArray();
            return ("calls", EventStream.Json(new CallsEvent(views), DashboardJson.Default.CallsEvent));
        });
        await EventStream.RunAsync(http, page, () => sessions.Read(http, SessionRole.Supervisor) is not null, time, logger, lifetime.ApplicationStopping);
    }

    private static async Task AgentEventsAsync(
        HttpContext http, Sessions sessions, IAlertFeed feed, LiveCallRegistry calls, TimeProvider time, IHostApplicationLifetime lifetime, ILogger<Sessions> logger)
    {
        if (await RequireAsync(http, sessions, SessionRole.Agent) is not { } session)
        {
            return;
        }

        var (valid, since) = await ResumePointAsync(http);
        if (!valid)
        {
            return;
        }

        // A newly opened panel shows the alerts of the call under way, such as the repeat-caller heads-up at its start.
        if (since is null && feed.KeepsHistory && calls.OfAgent(session.TenantId, session.TeamId, session.Person) is { } current)
        {
            since = new HistoryId((ulong)current.StartedAt.ToUnixTimeMilliseconds(), 0);
        }

        // An agent id is the agent's own word at sign-in, under the team's token: only alerts of calls in that team show.
        (string? CallId, long Version)? shown = null;
        var page = new PageStream(feed, AlertScope.Agent(session.TenantId, session.Person), alert => string.Equals(alert.Call.TeamId, session.TeamId, StringComparison.Ordinal), since, () =>
        {
            var call = calls.OfAgent(session.TenantId, session.TeamId, session.Person);
            var now = (call?.Call.CallId, call?.Version ?? 0);
            if (shown == now)
            {
                return null;
            }

            shown = now;
            return ("call", EventStream.Json(new AgentCallEvent(call is null ? null : CallView.Of(call.Snapshot())), DashboardJson.Default.AgentCallEvent));
        });
        await EventStream.RunAsync(http, page, () => sessions.Read(http, SessionRole.Agent) is not null, time, logger, lifetime.ApplicationStopping);
    }

    /// <summary>Where a page's event stream resumes: the browser's Last-Event-ID on a reconnect, else <c>since</c> after a reload.</summary>
    private static async Task<(bool Valid, HistoryId? Since)> ResumePointAsync(HttpContext http)
    {
        var text = http.Request.Headers["Last-Event-ID"].ToString();
        if (text.Length == 0)
        {
            text = http.Request.Query["since"].ToString();
        }

        if (text.Length == 0)
        {
            return (true, null);
        }

        if (HistoryId.TryParse(text, out var id))
        {
            return (true, id);
        }

        await WriteErrorAsync(http, StatusCodes.Status400BadRequest, $"since must be {HistoryId.Expected}.");
        return (false, null);
    }

    private static async Task WellbeingAsync(HttpContext http, Sessions sessions, IIncidentStore store, IOptions<CallHistoryOptions> history, TimeProvider time)
    {
        if (await RequireAsync(http, sessions, SessionRole.Supervisor) is not { } session)
        {
            return;
        }

        var options = history.Value;
        IReadOnlyList<AgentShiftWellbeing> agents;
        try
        {
            agents = await store.GetTeamWellbeingAsync(session.TenantId, session.TeamId, time.GetUtcNow(), options.WellbeingShiftWindow, http.RequestAborted);
        }
        catch (IncidentStoreUnavailableException)
        {
            await WriteErrorAsync(http, StatusCodes.Status503ServiceUnavailable, "Wellbeing counts cannot be read now: the incident store does not answer. Try again shortly.");
            return;
        }

        var view = new WellbeingView(
            options.WellbeingShiftWindow.TotalHours,
            [.. agents.Select(a => new WellbeingAgentView(a.AgentId, a.AbusiveCallsInWindow, a.AbusiveCallsInARow, a.AbusiveCallsInARow >= options.WellbeingCallsInARow))]);
        await WriteJsonAsync(http, view, DashboardJson.Default.WellbeingView);
    }

    private static async Task RespondAsync(HttpContext http, Sessions sessions, LiveCallRegistry calls)
    {
        if (await RequireAsync(http, sessions, SessionRole.Supervisor, action: true) is not { } session
            || await ReadJsonAsync(http, DashboardJson.Default.RespondRequest) is not { } request)
        {
            return;
        }

        if (request.Response is not ("acknowledged" or "joining") || !Sessions.IsPlainName(request.CallId, MostIdLength) || (request.AlertId ?? "").Length > MostIdLength)
        {
            await WriteErrorAsync(http, StatusCodes.Status400BadRequest, "A response needs a callId, and response \"acknowledged\" or \"joining\".");
            return;
        }

        // Another team's call is answered as unknown: a supervisor learns nothing of calls outside the team.
        var call = calls.Find(session.TenantId, request.CallId!);
        if (call is null || !string.Equals(call.Call.TeamId, session.TeamId, StringComparison.Ordinal))
        {
            await WriteErrorAsync(http, StatusCodes.Status404NotFound, "This call is not live any more, so there is nothing to answer.");
            return;
        }

        await SendAsync(http, call, new SupervisorAnswer(session.Person, request.Response == "joining", request.AlertId ?? string.Empty));
    }

    private static async Task RequestSupervisorAsync(HttpContext http, Sessions sessions, LiveCallRegistry calls)
    {
        // The body carries nothing: the signed-in agent and their live call say it all.
        if (await RequireAsync(http, sessions, SessionRole.Agent, action: true) is not { } session)
        {
            return;
        }

        if (calls.OfAgent(session.TenantId, session.TeamId, session.Person) is not { } call)
        {
            await WriteErrorAsync(http, StatusCodes.Status409Conflict, "You have no live call, so there is no call to bring a supervisor into.");
            return;
        }

        await SendAsync(http, call, new SupervisorRequestFromPanel());
    }

    /// <summary>Hands a request to the call's stream and answers once the call has acted on it.</summary>
    private static async Task SendAsync(HttpContext http, LiveCall call, CallRequest request)
    {
        if (!call.TrySend(request))
        {
            await WriteErrorAsync(http, StatusCodes.Status409Conflict, "The call has ended or is busy; try again in a moment.");
            return;
        }

        bool taken;
        try
        {
            taken = await request.Done.WaitAsync(RequestTimeout, http.RequestServices.GetRequiredService<TimeProvider>(), http.RequestAborted);
        }
        catch (TimeoutException) when (request.TryAbandon())
        {
            await WriteErrorAsync(http, StatusCodes.Status504GatewayTimeout, "The call did not take this in time, so nothing was done; try again.");
            return;
        }
        catch (TimeoutException)
        {
            // Taken just as time ran out: the answer is on its way.
            taken = await request.Done;
        }

        if (!taken)
        {
            await WriteErrorAsync(http, StatusCodes.Status409Conflict, "The call ended before this reached it.");
            return;
        }

        http.Response.StatusCode = StatusCodes.Status202Accepted;
        await WriteJsonAsync(http, new OkResponse(true), DashboardJson.Default.OkResponse);
    }

    private static async Task SearchIncidentsAsync(HttpContext http, Sessions sessions, IIncidentStore store)
    {
        if (await RequireAsync(http, sessions, SessionRole.Supervisor, action: true) is not { } session
            || await ReadJsonAsync(http, DashboardJson.Default.IncidentSearchRequest) is not { } request)
        {
            return;
        }

        IncidentOutcomeFilter outcome = default;
        DateTimeOffset? from = null, to = null;
        if ((request.AgentId ?? "").Length > MostIdLength || (request.CustomerId ?? "").Length > MostIdLength
            || !TryParseTime(request.From, out from) || !TryParseTime(request.To, out to)
            || !IncidentOutcomeFilter.TryParse(request.Outcome, out outcome))
        {
            await WriteErrorAsync(http, StatusCodes.Status400BadRequest, "The filters are not valid: ids are at most 128 characters, times are ISO 8601, and the outcome must be one of the listed ones.");
            return;
        }

        var filter = new IncidentFilter(session.TeamId, NullIfEmpty(request.AgentId), NullIfEmpty(request.CustomerId), from, to);
        if (await ReadStoreAsync(http, ct => store.ListAsync(session.TenantId, filter, outcome.IsAny ? MostIncidentsListed : MostIncidentsListed * 5, ct)) is not (true, { } found))
        {
            return;
        }

        var listed = found.Where(outcome.Matches).Take(MostIncidentsListed).Select(IncidentSummaryView.Of).ToArray();
        await WriteJsonAsync(http, new IncidentListView(listed), DashboardJson.Default.IncidentListView);
    }

    private static async Task GetIncidentAsync(HttpContext http, Sessions sessions, IIncidentStore store)
    {
        if (await RequireAsync(http, sessions, SessionRole.Supervisor, action: true) is not { } session
            || await ReadJsonAsync(http, DashboardJson.Default.IncidentRequest) is not { } request)
        {
            return;
        }

        if (!Sessions.IsPlainName(request.CallId, MostIdLength))
        {
            await WriteErrorAsync(http, StatusCodes.Status400BadRequest, "Name the call: callId, at most 128 characters.");
            return;
        }

        var (read, incident) = await ReadStoreAsync(http, ct => store.GetAsync(session.TenantId, request.CallId!, ct));
        if (!read)
        {
            return;
        }

        if (incident is null || !string.Equals(incident.Call.TeamId, session.TeamId, StringComparison.Ordinal))
        {
            await WriteErrorAsync(http, StatusCodes.Status404NotFound, "No incident is kept for this call in your team: it had none, or it is past retention.");
            return;
        }

        await WriteJsonAsync(http, IncidentView.Of(incident), DashboardJson.Default.IncidentView);
    }

    /// <summary>Reads from the incident store, answering its failures with a sentence; Read is false after such an answer.</summary>
    private static async Task<(bool Read, T? Value)> ReadStoreAsync<T>(HttpContext http, Func<CancellationToken, Task<T>> read)
    {
        try
        {
            return (true, await read(http.RequestAborted));
        }
        catch (IncidentsNotKeptException)
        {
            await WriteErrorAsync(http, StatusCodes.Status409Conflict, "Incidents are kept in Redis, and this service runs without it.");
        }
        catch (IncidentStoreUnavailableException)
        {
            await WriteErrorAsync(http, StatusCodes.Status503ServiceUnavailable, "Incidents cannot be read now: the incident store does not answer. Try again shortly.");
        }

        return (false, default);
    }

    private static string? NullIfEmpty(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    /// <summary>An ISO 8601 time of a filter; empty or absent is no bound (the pages send "" for a field left empty).</summary>
    private static bool TryParseTime(string? text, out DateTimeOffset? time)
    {
        time = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
        {
            return false;
        }

        time = parsed;
        return true;
    }

    /// <summary>Reads a small JSON body (after the session was checked), or answers 400/413 and returns null.</summary>
    private static async Task<T?> ReadJsonAsync<T>(HttpContext http, JsonTypeInfo<T> typeInfo)
        where T : class
    {
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MostActionBytes;
        }

        try
        {
            var value = await JsonSerializer.DeserializeAsync(http.Request.Body, typeInfo, http.RequestAborted);
            if (value is null)
            {
                await WriteErrorAsync(http, StatusCodes.Status400BadRequest, "The request needs a JSON object body.");
            }

            return value;
        }
        catch (JsonException)
        {
            await WriteErrorAsync(http, StatusCodes.Status400BadRequest, "The request body is not the JSON this action expects.");
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            await WriteErrorAsync(http, StatusCodes.Status413PayloadTooLarge, "The request body is too large.");
        }

        return null;
    }

    private static Task WriteJsonAsync<T>(HttpContext http, T value, JsonTypeInfo<T> typeInfo)
    {
        http.Response.ContentType = "application/json; charset=utf-8";
        return JsonSerializer.SerializeAsync(http.Response.Body, value, typeInfo, http.RequestAborted);
    }

    private static Task WriteErrorAsync(HttpContext http, int statusCode, string message)
    {
        http.Response.StatusCode = statusCode;
        return WriteJsonAsync(http, new ErrorResponse(message), DashboardJson.Default.ErrorResponse);
    }

    /// <summary>The outcome filter of the incident list: any, or one outcome.</summary>
    private readonly record struct IncidentOutcomeFilter(Escalation.IncidentOutcome? Outcome)
    {
        public bool IsAny => Outcome is null;

        public static bool TryParse(string? name, out IncidentOutcomeFilter filter)
        {
            filter = default;
            if (string.IsNullOrEmpty(name) || name == "any")
            {
                return true;
            }

            foreach (var outcome in Enum.GetValues<Escalation.IncidentOutcome>())
            {
                if (string.Equals(Escalation.IncidentOutcomes.ToName(outcome), name, StringComparison.Ordinal))
                {
                    filter = new IncidentOutcomeFilter(outcome);
                    return true;
                }
            }

            return false;
        }

        public bool Matches(Escalation.Incident incident) => Outcome is null || incident.Outcome == Outcome;
    }
}
