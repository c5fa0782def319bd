using System.Diagnostics;
using System.Globalization;
using AbuseDetector.Alerts.Redis;

namespace AbuseDetector.ScaleOut.Tests;

/// <summary>
/// A real Redis Sentinel set-up on free loopback ports: a master and one replica (redis-server child processes, so the
/// master can be killed as in a crash) watched by three redis-sentinel processes with a quorum of two, which call the
/// master down after one second without an answer and fail over at once.
/// </summary>
internal sealed class RedisSentinelProcess : IAsyncDisposable
{
    public const string ServiceName = "mymaster";

    private readonly string _folder;
    private readonly List<Process> _sentinels = [];

    private RedisSentinelProcess(string folder, RedisServerProcess master, RedisServerProcess replica)
    {
        _folder = folder;
        Master = master;
        Replica = replica;
    }

    public RedisServerProcess Master { get; }

    public RedisServerProcess Replica { get; }

    public IReadOnlyList<int> SentinelPorts { get; private set; } = [];

    /// <summary>The sentinels and the master's name, as the service's <c>--redis</c> takes them.</summary>
    public string Configuration =>
        string.Join(',', SentinelPorts.Select(p => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{p}"))) + ",serviceName=" + ServiceName;

    public static async Task<RedisSentinelProcess> StartAsync()
    {
        var folder = Path.Combine(Path.GetTempPath(), "abuse-detector-sentinel-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var master = await RedisServerProcess.StartNewAsync();
        var replica = new RedisServerProcess(extraArguments: ["--replicaof", "127.0.0.1", master.Port.ToString(CultureInfo.InvariantCulture)]);
        var setup = new RedisSentinelProcess(folder, master, replica);
        try
        {
            await replica.StartAsync();
            await Eventually.TrueAsync(async () => (await ToolProcess.RedisCliAsync(replica.Port, "info", "replication")).Contains("master_link_status:up", StringComparison.Ordinal), "the replica is in sync with the master");
            setup.SentinelPorts = [FreePort.Next(), FreePort.Next(), FreePort.Next()];
            foreach (var port in setup.SentinelPorts)
            {
                setup._sentinels.Add(StartSentinel(folder, port, master.Port));
            }

            // A failover needs each sentinel to know the replica and the other two (they find each other through the master).
            foreach (var port in setup.SentinelPorts)
            {
                await Eventually.TrueAsync(
                    async () => await MasterFieldAsync(port, "num-slaves") == "1" && await MasterFieldAsync(port, "num-other-sentinels") == "2",
                    $"the sentinel on port {port} knows the replica and the other sentinels",
                    TimeSpan.FromSeconds(30));
            }

            return setup;
        }
        catch
        {
            await setup.DisposeAsync();
            throw;
        }
    }

    /// <summary>The port of the master the sentinels name now.</summary>
    public async Task<int> MasterPortAsync()
    {
        var reply = await ToolProcess.RedisCliAsync(SentinelPorts[0], "sentinel", "get-master-addr-by-name", ServiceName);
        return int.Parse(reply.Split('\n', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Waits until the replica has every write the master took so far. Replication is asynchronous: what the master
    /// acknowledged but had not sent when it died is lost in a failover, as Redis documents.
    /// </summary>
    public async Task WaitUntilReplicaCaughtUpAsync()
    {
        var masterOffset = await ReplicationFieldAsync(Master.Port, "master_repl_offset");
        await Eventually.TrueAsync(async () => await ReplicationFieldAsync(Replica.Port, "slave_repl_offset") >= masterOffset, "the replica caught up with the master");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var sentinel in _sentinels)
        {
            sentinel.Kill();
            await sentinel.WaitForExitAsync();
            sentinel.Dispose();
        }

        await Replica.DisposeAsync();
        await Master.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    private static Process StartSentinel(string folder, int port, int masterPort)
    {
        // Sentinel rewrites its file as it learns the set-up, so each gets its own.
        var file = Path.Combine(folder, string.Create(CultureInfo.InvariantCulture, $"sentinel-{port}.conf"));
        File.WriteAllLines(file,
        [
            string.Create(CultureInfo.InvariantCulture, $"port {port}"),
            "bind 127.0.0.1",
            $"dir {folder}",
            string.Create(CultureInfo.InvariantCulture, $"sentinel monitor {ServiceName} 127.0.0.1 {masterPort} 2"),
            $"sentinel down-after-milliseconds {ServiceName} 1000",
            $"sentinel failover-timeout {ServiceName} 5000",
        ]);
        var start = new ProcessStartInfo("redis-sentinel") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(file);
        var process = Process.Start(start) ?? throw new InvalidOperationException("redis-sentinel did not start.");
        process.OutputDataReceived += static (_, _) => { };
        process.ErrorDataReceived += static (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>One field of <c>SENTINEL MASTER</c>, or null while the sentinel does not answer.</summary>
    private static async Task<string?> MasterFieldAsync(int sentinelPort, string field)
    {
        try
        {
            var lines = (await ToolProcess.RedisCliAsync(sentinelPort, "sentinel", "master", ServiceName)).Split('\n', StringSplitOptions.TrimEntries);
            var at = Array.IndexOf(lines, field);
            return at >= 0 && at + 1 < lines.Length ? lines[at + 1] : null;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private static async Task<long> ReplicationFieldAsync(int port, string field)
    {
        var line = (await ToolProcess.RedisCliAsync(port, "info", "replication")).Split('\n', StringSplitOptions.TrimEntries).Single(l => l.StartsWith(field + ":", StringComparison.Ordinal));
        return long.Parse(line[(field.Length + 1)..], CultureInfo.InvariantCulture);
    }
}
