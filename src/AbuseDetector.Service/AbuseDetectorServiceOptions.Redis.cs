using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace AbuseDetector.Service;

public sealed partial class AbuseDetectorServiceOptions
{
    /// <summary>The <see cref="Redis"/> value that starts a local redis-server when none answers on 127.0.0.1:6379.</summary>
    public const string RedisEmbedded = "embedded";

    /// <summary>The <see cref="Redis"/> value that turns Redis alerts off.</summary>
    public const string RedisNone = "none";

    // The Redis entry that makes the endpoints sentinels and names the master they watch: StackExchange.Redis's own option.
    private const string RedisSentinelServiceName = "serviceName=";

    /// <summary>
    /// Where alerts are published: <c>host:port</c> (<c>redis:6379</c>, <c>[::1]:6379</c>), or several joined by commas
    /// (the nodes of a Redis Cluster: the client finds the rest of the cluster from any that answers); Redis Sentinels
    /// joined by commas with the name of the master they watch, <c>s1:26379,s2:26379,s3:26379,serviceName=mymaster</c>
    /// (the client asks them for the master and follows a failover); <c>embedded</c> to use 127.0.0.1:6379 and start a
    /// local redis-server there when none answers; or <c>none</c> to send no alerts.
    /// </summary>
    /// <value>The default value is <c>embedded</c>.</value>
    public string Redis { get; set; } = RedisEmbedded;

    /// <summary>The password Redis asks for (its <c>requirepass</c>).</summary>
    /// <value>The default value is <see langword="null"/>: no password.</value>
    public string? RedisPassword { get; set; }

    /// <summary>Whether to talk to Redis over TLS.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool RedisUseTls { get; set; }

    /// <summary>The loopback port of the embedded redis-server (<c>Redis = embedded</c>): used when something answers there, started there otherwise.</summary>
    /// <value>The default value is 6379.</value>
    [Range(1, 65535, ErrorMessage = "EmbeddedRedisPort must be between 1 and 65535.")]
    public int EmbeddedRedisPort { get; set; } = 6379;

    /// <summary>
    /// The folder of the service's local data: the alert outbox journal (<c>outbox-{GrpcPort}.journal</c>, unless
    /// <c>AbuseDetector:Alerts:OutboxJournalPath</c> says otherwise) and, by default, the embedded redis-server's files.
    /// </summary>
    /// <value>The default value is <c>abuse-detector</c> in the user's local application data folder (<c>~/.local/share</c> on Linux).</value>
    public string DataPath { get; set; } =
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify), "abuse-detector");

    /// <summary>
    /// Where the embedded redis-server (<c>Redis = embedded</c>) keeps its append-only file, so incidents, team history and
    /// the alert ids already published survive a restart of the service.
    /// </summary>
    /// <value>The default value is <c>redis</c> in <see cref="DataPath"/>.</value>
    public string? EmbeddedRedisDataPath { get; set; }

    /// <summary>Gets a value indicating whether the service uses (and may start) a local redis-server.</summary>
    internal bool IsEmbeddedRedis => string.Equals(Redis, RedisEmbedded, StringComparison.OrdinalIgnoreCase);

    /// <summary>Gets <see cref="EmbeddedRedisDataPath"/>, or its default under <see cref="DataPath"/>.</summary>
    internal string EmbeddedRedisFolder => EmbeddedRedisDataPath ?? Path.Combine(DataPath, "redis");

    /// <summary>Splits <see cref="Redis"/> into host and port, or returns false for <c>embedded</c>, <c>none</c> and anything malformed.</summary>
    internal static bool TryParseRedisEndpoint(string? value, out string host, out int port)
    {
        host = string.Empty;
        port = 0;
        var colon = value?.LastIndexOf(':') ?? -1;
        if (value is null || colon <= 0 || colon == value.Length - 1)
        {
            return false;
        }

        host = value[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }
        else if (host.Contains(':', StringComparison.Ordinal))
        {
            // An IPv6 address needs brackets, or its last group reads as the port.
            return false;
        }

        return host.Length > 0 && !host.Any(char.IsWhiteSpace)
            && int.TryParse(value.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out port)
            && port is >= 1 and <= 65535;
    }

    private static bool IsSentinelServiceName(string entry) => entry.StartsWith(RedisSentinelServiceName, StringComparison.OrdinalIgnoreCase);

    private string? ValidateRedis()
    {
        if (string.Equals(Redis, RedisEmbedded, StringComparison.OrdinalIgnoreCase) || string.Equals(Redis, RedisNone, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var entries = (Redis ?? string.Empty).Split(',');
        var serviceNames = entries.Where(IsSentinelServiceName).Select(e => e[RedisSentinelServiceName.Length..]).ToList();
        var endpoints = entries.Where(e => !IsSentinelServiceName(e)).ToList();
        return serviceNames.Count <= 1 && serviceNames.All(IsMasterName) && endpoints.Count > 0 && endpoints.All(e => TryParseRedisEndpoint(e, out _, out _))
            ? null
            : $"Redis '{Redis}' must be host:port with a port from 1 to 65535 (several joined by commas for a cluster; sentinels joined by commas and then "
              + $"{RedisSentinelServiceName}<master name> of letters, digits, '_', '.' or '-'), 'embedded' or 'none'.";
    }

    private static bool IsMasterName(string name) => name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-');
}
