using AbuseDetector.Web.Internal;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AbuseDetector.Web.Tests;

public sealed class SessionsTests
{
    private const string SupervisorToken = "red-supervisor-token-0001";
    private const string AgentToken = "red-agent-token-000000001";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero));
    private readonly Sessions _sessions;

    public SessionsTests()
    {
        var options = new DashboardOptions { SessionLifetime = TimeSpan.FromHours(12) };
        options.Teams.Add(new TeamSignIn("acme", "red", [SupervisorToken], [AgentToken]));
        _sessions = new Sessions(Options.Create(options), _time);
    }

    [Fact]
    public void Read_JustSignedIn_TheSessionWithACsrfTokenOfItsOwn()
    {
        // Arrange
        var cookie = SignIn(SessionRole.Supervisor, "Alex", SupervisorToken);
        var other = SignIn(SessionRole.Supervisor, "Sam", SupervisorToken);

        // Act
        var session = _sessions.Read(WithCookie(cookie), SessionRole.Supervisor);

        // Assert
        Assert.NotNull(session);
        Assert.Equal(("acme", "red", "Alex"), (session.TenantId, session.TeamId, session.Person));
        Assert.NotEqual(session.CsrfToken, _sessions.Read(WithCookie(other), SessionRole.Supervisor)!.CsrfToken);
    }

    [Fact]
    public void Read_AfterTheLifetime_NoSession()
    {
        // Arrange
        var cookie = SignIn(SessionRole.Supervisor, "Alex", SupervisorToken);

        // Act
        _time.Advance(TimeSpan.FromHours(12));

        // Assert
        Assert.Null(_sessions.Read(WithCookie(cookie), SessionRole.Supervisor));
    }

    [Fact]
    public void Read_AgentCookieForTheDashboard_NoSession()
    {
        // Arrange
        var cookie = SignIn(SessionRole.Agent, "ann", AgentToken).Replace(Sessions.CookieName(SessionRole.Agent), Sessions.CookieName(SessionRole.Supervisor), StringComparison.Ordinal);

        // Act, Assert
        Assert.Null(_sessions.Read(WithCookie(cookie), SessionRole.Supervisor));
    }

    [Fact]
    public void TrySignIn_AgentTokenForTheDashboard_RefusedAndNoCookie()
    {
        // Arrange
        var http = new DefaultHttpContext();

        // Act
        var signedIn = _sessions.TrySignIn(http, SessionRole.Supervisor, "acme", "red", "Alex", AgentToken);

        // Assert
        Assert.False(signedIn);
        Assert.False(http.Response.Headers.ContainsKey("Set-Cookie"));
    }

    [Theory]
    [InlineData("Alex", 64, true)]
    [InlineData("", 64, false)]
    [InlineData("   ", 64, false)]
    [InlineData("Al\u001fex", 64, false)]
    [InlineData("Al\u202Eex", 64, false)]
    [InlineData("Alexandra", 4, false)]
    public void IsPlainName_Cases(string text, int maxLength, bool expected) => Assert.Equal(expected, Sessions.IsPlainName(text, maxLength));

    private string SignIn(SessionRole role, string person, string token)
    {
        var http = new DefaultHttpContext();
        Assert.True(_sessions.TrySignIn(http, role, "acme", "red", person, token));
        var header = http.Response.Headers.SetCookie.ToString();
        return header[..header.IndexOf(';', StringComparison.Ordinal)];
    }

    private static DefaultHttpContext WithCookie(string cookie)
    {
        var http = new DefaultHttpContext();
        http.Request.Headers.Cookie = cookie;
        return http;
    }
}
