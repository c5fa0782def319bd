using System.Diagnostics;

namespace AbuseDetector.Service.Tests;

/// <summary>Runs an independent client (python3, node, protoc) as a real process and collects what it printed.</summary>
internal static class InteropProcess
{
    /// <summary>Runs the program; a run past <paramref name="timeout"/> is killed and fails the test.</summary>
    /// <returns>The exit code and standard output then standard error, trimmed.</returns>
    public static async Task<(int ExitCode, string Output)> RunAsync(string fileName, IEnumerable<string> arguments, string? workingDirectory, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (workingDirectory is not null)
        {
            start.WorkingDirectory = workingDirectory;
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{fileName} {string.Join(' ', start.ArgumentList)} did not finish within {timeout.TotalSeconds} seconds.");
        }

        return (process.ExitCode, ((await stdout).Trim() + " " + (await stderr).Trim()).Trim());
    }
}
