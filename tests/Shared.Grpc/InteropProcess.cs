using System.Diagnostics;

namespace AbuseDetector.Testing.Grpc;

/// <summary>Runs an independent client (python3, node, protoc) as a real process and collects what it printed.</summary>
public static class InteropProcess
{
    /// <summary>Runs the program; a run past <paramref name="timeout"/> is killed and fails the test.</summary>
    /// <returns>The exit code and what the process printed.</returns>
    public static async Task<InteropProcessResult> RunAsync(string fileName, IEnumerable<string> arguments, string? workingDirectory, TimeSpan timeout)
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

        return new InteropProcessResult(process.ExitCode, await stdout, await stderr);
    }
}

/// <summary>How an interop process ended and what it printed.</summary>
/// <param name="ExitCode">The process's exit code.</param>
/// <param name="StandardOutput">Everything it wrote to standard output.</param>
/// <param name="StandardError">Everything it wrote to standard error.</param>
public sealed record InteropProcessResult(int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>Standard output then standard error, trimmed: for assertions and failure messages.</summary>
    public string Output => (StandardOutput.Trim() + " " + StandardError.Trim()).Trim();

    /// <summary>The exit code and <see cref="Output"/>.</summary>
    public void Deconstruct(out int exitCode, out string output) => (exitCode, output) = (ExitCode, Output);
}
