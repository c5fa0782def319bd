using System.Diagnostics;

namespace AbuseDetector.Cli.Tests;

/// <summary>What one run of the command line printed and returned.</summary>
internal sealed record CliResult(int ExitCode, string StandardOutput, string StandardError)
{
    public override string ToString() => $"exit {ExitCode}\nstdout: {StandardOutput}\nstderr: {StandardError}";
}

/// <summary>
/// Runs the built abuse-detector as a real process ("dotnet abuse-detector.dll ..."), so exit codes and the two
/// output streams are what a user sees.
/// </summary>
internal static class CliProcess
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    /// <summary>
    /// The program in its own build output (same configuration as the tests), where its dependencies sit beside it: a copy in
    /// the test's output would find only the packages the test host's shared framework does not already hold.
    /// </summary>
    public static string ProgramPath { get; } = RepositoryFiles.BuiltProgram("src/AbuseDetector.Cli", "abuse-detector.dll");

    public static CliResult Run(params string[] args) => Run(new CliRun(), args);

    public static CliResult Run(CliRun run, params string[] args)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = run.WorkingDirectory ?? Path.GetTempPath(),
        };
        start.ArgumentList.Add(ProgramPath);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // The model location must come from the test, never from the machine running it.
        start.Environment.Remove("ABUSE_DETECTOR_MODEL");
        foreach (var (name, value) in run.Environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.StandardInput.Write(run.StandardInput ?? "");
        process.StandardInput.Close();
        if (run.StopAfter is { } stopAfter && !process.WaitForExit(stopAfter))
        {
            // A command that runs until interrupted (watch): stop it and keep what it printed.
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            return new CliResult(process.ExitCode, output.Result, error.Result);
        }

        if (!process.WaitForExit(Limit))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"abuse-detector {string.Join(' ', args)} did not finish within {Limit}.");
        }

        process.WaitForExit();
        return new CliResult(process.ExitCode, output.Result, error.Result);
    }

    private static string DotnetHost()
    {
        // The SDK tells child processes which host it runs on; the test host itself usually is that dotnet.
        var fromSdk = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(fromSdk) && File.Exists(fromSdk))
        {
            return fromSdk;
        }

        var current = Environment.ProcessPath;
        return current is not null && string.Equals(Path.GetFileNameWithoutExtension(current), "dotnet", StringComparison.Ordinal) ? current : "dotnet";
    }
}

/// <summary>Standard input, environment and working folder for one run.</summary>
internal sealed class CliRun
{
    public string? StandardInput { get; init; }

    public string? WorkingDirectory { get; init; }

    /// <summary>Stops the program after this long instead of waiting for it to finish, for commands that run until interrupted.</summary>
    public TimeSpan? StopAfter { get; init; }

    public Dictionary<string, string?> Environment { get; init; } = new(StringComparer.Ordinal);
}
