using System.Globalization;

namespace AbuseDetector.ScaleOut.Tests;

/// <summary>
/// A real Redis Cluster of three masters (redis-server in cluster mode on free loopback ports), joined by
/// <c>redis-cli --cluster create</c>, as an operator would make one.
/// </summary>
internal sealed class RedisClusterProcess : IAsyncDisposable
{
    private readonly string _folder;

    private RedisClusterProcess(string folder, IReadOnlyList<int> ports)
    {
        _folder = folder;
        Ports = ports;
    }

    public IReadOnlyList<int> Ports { get; }

    /// <summary>Every node, as the service's <c>--redis</c> takes them.</summary>
    public string Nodes => string.Join(',', Ports.Select(p => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{p}")));

    public static async Task<RedisClusterProcess> StartAsync()
    {
        var folder = Path.Combine(Path.GetTempPath(), "abuse-detector-cluster-" + Guid.NewGuid().ToString("N"));
        int[] ports = [FreePort.Next(), FreePort.Next(), FreePort.Next()];
        var cluster = new RedisClusterProcess(folder, ports);
        foreach (var port in ports)
        {
            var node = Path.Combine(folder, port.ToString(CultureInfo.InvariantCulture));
            Directory.CreateDirectory(node);
            await ToolProcess.RunAsync("redis-server", "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--cluster-enabled", "yes",
                "--cluster-config-file", Path.Combine(node, "nodes.conf"), "--dir", node, "--save", "", "--appendonly", "no", "--daemonize", "yes",
                "--logfile", Path.Combine(node, "redis.log"));
        }

        await ToolProcess.RunAsync("redis-cli", ["--cluster", "create", .. ports.Select(p => $"127.0.0.1:{p}"), "--cluster-replicas", "0", "--cluster-yes"]);
        await Eventually.TrueAsync(async () => (await ToolProcess.RedisCliAsync(ports[0], "cluster", "info")).Contains("cluster_state:ok", StringComparison.Ordinal), "the cluster reports ok");
        return cluster;
    }

    /// <summary>How many keys each master holds.</summary>
    public async Task<IReadOnlyList<long>> KeysPerNodeAsync()
    {
        var counts = new List<long>();
        foreach (var port in Ports)
        {
            counts.Add(long.Parse((await ToolProcess.RedisCliAsync(port, "dbsize")).Trim(), CultureInfo.InvariantCulture));
        }

        return counts;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var port in Ports)
        {
            await ToolProcess.RedisCliAsync(port, "shutdown", "nosave").ContinueWith(static _ => { }, TaskScheduler.Default);
        }

        Directory.Delete(_folder, recursive: true);
    }
}
