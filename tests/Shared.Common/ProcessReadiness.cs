using System.Diagnostics;

namespace AbuseDetector.Testing;

/// <summary>Waits for a process the test started to answer over HTTP, failing at once when it exits instead.</summary>
public static class ProcessReadiness
{
    private static readonly HttpClient Http = new();

    /// <summary>Polls <paramref name="address"/> until it answers with success.</summary>
    /// <param name="process">The process that should answer; its exit fails the wait.</param>
    /// <param name="address">What to ask.</param>
    /// <param name="limit">How long to wait.</param>
    /// <param name="describe">What the process said so far, for the failure message.</param>
    public static async Task WaitUntilAnswersAsync(Process process, Uri address, TimeSpan limit, Func<string> describe)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                Assert.Fail($"{process.StartInfo.FileName} exited with {process.ExitCode} while starting: {describe()}");
            }

            try
            {
                using var response = await Http.GetAsync(address);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (deadline.Elapsed > limit)
            {
                Assert.Fail($"{address} did not answer within {limit.TotalSeconds} s: {describe()}");
            }

            await Task.Delay(100);
        }
    }
}
