using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AbuseDetector.Client;
using AbuseDetector.Contracts.V1;

namespace AbuseDetector.Web.Tests;

/// <summary>
/// The pages' access rules over plain HTTP against the real service (no browser): sessions, CSRF, origins, team
/// isolation, body limits, and a supervisor's answer reaching the call's own stream.
/// </summary>
public sealed class DashboardAccessTests : IAsyncLifetime
{
    private const string ApiKey = "access-api-key-0123456789";
    private const string RedToken = "red-supervisor-token-0001";
    private const string BlueToken = "blue-supervisor-token-001";
    private const string RedAgentToken = "red-agent-token-000000001";
    private const string BlueAgentToken = "blue-agent-token-00000001";
    private static readonly string SessionKey = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());

    private ServiceInstance? _service;

    private ServiceInstance Service => _service!;

    public static Dictionary<string, string?> Settings(bool withRedToken = true) => new()
    {
        ["AbuseDetector:Tenants:0:TenantId"] = "acme",
        ["AbuseDetector:Tenants:0:ApiKeys:0"] = ApiKey,
        ["AbuseDetector:Tenants:0:Teams:0:TeamId"] = "red",
        ["AbuseDetector:Tenants:0:Teams:0:SupervisorTokens:0"] = withRedToken ? RedToken : "red-supervisor-token-0002",
        ["AbuseDetector:Tenants:0:Teams:0:AgentTokens:0"] = RedAgentToken,
        ["AbuseDetector:Tenants:0:Teams:1:TeamId"] = "blue",
        ["AbuseDetector:Tenants:0:Teams:1:SupervisorTokens:0"] = BlueToken,
        ["AbuseDetector:Tenants:0:Teams:1:AgentTokens:0"] = BlueAgentToken,
        ["AbuseDetector:Dashboard:SessionKey"] = SessionKey,
        ["AbuseDetector:Dashboard:AgentPanelFrameAncestors:0"] = "https://softphone.example.com",
    };

    public async Task InitializeAsync() => _service = await ServiceInstance.StartAsync(Settings());

    public async Task DisposeAsync() => await Service.DisposeAsync();

    [Fact]
    public async Task SignIn_GoodToken_SessionCookieHttpOnlySameSiteStrictScopedToThePages()
    {
        // Act
        using var http = NewClient(out _);
        using var response = await SignInAsync(http, "red", RedToken);

        // Assert
        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal("/supervisor", response.Headers.Location?.OriginalString);
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith("abuse_detector_supervisor=", cookie, StringComparison.Ordinal);
        Assert.Contains("path=/supervisor", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secure", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("red", BlueToken)]
    [InlineData("red", RedAgentToken)]
    [InlineData("green", RedToken)]
    public async Task SignIn_TokenOfAnotherTeamOrRole_RefusedWithASentenceAndNoCookie(string team, string token)
    {
        // Act
        using var http = NewClient(out _);
        using var response = await SignInAsync(http, team, token);

        // Assert
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.False(response.Headers.Contains("Set-Cookie"));
        Assert.Contains("That token does not open this team", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignIn_FormBeyondTheLimit_RefusedAsMalformed()
    {
        // Act: an unauthenticated caller cannot make the service read a large body.
        using var http = NewClient(out _);
        using var response = await http.PostAsync("/supervisor/sign-in", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["tenant"] = "acme", ["team"] = "red", ["name"] = "Alex", ["token"] = new string('x', 64 * 1024),
        }));

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("too large or malformed", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignIn_PostedFromAnotherOrigin_Refused()
    {
        // Arrange
        using var http = NewClient(out _);
        using var request = SignInRequest("red", RedToken);
        request.Headers.Add("Origin", "https://attacker.example");

        // Act
        using var response = await http.SendAsync(request);

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    [Theory]
    [InlineData("cross-site", "http://127.0.0.1", HttpStatusCode.BadRequest)]
    [InlineData("same-origin", "https://dashboard.example.com", HttpStatusCode.SeeOther)]
    public async Task SignIn_SecFetchSite_DecidesOverTheOriginBehindAProxy(string site, string origin, HttpStatusCode expected)
    {
        // Arrange: behind a proxy that ends TLS the Origin's scheme and port differ from what the service sees.
        using var http = NewClient(out _);
        using var request = SignInRequest("red", RedToken);
        request.Headers.Add("Sec-Fetch-Site", site);
        request.Headers.Add("Origin", origin);

        // Act
        using var response = await http.SendAsync(request);

        // Assert
        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task AgentEvents_AgentIdOfAnotherTeam_SeesOnlyAlertsOfCallsInTheirOwnTeam()
    {
        // Arrange: "ann" signs in twice, under red's agent token and under blue's; each panel streams its events.
        var agent = "ann-" + Guid.NewGuid().ToString("N")[..8];
        using var red = NewClient(out _);
        using var blue = NewClient(out _);
        await AgentSignInAsync(red, "red", agent, RedAgentToken);
        await AgentSignInAsync(blue, "blue", agent, BlueAgentToken);
        using var redEvents = await SseReader.OpenAsync(red, "/agent/events");
        using var blueEvents = await SseReader.OpenAsync(blue, "/agent/events");

        // Act: a threat on red's call, then one on blue's, both to the same agent id.
        var redAlert = await ThreatOnCallAsync("red", agent);
        var blueAlert = await ThreatOnCallAsync("blue", agent);

        // Assert: the feed delivers in order, so blue's panel reading blue's threat without red's means red's was held back.
        await redEvents.ReadUntilAsync(redAlert);
        var blueSaw = await blueEvents.ReadUntilAsync(blueAlert);
        Assert.DoesNotContain(redAlert, blueSaw, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/supervisor")]
    [InlineData("/supervisor/incidents")]
    [InlineData("/supervisor/incident")]
    [InlineData("/agent")]
    public async Task Page_WithoutSession_RedirectsToItsSignInPage(string path)
    {
        // Act
        using var http = NewClient(out _);
        using var response = await http.GetAsync(path);

        // Assert
        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal((path.StartsWith("/agent", StringComparison.Ordinal) ? "/agent" : "/supervisor") + "/sign-in", response.Headers.Location?.OriginalString);
    }

    [Theory]
    [InlineData("GET", "/supervisor/api/session")]
    [InlineData("GET", "/supervisor/events")]
    [InlineData("GET", "/supervisor/api/wellbeing")]
    [InlineData("POST", "/supervisor/api/respond")]
    [InlineData("POST", "/supervisor/api/incidents/search")]
    [InlineData("POST", "/supervisor/api/incidents/get")]
    [InlineData("GET", "/agent/events")]
    [InlineData("POST", "/agent/api/request-supervisor")]
    public async Task Api_WithoutSession_401WithASentence(string method, string path)
    {
        // Act
        using var http = NewClient(out _);
        using var response = await http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = method == "POST" ? JsonContent.Create(new { }) : null });

        // Assert
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("not signed in", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Session_SignatureTampered_NotSignedIn()
    {
        // Arrange
        using var http = NewClient(out var cookies);
        (await SignInAsync(http, "red", RedToken)).Dispose();
        var cookie = cookies.GetCookies(new Uri(Service.HttpAddress, "/supervisor"))["abuse_detector_supervisor"]!;
        var (payload, signature) = (cookie.Value[..cookie.Value.IndexOf('.', StringComparison.Ordinal)], cookie.Value[(cookie.Value.IndexOf('.', StringComparison.Ordinal) + 1)..]);

        // Act: the same signature on a payload naming the blue team.
        var blue = Microsoft.AspNetCore.WebUtilities.WebEncoders.Base64UrlEncode(
            System.Text.Encoding.UTF8.GetBytes(System.Text.Encoding.UTF8.GetString(Microsoft.AspNetCore.WebUtilities.WebEncoders.Base64UrlDecode(payload)).Replace("\u001fred\u001f", "\u001fblue\u001f", StringComparison.Ordinal)));
        cookie.Value = blue + "." + signature;
        using var response = await http.GetAsync("/supervisor/api/session");

        // Assert
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Session_TokenRemovedFromTheConfiguration_Ended()
    {
        // Arrange: a second instance with the same session key, where red's token was replaced.
        await using var rotated = await ServiceInstance.StartAsync(Settings(withRedToken: false));
        using var http = NewClient(out var cookies);
        (await SignInAsync(http, "red", RedToken)).Dispose();
        using var elsewhere = new HttpClient(new HttpClientHandler { CookieContainer = new System.Net.CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = rotated.HttpAddress };
        var cookie = cookies.GetCookies(new Uri(Service.HttpAddress, "/supervisor"))["abuse_detector_supervisor"]!;

        // Act
        using var here = await http.GetAsync("/supervisor/api/session");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/supervisor/api/session");
        request.Headers.Add("Cookie", $"{cookie.Name}={cookie.Value}");
        using var there = await elsewhere.SendAsync(request);

        // Assert: the shared key is trusted there, the removed token is not.
        Assert.Equal(HttpStatusCode.OK, here.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, there.StatusCode);
    }

    [Fact]
    public async Task Action_WithoutCsrfTokenOrFromAnotherOrigin_Forbidden()
    {
        // Arrange
        using var http = NewClient(out _);
        (await SignInAsync(http, "red", RedToken)).Dispose();
        var csrf = await CsrfAsync(http, "/supervisor");

        // Act
        using var withoutToken = await http.PostAsJsonAsync("/supervisor/api/respond", new { callId = "c1", response = "acknowledged" });
        using var otherOrigin = new HttpRequestMessage(HttpMethod.Post, "/supervisor/api/respond") { Content = JsonContent.Create(new { callId = "c1", response = "acknowledged" }) };
        otherOrigin.Headers.Add("X-CSRF-Token", csrf);
        otherOrigin.Headers.Add("Origin", "https://attacker.example");
        using var fromElsewhere = await http.SendAsync(otherOrigin);

        // Assert
        Assert.Equal(HttpStatusCode.Forbidden, withoutToken.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, fromElsewhere.StatusCode);
    }

    [Fact]
    public async Task Respond_TeamsOwnLiveCall_AgentsStreamGetsTheAnswerAndOtherTeamsAreToldNotFound()
    {
        // Arrange: a live call of team red, and supervisors of red and blue.
        var callId = "answer-" + Guid.NewGuid().ToString("N");
        await using var call = await Service.NewClient(ApiKey).StartCallAsync(new CallStart { CallId = callId, TenantId = "acme", AgentId = "ann", TeamId = "red" });
        var updates = new List<CallUpdate>();
        var reading = Task.Run(async () =>
        {
            await foreach (var update in call.ReadUpdatesAsync())
            {
                lock (updates)
                {
                    updates.Add(update);
                }
            }
        });
        await call.SendChunkAsync(new TranscriptChunk { Seq = 1, Speaker = Speaker.Customer, Text = "hello, I need help with my bill", IsFinal = true });
        using var red = NewClient(out _);
        (await SignInAsync(red, "red", RedToken)).Dispose();
        using var blue = NewClient(out _);
        (await SignInAsync(blue, "blue", BlueToken)).Dispose();
        await Eventually.TrueAsync(() => { lock (updates) { return updates.Count > 0; } }, "the call's first assessment arrives, so the call is live");

        // Act
        using var fromBlue = await PostActionAsync(blue, "/supervisor", "/supervisor/api/respond", new { callId, alertId = "", response = "joining" });
        using var fromRed = await PostActionAsync(red, "/supervisor", "/supervisor/api/respond", new { callId, alertId = "", response = "joining" });
        await call.EndAsync(new CallEnd { Reason = CallEndReason.Completed });
        await reading;

        // Assert
        Assert.Equal(HttpStatusCode.NotFound, fromBlue.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, fromRed.StatusCode);
        var joining = Assert.Single(updates, u => u.Alert?.Kind == AlertKind.SupervisorJoining).Alert;
        Assert.Equal("Alex", joining.Responder);
        Assert.True(joining.ForAgent);
    }

    [Fact]
    public async Task RequestSupervisor_AgentWithoutLiveCall_ConflictWithASentence()
    {
        // Arrange
        using var http = NewClient(out _);
        using (var signIn = await http.PostAsync("/agent/sign-in", new FormUrlEncodedContent(new Dictionary<string, string> { ["tenant"] = "acme", ["team"] = "red", ["agent"] = "nobody-" + Guid.NewGuid().ToString("N"), ["token"] = RedAgentToken })))
        {
            Assert.Equal(HttpStatusCode.SeeOther, signIn.StatusCode);
        }

        // Act
        using var response = await PostActionAsync(http, "/agent", "/agent/api/request-supervisor", new { });

        // Assert
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("no live call", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Events_SinceNotAHistoryId_400NamingTheForm()
    {
        // Arrange
        using var http = NewClient(out _);
        (await SignInAsync(http, "red", RedToken)).Dispose();

        // Act
        using var response = await http.GetAsync("/supervisor/events?since=yesterday");

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("history id", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pages_SecurityHeaders_DashboardNeverFramedAgentPanelByTheSoftphoneOnly()
    {
        // Arrange
        using var supervisor = NewClient(out _);
        (await SignInAsync(supervisor, "red", RedToken)).Dispose();

        // Act
        using var dashboard = await supervisor.GetAsync("/supervisor");
        using var agentSignIn = await supervisor.GetAsync("/agent/sign-in");

        // Assert
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        var policy = Assert.Single(dashboard.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'self'", policy, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
        Assert.Equal("DENY", Assert.Single(dashboard.Headers.GetValues("X-Frame-Options")));
        Assert.Equal("nosniff", Assert.Single(dashboard.Headers.GetValues("X-Content-Type-Options")));
        Assert.Contains("frame-ancestors 'self' https://softphone.example.com", Assert.Single(agentSignIn.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
        Assert.False(agentSignIn.Headers.Contains("X-Frame-Options"));
    }

    private static async Task AgentSignInAsync(HttpClient http, string team, string agent, string token)
    {
        using var response = await http.PostAsync("/agent/sign-in", new FormUrlEncodedContent(new Dictionary<string, string> { ["tenant"] = "acme", ["team"] = team, ["agent"] = agent, ["token"] = token }));
        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
    }

    /// <summary>Streams a threat on a new call of the team and returns the threat alert's id, as the call's own stream reports it.</summary>
    private async Task<string> ThreatOnCallAsync(string team, string agent)
    {
        await using var call = await Service.NewClient(ApiKey).StartCallAsync(new CallStart { CallId = $"{team}-{Guid.NewGuid():N}", TenantId = "acme", AgentId = agent, TeamId = team });
        await call.SendChunkAsync(new TranscriptChunk { Seq = 1, Speaker = Speaker.Customer, Text = "If you cancel it I'll come down to your office and hurt you.", IsFinal = true });
        await call.EndAsync(new CallEnd { Reason = CallEndReason.Completed });
        string? threat = null;
        await foreach (var update in call.ReadUpdatesAsync())
        {
            if (update.Alert?.Kind == AlertKind.Threat)
            {
                threat = update.Alert.AlertId;
            }
        }

        return threat ?? throw new Xunit.Sdk.XunitException("The threat line was not flagged as a threat on the call's stream.");
    }

    private HttpClient NewClient(out CookieContainer cookies)
    {
        cookies = new CookieContainer();
        return new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = Service.HttpAddress };
    }

    private static HttpRequestMessage SignInRequest(string team, string token) => new(HttpMethod.Post, "/supervisor/sign-in")
    {
        Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["tenant"] = "acme", ["team"] = team, ["name"] = "Alex", ["token"] = token }),
    };

    private static Task<HttpResponseMessage> SignInAsync(HttpClient http, string team, string token) => http.SendAsync(SignInRequest(team, token));

    private static async Task<string> CsrfAsync(HttpClient http, string root) =>
        (await http.GetFromJsonAsync<JsonElement>(root + "/api/session")).GetProperty("csrfToken").GetString()!;

    private static async Task<HttpResponseMessage> PostActionAsync(HttpClient http, string root, string path, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("X-CSRF-Token", await CsrfAsync(http, root));
        return await http.SendAsync(request);
    }
}
