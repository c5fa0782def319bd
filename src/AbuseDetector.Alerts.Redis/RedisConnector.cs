using StackExchange.Redis;

namespace AbuseDetector.Alerts.Redis;

/// <summary>
/// Makes the process's one connection to Redis from <see cref="RedisAlertsOptions"/>. The connection keeps reconnecting
/// in the background, so it is made also while Redis is down; commands then fail at once (no backlog), and the
/// publisher and incident store retry in order themselves.
/// </summary>
public static class RedisConnector
{
    /// <summary>The client name Redis shows for our connections (CLIENT LIST).</summary>
    public const string ClientName = "abuse-detector";

    /// <summary>Translates the options into a StackExchange.Redis configuration.</summary>
    /// <param name="options">Where Redis is; validated here.</param>
    /// <returns>A new configuration: not connecting at start is no error, timeouts, password, TLS and client name set.</returns>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">An option is out of range.</exception>
    public static ConfigurationOptions Configure(RedisAlertsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var configuration = ConfigurationOptions.Parse(options.Configuration);

        // Start while Redis is down and keep trying: classification never waits on Redis.
        configuration.AbortOnConnectFail = false;
        configuration.ConnectRetry = 1;
        configuration.ConnectTimeout = (int)options.ConnectTimeout.TotalMilliseconds;
        configuration.SyncTimeout = (int)options.OperationTimeout.TotalMilliseconds;
        configuration.AsyncTimeout = (int)options.OperationTimeout.TotalMilliseconds;

        // Fail fast while disconnected: the outbox keeps its order and its retries; a library backlog would reorder them.
        configuration.BacklogPolicy = BacklogPolicy.FailFast;
        configuration.ReconnectRetryPolicy = new ExponentialRetry(deltaBackOffMilliseconds: 500, maxDeltaBackOffMilliseconds: 5000);
        configuration.ClientName = ClientName;

        // Key names carry tenant and call ids: they stay out of exception messages, which reach the logs.
        configuration.IncludeDetailInExceptions = false;
        if (options.Password is not null)
        {
            configuration.Password = options.Password;
        }

        if (options.UseTls)
        {
            configuration.Ssl = true;
            if (options.TlsHost is not null)
            {
                configuration.SslHost = options.TlsHost;
            }

            if (options.AllowUntrustedCertificate)
            {
                configuration.CertificateValidation += (_, _, _, _) => true;
            }
        }

        return configuration;
    }

    /// <summary>
    /// Connects to Redis. Returns after the first attempt, within about <see cref="RedisAlertsOptions.ConnectTimeout"/>,
    /// whether it worked or not: a connection that is down keeps reconnecting (watch it with <see cref="RedisHealth"/>).
    /// With Sentinel (<c>serviceName=</c> in the configuration) the connection is to the master the sentinels name, and
    /// follows it through a failover.
    /// </summary>
    /// <param name="options">Where Redis is; validated here.</param>
    /// <param name="cancellationToken">Stops waiting for the first attempt.</param>
    /// <returns>The connection, to share across the process and dispose at its end.</returns>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">An option is out of range.</exception>
    public static async Task<ConnectionMultiplexer> ConnectAsync(RedisAlertsOptions options, CancellationToken cancellationToken = default)
    {
        var configuration = Configure(options);
        return await ConnectionMultiplexer.ConnectAsync(configuration).WaitAsync(cancellationToken);
    }
}
