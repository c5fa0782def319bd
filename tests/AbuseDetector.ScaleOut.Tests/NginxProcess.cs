using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace AbuseDetector.ScaleOut.Tests;

/// <summary>
/// Debian's nginx (/usr/sbin/nginx) as a real process in front of service instances, configured from the documented
/// template (deploy/nginx/abuse-detector.conf.template) with its ${...} filled as the nginx image's envsubst would.
/// </summary>
internal sealed partial class NginxProcess : IAsyncDisposable
{
    private const string Binary = "/usr/sbin/nginx";

    private readonly Process _process;
    private readonly string _folder;

    private NginxProcess(Process process, string folder, int grpcPort, int httpPort)
    {
        _process = process;
        _folder = folder;
        GrpcAddress = new Uri($"http://127.0.0.1:{grpcPort}");
        HttpAddress = new Uri($"http://127.0.0.1:{httpPort}");
    }

    public Uri GrpcAddress { get; }

    public Uri HttpAddress { get; }

    public static async Task<NginxProcess> StartAsync(IReadOnlyList<ServiceProcess> services)
    {
        Assert.True(File.Exists(Binary), $"{Binary} is missing: apt-get install nginx (tests/run.sh does).");
        var (grpcPort, httpPort) = (FreePort.Next(), FreePort.Next());
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["ABUSE_DETECTOR_GRPC_LISTEN"] = $"127.0.0.1:{grpcPort}",
            ["ABUSE_DETECTOR_HTTP_LISTEN"] = $"127.0.0.1:{httpPort}",
        };
        for (var i = 0; i < services.Count; i++)
        {
            values[$"ABUSE_DETECTOR_GRPC_{i + 1}"] = services[i].GrpcAddress.Authority;
            values[$"ABUSE_DETECTOR_HTTP_{i + 1}"] = services[i].HttpAddress.Authority;
        }

        var template = await File.ReadAllTextAsync(RepositoryFiles.Find("deploy/nginx/abuse-detector.conf.template"));
        var servers = Placeholder().Replace(template, match => values.TryGetValue(match.Groups[1].Value, out var value)
            ? value
            : throw new InvalidOperationException($"The template names {match.Value}, which the test does not fill."));

        var folder = Path.Combine(Path.GetTempPath(), "abuse-detector-nginx-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(folder, "logs"));
        await File.WriteAllTextAsync(Path.Combine(folder, "servers.conf"), servers);
        await File.WriteAllTextAsync(Path.Combine(folder, "nginx.conf"), string.Create(CultureInfo.InvariantCulture, $$"""
            worker_processes 1;
            pid {{folder}}/nginx.pid;
            error_log {{folder}}/logs/error.log warn;
            events { worker_connections 1024; }
            http {
                access_log off;
                client_body_temp_path {{folder}}/body;
                proxy_temp_path {{folder}}/proxy;
                include {{folder}}/servers.conf;
            }
            """));

        var start = new ProcessStartInfo(Binary) { UseShellExecute = false };
        foreach (var argument in (string[])["-p", folder, "-c", Path.Combine(folder, "nginx.conf"), "-g", "daemon off;"])
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("nginx did not start.");
        var nginx = new NginxProcess(process, folder, grpcPort, httpPort);
        await nginx.WaitUntilListeningAsync();
        return nginx;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [GeneratedRegex(@"\$\{([A-Z0-9_]+)\}")]
    private static partial Regex Placeholder();

    private Task WaitUntilListeningAsync() =>
        ProcessReadiness.WaitUntilAnswersAsync(_process, new Uri(HttpAddress, "/alive"), TimeSpan.FromSeconds(30), ErrorLog);

    private string ErrorLog() => Path.Combine(_folder, "logs", "error.log") is var log && File.Exists(log) ? File.ReadAllText(log) : "(no error log)";
}
