using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace AbuseDetector.Testing.Service;

/// <summary>
/// The service as a real process (<c>dotnet AbuseDetector.Service.dll</c> from the repository's build output), for tests
/// that must see what an operator sees: its own memory, its default log output, a kill -9 or a SIGTERM. Started on free
/// loopback ports; ready when /alive answers.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output;

    private ServiceProcess(Process process, ConcurrentQueue<string> output, int grpcPort, int httpPort)
    {
        _process = process;
        _output = output;
        GrpcAddress = new Uri($"http://127.0.0.1:{grpcPort}");
        HttpAddress = new Uri($"http://127.0.0.1:{httpPort}");
    }

    public Uri GrpcAddress { get; }

    public Uri HttpAddress { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Every line the service wrote to standard output and standard error so far.</summary>
    public IReadOnlyList<string> Output => [.. _output];

    /// <summary>The service's resident memory now, in bytes (VmRSS of /proc).</summary>
    public long ResidentBytes
    {
        get
        {
            var line = File.ReadLines($"/proc/{_process.Id}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }
    }

    /// <summary>Starts the service with <paramref name="arguments"/> (after the port flags) and waits until /alive answers.</summary>
    /// <param name="arguments">Command-line flags and <c>--AbuseDetector:Key=value</c> settings.</param>
    /// <param name="grpcPort">The gRPC port, or null for a free one (pass the old one to restart on the same port).</param>
    public static async Task<ServiceProcess> StartAsync(IEnumerable<string> arguments, int? grpcPort = null)
    {
        var (grpc, http) = (grpcPort ?? FreePort.Next(), FreePort.Next());
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        start.ArgumentList.Add(RepositoryFiles.BuiltProgram("src/AbuseDetector.Service", "AbuseDetector.Service.dll"));
        foreach (var argument in (string[])["--grpc-port", grpc.ToString(CultureInfo.InvariantCulture), "--http-port", http.ToString(CultureInfo.InvariantCulture), "--model", RepositoryFiles.Find("models/default.model"), .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        // Plain console lines, the way an operator reads them.
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["Logging__Console__FormatterName"] = "simple";
        start.Environment["Logging__Console__FormatterOptions__SingleLine"] = "true";
        var output = new ConcurrentQueue<string>();
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        process.OutputDataReceived += (_, e) => Keep(output, e.Data);
        process.ErrorDataReceived += (_, e) => Keep(output, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var service = new ServiceProcess(process, output, grpc, http);
        await service.WaitUntilAliveAsync();
        return service;
    }

    /// <summary>Kills the process at once (SIGKILL): no shutdown code runs, as in a crash.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    /// <summary>Asks the process to stop (SIGTERM, as a container runtime does) and waits for it to exit.</summary>
    /// <returns>The exit code.</returns>
    public async Task<int> StopAsync()
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await KillAsync();
        }

        _process.Dispose();
    }

    private static void Keep(ConcurrentQueue<string> output, string? line)
    {
        if (line is not null)
        {
            output.Enqueue(line);
        }
    }

    private Task WaitUntilAliveAsync() =>
        ProcessReadiness.WaitUntilAnswersAsync(_process, new Uri(HttpAddress, "/alive"), StartLimit, () => string.Join(Environment.NewLine, _output));
}
