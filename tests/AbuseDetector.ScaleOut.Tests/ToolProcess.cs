using System.Diagnostics;

namespace AbuseDetector.ScaleOut.Tests;

/// <summary>Runs a command-line tool (redis-server, redis-cli) to its end, as an operator would from a shell.</summary>
internal static class ToolProcess
{
    /// <summary>Runs the program and returns its standard output; a non-zero exit fails with its standard error (a redis-cli shutdown excepted: the server drops the link).</summary>
    public static async Task<string> RunAsync(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0 || program == "redis-cli" && arguments.Contains("shutdown")
            ? await output
            : throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await errors}");
    }

    /// <summary>One redis-cli command to the server or sentinel on a loopback port; its reply as redis-cli prints it.</summary>
    public static Task<string> RedisCliAsync(int port, params string[] command) =>
        RunAsync("redis-cli", ["-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), .. command]);
}
