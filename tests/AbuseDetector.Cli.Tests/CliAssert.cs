namespace AbuseDetector.Cli.Tests;

internal static class CliAssert
{
    /// <summary>A failure reported the way the CLI promises: its exit code, nothing on stdout, one sentence on stderr.</summary>
    public static void FailsWithOneSentence(CliResult result, int exitCode, string mentions)
    {
        Assert.True(result.ExitCode == exitCode, $"Expected exit code {exitCode}.\n{result}");
        Assert.Equal("", result.StandardOutput);
        var message = result.StandardError.TrimEnd('\n', '\r');
        Assert.DoesNotContain('\n', message);
        Assert.StartsWith("abuse-detector: ", message, StringComparison.Ordinal);
        Assert.EndsWith(".", message, StringComparison.Ordinal);
        Assert.Contains(mentions, message, StringComparison.Ordinal);
    }
}
