using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AbuseDetector.Web.Tests;

/// <summary>
/// Pictures of the pages as they are now, with live data: saved in the test output (screenshots/), and with
/// ABUSE_DETECTOR_UPDATE_SCREENSHOTS=1 also in docs/screenshots/ for the README (a plain test run leaves the checkout alone).
/// </summary>
public sealed class ScreenshotTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Dashboard_WallScreenWithLiveCallsAndAlerts_Saved()
    {
        // Arrange: a busy team on a 1080p wall screen, one threat already taken by a supervisor.
        var tenant = fixture.NewTenant();
        await using var context = await fixture.NewContextAsync(1920, 1080);
        var page = await context.OpenDashboardAsync(tenant, tenant.Team1, "Alex Morgan");
        await using var team = await BusyTeam.StartAsync(fixture, tenant);
        await Expect(page.GetByTestId("call-row")).ToHaveCountAsync(4);
        await Expect(page.Alerts(team.Threat, "threat")).ToHaveCountAsync(1);
        await Expect(page.Alerts(team.FinalWarning, "supervisor_needed")).ToHaveCountAsync(1);
        await page.Alerts(team.Threat, "threat").GetByTestId("join-button").ClickAsync();
        await Expect(page.CallRow(team.Threat)).ToContainTextAsync("Alex Morgan is joining");
        await Expect(page.GetByTestId("wellbeing-row")).Not.ToHaveCountAsync(0);

        // Act
        var files = await SaveAsync(page, "dashboard.png");

        // Assert
        AssertPngOf(files, 1920, 1080);
    }

    [Fact]
    public async Task AgentPanel_DuringAThreatWithTheSupervisorJoining_Saved()
    {
        // Arrange
        var tenant = fixture.NewTenant();
        await using var desks = await SupervisorAndAgent.OpenAsync(fixture, tenant, "Alex Morgan", "amira.khan", "cust-10482");
        var panel = desks.Panel;
        await desks.Call.ReplaySampleAsync("threat", 1, 3);
        await desks.Call.CustomerSaysFlaggedAsync(Lines.Threat, Contracts.V1.Category.Threat);
        await desks.Dashboard.Alerts(desks.Call, "threat").GetByTestId("join-button").ClickAsync();
        await Expect(panel.GetByTestId("supervisor-response")).ToHaveTextAsync("Alex Morgan is joining your call");
        await Expect(panel.GetByTestId("end-call-permitted")).ToBeVisibleAsync();

        // Act
        var files = await SaveAsync(panel, "agent-panel.png");

        // Assert
        AssertPngOf(files, 420, 720);
    }

    /// <summary>Saves the viewport as <paramref name="name"/> in the test output, and in docs/screenshots/ when asked to.</summary>
    private static async Task<string[]> SaveAsync(IPage page, string name)
    {
        List<string> files = [Path.Combine(AppContext.BaseDirectory, "screenshots", name)];
        if (Environment.GetEnvironmentVariable("ABUSE_DETECTOR_UPDATE_SCREENSHOTS") == "1")
        {
            files.Add(Path.Combine(Path.GetDirectoryName(RepositoryFiles.Find("AbuseDetector.sln"))!, "docs", "screenshots", name));
        }

        var png = await page.ScreenshotAsync(new PageScreenshotOptions { Type = ScreenshotType.Png, Animations = ScreenshotAnimations.Disabled });
        foreach (var file in files)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            await File.WriteAllBytesAsync(file, png);
        }

        return [.. files];
    }

    /// <summary>Each file is a PNG of the given size (width and height from its IHDR chunk).</summary>
    private static void AssertPngOf(IEnumerable<string> files, int width, int height)
    {
        foreach (var file in files)
        {
            var bytes = File.ReadAllBytes(file);
            Assert.True(bytes.AsSpan(0, 8).SequenceEqual(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }), $"{file} is a PNG");
            Assert.Equal(width, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16, 4)));
            Assert.Equal(height, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20, 4)));
        }
    }
}
