using System.Collections.Concurrent;
using Microsoft.Playwright;

namespace AbuseDetector.Web.Tests;

/// <summary>
/// What a page's scripts got wrong while a test ran: uncaught exceptions and console errors, such as Content-Security-Policy
/// refusals of an inline style or script. Failed requests the test caused on purpose (a 401 sign-in) are not counted.
/// </summary>
internal sealed class PageProblems
{
    private readonly ConcurrentQueue<string> _problems = new();

    private PageProblems()
    {
    }

    /// <summary>Starts recording the problems of every page the contexts open from now on.</summary>
    public static PageProblems Watch(params IBrowserContext[] contexts)
    {
        var problems = new PageProblems();
        foreach (var context in contexts)
        {
            context.Page += (_, page) => problems.Watch(page);
            foreach (var page in context.Pages)
            {
                problems.Watch(page);
            }
        }

        return problems;
    }

    /// <summary>Fails when any page had a script error or a console error.</summary>
    public void AssertNone() => Assert.True(_problems.IsEmpty, "The pages reported problems:" + Environment.NewLine + string.Join(Environment.NewLine, _problems));

    private void Watch(IPage page)
    {
        page.PageError += (_, error) => _problems.Enqueue($"{page.Url}: uncaught {error}");
        page.Console += (_, message) =>
        {
            // "Failed to load resource" is the browser noting a 4xx/5xx answer; tests assert the answers they expect.
            if (message.Type == "error" && !message.Text.StartsWith("Failed to load resource", StringComparison.Ordinal))
            {
                _problems.Enqueue($"{page.Url}: console error {message.Text}");
            }
        };
    }
}
