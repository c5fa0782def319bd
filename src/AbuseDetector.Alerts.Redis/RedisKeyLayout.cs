using AbuseDetector.Alerts.Redis.Internal;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace AbuseDetector.Alerts.Redis;

/// <summary>
/// Moves keys written before the tenant became a hash tag (<c>abuse:acme:incident:c1</c>) to their current names
/// (<c>abuse:{acme}:incident:c1</c>), once per Redis: incidents and their indexes, team and agent histories, dedupe keys
/// and wellbeing counts keep working across the upgrade. A marker key records that the layout is current, so later
/// starts only read it. Keys of a tenant id holding ':' cannot be told apart from the rest of the name and are left.
/// </summary>
public static class RedisKeyLayout
{
    private const string CurrentLayout = "2";
    private const int ScanPage = 1000;

    /// <summary>Renames every key in the old layout that has no namesake in the current one, then marks the layout current.</summary>
    /// <param name="redis">The connection; it must be up.</param>
    /// <param name="keyPrefix">The deployment's key prefix (<see cref="RedisAlertsOptions.KeyPrefix"/>).</param>
    /// <param name="logger">Logs what was moved.</param>
    /// <param name="cancellationToken">Stops between keys; the next start goes on.</param>
    /// <returns>How many keys were renamed.</returns>
    public static async Task<int> MigrateAsync(IConnectionMultiplexer redis, string keyPrefix, ILogger logger, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(redis);
        ArgumentException.ThrowIfNullOrEmpty(keyPrefix);
        ArgumentNullException.ThrowIfNull(logger);
        var database = redis.GetDatabase();
        var marker = new RedisKey($"{keyPrefix}:key-layout");
        if (await database.StringGetAsync(marker) == CurrentLayout)
        {
            return 0;
        }

        var moved = 0;
        var kept = 0;
        foreach (var endpoint in redis.GetEndPoints())
        {
            var server = redis.GetServer(endpoint);
            if (server.IsReplica)
            {
                continue;
            }

            await foreach (var key in server.KeysAsync(database.Database, $"{keyPrefix}:*", ScanPage).WithCancellation(cancellationToken))
            {
                if (CurrentName((string)key!, keyPrefix) is not { } current)
                {
                    continue;
                }

                if (await database.KeyRenameAsync(key, current, When.NotExists))
                {
                    moved++;
                }
                else
                {
                    kept++;
                }
            }
        }

        await database.StringSetAsync(marker, CurrentLayout);
        if (moved > 0 || kept > 0)
        {
            AlertsLog.KeysMigrated(logger, moved, kept);
        }

        return moved;
    }

    /// <summary>The current name of a key in the old layout (<c>prefix:tenant:rest</c>), or null for any other key.</summary>
    internal static string? CurrentName(string key, string keyPrefix)
    {
        var tenantStart = keyPrefix.Length + 1;
        if (key.Length <= tenantStart || key[tenantStart] == '{' || key.AsSpan(tenantStart).StartsWith("key-layout", StringComparison.Ordinal))
        {
            return null;
        }

        var tenantEnd = key.IndexOf(':', tenantStart);
        return tenantEnd <= tenantStart ? null : $"{keyPrefix}:{{{key[tenantStart..tenantEnd]}}}{key[tenantEnd..]}";
    }
}
