using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace AbuseDetector.Alerts.Redis;

/// <summary>
/// A redis-server run as a child process on 127.0.0.1 with persistence off: the local Redis the service starts when
/// none is configured, and the real server the tests run against. It can be stopped and started again on the same
/// port to simulate an outage; disposing it kills the process.
/// </summary>
public sealed class RedisServerProcess : IAsyncDisposable, IDisposable
{
    /// <summary>Where Debian and Ubuntu install redis-server.</summary>
    public const string DefaultExecutablePath = "/usr/bin/redis-server";

    private readonly string _executablePath;
    private readonly string? _password;
    private readonly string? _tlsCertificateFile;
    private readonly string? _tlsKeyFile;
    private readonly IReadOnlyList<string> _extraArguments;
    private readonly StringBuilder _output = new();
    private Process? _process;

    /// <summary>Describes a server; nothing starts until <see cref="StartAsync(CancellationToken)"/>.</summary>
    /// <param name="port">The loopback port to listen on; 0 picks a free port at the first start and keeps it.</param>
    /// <param name="password">The password the server requires (<c>--requirepass</c>), or null for none.</param>
    /// <param name="executablePath">The redis-server program, or null for <see cref="DefaultExecutablePath"/>.</param>
    /// <param name="tlsCertificateFile">A PEM certificate to serve TLS only on the port (with <paramref name="tlsKeyFile"/>), or null for plain TCP.</param>
    /// <param name="tlsKeyFile">The PEM private key of <paramref name="tlsCertificateFile"/>.</param>
    /// <param name="extraArguments">More redis-server arguments, e.g. <c>--maxmemory 64mb</c>.</param>
    public RedisServerProcess(int port = 0, string? password = null, string? executablePath = null, string? tlsCertificateFile = null, string? tlsKeyFile = null, IReadOnlyList<string>? extraArguments = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        if ((tlsCertificateFile is null) != (tlsKeyFile is null))
        {
            throw new ArgumentException("TLS needs both a certificate file and a key file.", nameof(tlsKeyFile));
        }

        Port = port;
        _password = password;
        _executablePath = executablePath ?? DefaultExecutablePath;
        _tlsCertificateFile = tlsCertificateFile;
        _tlsKeyFile = tlsKeyFile;
        _extraArguments = extraArguments ?? [];
    }

    /// <summary>The loopback port; chosen at the first start when 0 was given.</summary>
    public int Port { get; private set; }

    /// <summary>The server as <see cref="RedisAlertsOptions.Configuration"/> expects it: <c>127.0.0.1:port</c>.</summary>
    public string Configuration => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{Port}");

    /// <summary>Whether the process is running.</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Whether the server serves TLS only.</summary>
    public bool UsesTls => _tlsCertificateFile is not null;

    /// <summary>Starts a server with the given settings and waits until it answers.</summary>
    /// <param name="port">The loopback port; 0 picks a free one.</param>
    /// <param name="password">The password the server requires, or null for none.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The running server.</returns>
    public static async Task<RedisServerProcess> StartNewAsync(int port = 0, string? password = null, CancellationToken cancellationToken = default)
    {
        var server = new RedisServerProcess(port, password);
        try
        {
            await server.StartAsync(cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts the process (again, on the same port, after <see cref="StopAsync"/>) and waits until it answers.</summary>
    /// <param name="cancellationToken">Stops waiting; the process is then killed.</param>
    /// <returns>A task that completes when the server answers, within 10 seconds.</returns>
    /// <exception cref="InvalidOperationException">The server is already running, exited, or did not answer in time; the message carries its output.</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (IsRunning)
        {
            throw new InvalidOperationException("redis-server is already running.");
        }

        if (!File.Exists(_executablePath))
        {
            throw new InvalidOperationException($"redis-server was not found at {_executablePath}; install it (apt-get install redis-server) or configure its path.");
        }

        if (Port == 0)
        {
            Port = FreeLoopbackPort();
        }

        var start = new ProcessStartInfo(_executablePath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in Arguments())
        {
            start.ArgumentList.Add(argument);
        }

        lock (_output)
        {
            _output.Clear();
        }

        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        try
        {
            while (!await AnswersPingAsync(timeout.Token))
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"redis-server exited with code {process.ExitCode} at start: {Output()}");
                }

                await Task.Delay(20, timeout.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Kill();
            throw new InvalidOperationException($"redis-server did not answer on port {Port} within 10 seconds: {Output()}");
        }
        catch
        {
            Kill();
            throw;
        }
    }

    /// <summary>Kills the process, as a crash or outage would, and waits until it is gone; the port is kept for a restart.</summary>
    /// <returns>A task that completes when the process has exited.</returns>
    public async Task StopAsync()
    {
        var process = _process;
        if (process is null)
        {
            return;
        }

        Kill();
        await process.WaitForExitAsync();
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process?.Dispose();
        _process = null;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Kill();
        _process?.WaitForExit(5000);
        _process?.Dispose();
        _process = null;
    }

    private IEnumerable<string> Arguments()
    {
        var port = Port.ToString(CultureInfo.InvariantCulture);
        yield return "--bind";
        yield return "127.0.0.1";
        if (UsesTls)
        {
            yield return "--port";
            yield return "0";
            yield return "--tls-port";
            yield return port;
            yield return "--tls-cert-file";
            yield return _tlsCertificateFile!;
            yield return "--tls-key-file";
            yield return _tlsKeyFile!;
            yield return "--tls-auth-clients";
            yield return "no";
        }
        else
        {
            yield return "--port";
            yield return port;
        }

        // An in-memory server: nothing written to disk, nothing loaded at start.
        yield return "--save";
        yield return "";
        yield return "--appendonly";
        yield return "no";
        yield return "--daemonize";
        yield return "no";
        yield return "--protected-mode";
        yield return "yes";
        yield return "--dir";
        yield return Path.GetTempPath();
        yield return "--dbfilename";
        yield return string.Create(CultureInfo.InvariantCulture, $"abuse-detector-{Port}.rdb");
        if (_password is not null)
        {
            yield return "--requirepass";
            yield return _password;
        }

        foreach (var argument in _extraArguments)
        {
            yield return argument;
        }
    }

    private async Task<bool> AnswersPingAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port, cancellationToken);
            Stream stream = client.GetStream();
            if (UsesTls)
            {
                var tls = new SslStream(stream, leaveInnerStreamOpen: false, (_, _, _, _) => true);
                await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost" }, cancellationToken);
                stream = tls;
            }

            await using (stream)
            {
                // INFO names the process that answered: another server already on the port must not pass for ours.
                var command = _password is null ? "INFO server\r\n" : $"AUTH \"{_password}\"\r\nINFO server\r\n";
                await stream.WriteAsync(Encoding.UTF8.GetBytes(command), cancellationToken);
                var reply = new StringBuilder();
                var buffer = new byte[4096];
                var expected = string.Create(CultureInfo.InvariantCulture, $"process_id:{_process!.Id}\r\n");
                while (true)
                {
                    var read = await stream.ReadAsync(buffer, cancellationToken);
                    if (read == 0)
                    {
                        return false;
                    }

                    reply.Append(Encoding.UTF8.GetString(buffer, 0, read));
                    var text = reply.ToString();
                    if (text.Contains(expected, StringComparison.Ordinal))
                    {
                        return true;
                    }

                    var at = text.IndexOf("process_id:", StringComparison.Ordinal);
                    if (text.StartsWith('-') || (at >= 0 && text.IndexOf('\n', at) > 0))
                    {
                        return false;
                    }
                }
            }
        }
        catch (Exception e) when (e is SocketException or IOException or System.Security.Authentication.AuthenticationException)
        {
            return false;
        }
    }

    private void Kill()
    {
        try
        {
            if (_process is { HasExited: false } process)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // It exited between the check and the kill.
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            // Keep the tail only: the output is for error messages.
            if (_output.Length > 8192)
            {
                _output.Remove(0, _output.Length - 4096);
            }

            _output.AppendLine(line);
        }
    }

    private string Output()
    {
        lock (_output)
        {
            return _output.ToString().Trim();
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
