using AbuseDetector.Alerts.Redis.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace AbuseDetector.Alerts.Redis;

/// <summary>
/// The process's one connection to Redis, shared by the publisher, the watchers and the incident store. It is
/// created at once, also while Redis is down, and keeps reconnecting in the background; commands fail fast while it
/// is down.
/// </summary>
public sealed class RedisConnection : IAsyncDisposable
{
    private readonly Task<ConnectionMultiplexer> _multiplexer;
    private readonly ILogger _logger;
    private volatile string? _lastFailure;

    /// <summary>Starts connecting; returns without waiting for Redis.</summary>
    /// <param name="options">Where Redis is; validated here.</param>
    /// <param name="logger">Logs connection failures and recoveries, or null for none.</param>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">An option is out of range.</exception>
    public RedisConnection(RedisAlertsOptions options, ILogger<RedisConnection>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        Keys = new RedisKeys(options.KeyPrefix);
        _logger = logger ?? (ILogger)NullLogger.Instance;
        var configuration = BuildConfiguration(options);
        _multiplexer = ConnectAsync(configuration);
    }

    /// <summary>The settings the connection was made with.</summary>
    public RedisAlertsOptions Options { get; }

    /// <summary>Whether Redis is reachable and authenticated right now.</summary>
    public bool IsConnected => _multiplexer.IsCompletedSuccessfully && _multiplexer.Result.IsConnected;

    /// <summary>The last connection failure ("AuthenticationFailure", "SocketFailure", ...), or null when there was none.</summary>
    public string? LastFailure => _lastFailure;

    internal RedisKeys Keys { get; }

    /// <summary>Raised when the connection to Redis comes back after a failure.</summary>
    internal event Action? Restored;

    /// <summary>Sends PING and measures the round trip: a health check.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The round-trip time.</returns>
    /// <exception cref="RedisConnectionException">Redis is not reachable or refused the password (see <see cref="LastFailure"/>).</exception>
    public async Task<TimeSpan> PingAsync(CancellationToken cancellationToken = default)
    {
        var database = await GetDatabaseAsync(cancellationToken);
        return await database.PingAsync().WaitAsync(Options.OperationTimeout, cancellationToken);
    }

    /// <summary>Waits until the connection is up, or the timeout passes.</summary>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>True when connected.</returns>
    public async Task<bool> WaitUntilConnectedAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await _multiplexer.WaitAsync(deadline.Token);
            while (!IsConnected)
            {
                await Task.Delay(20, deadline.Token);
            }

            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        try
        {
            var multiplexer = await _multiplexer;
            await multiplexer.CloseAsync(allowCommandsToComplete: false);
            multiplexer.Dispose();
        }
        catch (RedisException)
        {
            // Closing a connection that never came up.
        }
    }

    internal async Task<IDatabase> GetDatabaseAsync(CancellationToken cancellationToken = default) =>
        (await _multiplexer.WaitAsync(cancellationToken)).GetDatabase();

    /// <summary>Runs a script, waiting at most <see cref="RedisAlertsOptions.OperationTimeout"/> for its reply.</summary>
    /// <exception cref="TimeoutException">No reply in time; the script may still run.</exception>
    internal async Task<RedisResult> EvaluateAsync(string script, RedisKey[] keys, RedisValue[] values, CancellationToken cancellationToken = default)
    {
        var database = await GetDatabaseAsync(cancellationToken);
        return await database.ScriptEvaluateAsync(script, keys, values).WaitAsync(Options.OperationTimeout, cancellationToken);
    }

    internal async Task<ISubscriber> GetSubscriberAsync(CancellationToken cancellationToken = default) =>
        (await _multiplexer.WaitAsync(cancellationToken)).GetSubscriber();

    private async Task<ConnectionMultiplexer> ConnectAsync(ConfigurationOptions configuration)
    {
        // Off the caller's thread: the first attempt may take up to ConnectTimeout while Redis is down.
        await Task.Yield();
        var multiplexer = await ConnectionMultiplexer.ConnectAsync(configuration);
        multiplexer.ConnectionFailed += (_, e) =>
        {
            _lastFailure = e.FailureType.ToString();
            AlertsLog.RedisConnectionFailed(_logger, e.ConnectionType.ToString(), e.FailureType.ToString());
        };
        multiplexer.ConnectionRestored += (_, e) =>
        {
            AlertsLog.RedisConnectionRestored(_logger, e.ConnectionType.ToString());
            Restored?.Invoke();
        };
        if (!multiplexer.IsConnected)
        {
            _lastFailure ??= "NotConnected";
            AlertsLog.RedisNotConnectedAtStart(_logger);
        }

        return multiplexer;
    }

    private static ConfigurationOptions BuildConfiguration(RedisAlertsOptions options)
    {
        var configuration = ConfigurationOptions.Parse(options.Configuration);

        // Start while Redis is down and keep trying: classification never waits on Redis.
        configuration.AbortOnConnectFail = false;
        configuration.ConnectTimeout = (int)options.ConnectTimeout.TotalMilliseconds;
        configuration.SyncTimeout = (int)options.OperationTimeout.TotalMilliseconds;
        configuration.ConnectRetry = 1;
        configuration.ClientName = "abuse-detector";
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
}
