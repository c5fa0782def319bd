using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AbuseDetector.Web.Tests;

/// <summary>The sign-in pages of both roles, and what a session cookie may do.</summary>
public sealed class SignInPageTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [Theory]
    [InlineData("supervisor")]
    [InlineData("agent")]
    public async Task SignIn_WrongToken_RefusedWithAMessageAndNoSessionCookie(string role)
    {
        // Arrange
        var tenant = fixture.NewTenant();
        await using var context = await fixture.NewContextAsync();
        var page = await context.NewPageAsync();
        var wrongToken = "wrong-token-" + Guid.NewGuid().ToString("N");

        // Act
        var answer = role == "supervisor"
            ? await page.SignInAsSupervisorAsync(tenant, tenant.Team1, "Alex", wrongToken)
            : await page.SignInAsAgentAsync(tenant, tenant.Team1, "agent-7", wrongToken);

        // Assert
        Assert.Equal(401, answer.Status);
        await Expect(page.GetByTestId("sign-in-message")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("sign-in-message")).ToContainTextAsync("token does not open this team's pages");
        Assert.Empty(await context.CookiesAsync());
        await page.GotoAsync($"/{role}");
        await Expect(page).ToHaveURLAsync(new Regex($"/{role}/sign-in$"));
        fixture.AssertNoServerErrors();
    }

    [Fact]
    public async Task SignIn_OtherTeamsToken_Refused()
    {
        // Arrange: a real token, of the tenant's other team.
        var tenant = fixture.NewTenant();
        await using var context = await fixture.NewContextAsync();
        var page = await context.NewPageAsync();

        // Act
        var answer = await page.SignInAsSupervisorAsync(tenant, tenant.Team1, "Alex", tenant.Team2.SupervisorToken);

        // Assert
        Assert.Equal(401, answer.Status);
        await Expect(page.GetByTestId("sign-in-message")).ToContainTextAsync("token does not open this team's pages");
        Assert.Empty(await context.CookiesAsync());
    }

    [Theory]
    [InlineData("/supervisor", "/supervisor/sign-in")]
    [InlineData("/supervisor/incidents", "/supervisor/sign-in")]
    [InlineData("/supervisor/incident", "/supervisor/sign-in")]
    [InlineData("/agent", "/agent/sign-in")]
    public async Task Page_WithoutASession_GoesToTheSignInPage(string path, string signInPath)
    {
        // Arrange
        await using var context = await fixture.NewContextAsync();
        var page = await context.NewPageAsync();

        // Act
        await page.GotoAsync(path);

        // Assert
        await Expect(page).ToHaveURLAsync(new Regex(Regex.Escape(signInPath) + "$"));
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("sign-in-message")).ToBeEmptyAsync();
    }

    [Fact]
    public async Task SignIn_SupervisorGoodToken_DashboardWithAnHttpOnlyStrictSessionCookie()
    {
        // Arrange
        var tenant = fixture.NewTenant();
        await using var context = await fixture.NewContextAsync();
        var problems = PageProblems.Watch(context);
        var page = await context.NewPageAsync();

        // Act
        var answer = await page.SignInAsSupervisorAsync(tenant, tenant.Team1, "Alex Morgan");

        // Assert
        Assert.Equal(303, answer.Status);
        await Expect(page).ToHaveURLAsync(new Regex("/supervisor$"));
        await Expect(page.GetByTestId("user-name")).ToHaveTextAsync("Alex Morgan");
        await page.ExpectLiveAsync();
        var cookie = Assert.Single(await context.CookiesAsync());
        Assert.True(cookie.HttpOnly, "the session cookie is HttpOnly");
        Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);
        Assert.Equal("/supervisor", cookie.Path);
        Assert.False(await page.EvaluateAsync<bool>("() => document.cookie.length > 0"), "scripts cannot read the session cookie");
        problems.AssertNone();
        fixture.AssertNoServerErrors();
    }

    [Fact]
    public async Task SignIn_AgentGoodToken_PanelWithAnHttpOnlyStrictSessionCookie()
    {
        // Arrange
        var tenant = fixture.NewTenant();
        await using var context = await fixture.NewContextAsync();
        var problems = PageProblems.Watch(context);
        var page = await context.NewPageAsync();

        // Act
        var answer = await page.SignInAsAgentAsync(tenant, tenant.Team1, "agent-7");

        // Assert
        Assert.Equal(303, answer.Status);
        await Expect(page).ToHaveURLAsync(new Regex("/agent$"));
        await page.ExpectLiveAsync();
        await Expect(page.GetByTestId("agent-level")).ToHaveTextAsync("No active call");
        var cookie = Assert.Single(await context.CookiesAsync());
        Assert.True(cookie.HttpOnly, "the session cookie is HttpOnly");
        Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);
        problems.AssertNone();
        fixture.AssertNoServerErrors();
    }

    [Fact]
    public async Task SignOut_Dashboard_BackToSignInAndTheCookieNoLongerOpensThePage()
    {
        // Arrange
        var tenant = fixture.NewTenant();
        await using var context = await fixture.NewContextAsync();
        var page = await context.OpenDashboardAsync(tenant, tenant.Team1, "Alex");

        // Act
        await page.GetByTestId("sign-out").ClickAsync();

        // Assert
        await Expect(page).ToHaveURLAsync(new Regex("/supervisor/sign-in$"));
        Assert.Empty(await context.CookiesAsync());
        await page.GotoAsync("/supervisor");
        await Expect(page).ToHaveURLAsync(new Regex("/supervisor/sign-in$"));
    }
}
