using AbuseDetector.Alerts.Redis;
using Microsoft.Playwright;

namespace AbuseDetector.Web.Tests;

/// <summary>
/// A real redis-server, the real service publishing to it with a few tenants of its own (two teams each, with sign-in
/// tokens), and one headless chromium, shared by the tests of a class. Each test takes a tenant no other test uses and
/// opens browser contexts of its own.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    /// <summary>How long a page may take to show what a test waits for: the machine is small and shared.</summary>
    public const float ExpectTimeoutMs = 15_000;

    private const int TenantCount = 12;
    private const string ChromiumPath = "/usr/bin/chromium";

    private readonly TestTenant[] _tenants = [.. Enumerable.Range(0, TenantCount).Select(_ => TestTenant.New())];
    private int _nextTenant = -1;
    private RedisServerProcess? _redis;
    private ServiceInstance? _service;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public ServiceInstance Service => _service ?? throw new InvalidOperationException("The fixture has not started.");

    public RedisServerProcess Redis => _redis ?? throw new InvalidOperationException("The fixture has not started.");

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("The fixture has not started.");

    /// <summary>The service's pages: http://127.0.0.1:port.</summary>
    public Uri BaseAddress => Service.HttpAddress;

    /// <summary>A tenant configured in the service that no other test of the class has used.</summary>
    public TestTenant NewTenant()
    {
        var next = Interlocked.Increment(ref _nextTenant);
        Assert.True(next < TenantCount, $"The fixture configures {TenantCount} tenants; a test class used more. Raise TenantCount.");
        return _tenants[next];
    }

    /// <summary>A generated gRPC client sending the tenant's API key.</summary>
    public Contracts.V1.AbuseDetector.AbuseDetectorClient Client(TestTenant tenant) => Service.NewClient(tenant.ApiKey);

    /// <summary>A fresh browser context (its own cookies and storage) on the service, downloads allowed.</summary>
    /// <param name="width">The viewport's width.</param>
    /// <param name="height">The viewport's height.</param>
    /// <param name="forAxe">
    /// Lets axe-core be added as a script tag: the pages' Content-Security-Policy (rightly) refuses inline scripts, and
    /// Playwright adds a script file inline. Only the accessibility tests need it; every other test runs under the policy.
    /// </param>
    public async Task<IBrowserContext> NewContextAsync(int width = 1280, int height = 800, bool forAxe = false)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseAddress.ToString().TrimEnd('/'),
            ViewportSize = new ViewportSize { Width = width, Height = height },
            AcceptDownloads = true,
            Locale = "en-GB",
            TimezoneId = "Europe/London",
            BypassCSP = forAxe,
        });
        context.SetDefaultTimeout(30_000);
        context.SetDefaultNavigationTimeout(30_000);
        return context;
    }

    public async Task InitializeAsync()
    {
        Assertions.SetDefaultExpectTimeout(ExpectTimeoutMs);
        _redis = await RedisServerProcess.StartNewAsync();
        var settings = new Dictionary<string, string?>
        {
            ["AbuseDetector:Redis"] = _redis.Configuration,
        };
        for (var i = 0; i < _tenants.Length; i++)
        {
            foreach (var (key, value) in _tenants[i].Settings(i))
            {
                settings[key] = value;
            }
        }

        _service = await ServiceInstance.StartAsync(settings);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox"],
        });
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }

        _playwright?.Dispose();
        if (_service is not null)
        {
            await _service.DisposeAsync();
        }

        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }

    /// <summary>Fails when the service logged anything at Error or above: a page must never make the server fail.</summary>
    public void AssertNoServerErrors() =>
        Assert.True(!Service.Errors.Any(), "The service logged errors: " + string.Join(Environment.NewLine, Service.Errors));
}
