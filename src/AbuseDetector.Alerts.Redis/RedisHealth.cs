using AbuseDetector.Alerts.Redis.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace AbuseDetector.Alerts.Redis;

/// <summary>
/// Whether Redis is usable right now, in one sentence for a health check: it follows the connection's failures and
/// recoveries, and hears from the publisher and the incident store (through <see cref="RedisWriteRetry"/>) whether
/// their writes fail or go through. Each change is logged once. Sentences never carry the password, keys or alert text.
/// </summary>
public sealed class RedisHealth : IDisposable
{
    /// <summary>The sentence for a password Redis refused.</summary>
    public const string AuthenticationProblem = "Redis refused the password (AuthenticationFailure): check RedisPassword";

    private readonly IConnectionMultiplexer _redis;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private string? _connectionProblem;
    private string? _writeProblem;

    /// <summary>Starts following the connection; when it is not up yet, <see cref="CheckAsync"/> tells why.</summary>
    /// <param name="redis">The process's connection; not disposed with this.</param>
    /// <param name="logger">Logs each change of the connection's state, or null for none.</param>
    public RedisHealth(IConnectionMultiplexer redis, ILogger<RedisHealth>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(redis);
        _redis = redis;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        redis.ConnectionFailed += OnConnectionFailed;
        redis.ConnectionRestored += OnConnectionRestored;
        if (!redis.IsConnected)
        {
            // The first attempt's failure event fired before we listened; CheckAsync asks Redis why (a refused password
            // is named then), and the host logs that answer once.
            lock (_lock)
            {
                _connectionProblem ??= "Redis unreachable (UnableToConnect)";
            }
        }
    }

    /// <summary>Gets null while Redis is reachable and takes writes, else one sentence saying what is wrong, such as <c>Redis unreachable (SocketFailure)</c>.</summary>
    public string? Problem
    {
        get
        {
            lock (_lock)
            {
                return _connectionProblem ?? _writeProblem;
            }
        }
    }

    /// <summary>Sends PING and updates <see cref="Problem"/> from the answer: for a health check that wants a fresh look.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The problem after the check, or null when Redis answered.</returns>
    public async Task<string?> CheckAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await _redis.GetDatabase().PingAsync().WaitAsync(cancellationToken);
            if (_redis.IsConnected)
            {
                ClearConnectionProblem("Interactive");
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            ReportFailure(e);
        }

        return Problem;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _redis.ConnectionFailed -= OnConnectionFailed;
        _redis.ConnectionRestored -= OnConnectionRestored;
    }

    /// <summary>A write went through: Redis is reachable and takes writes.</summary>
    internal void ReportWriteSucceeded()
    {
        ClearConnectionProblem("Interactive");
        string? cleared;
        lock (_lock)
        {
            cleared = _writeProblem;
            _writeProblem = null;
        }

        if (cleared is not null)
        {
            AlertsLog.RedisWritesAccepted(_logger);
        }
    }

    /// <summary>A write failed with an error that passes (<see cref="RedisWriteRetry.IsTransient"/>).</summary>
    internal void ReportFailure(Exception exception)
    {
        if (IsAuthenticationFailure(exception))
        {
            SetConnectionProblem(AuthenticationProblem, nameof(ConnectionFailureType.AuthenticationFailure), "Interactive");
            return;
        }

        switch (exception)
        {
            case RedisConnectionException connection:
                lock (_lock)
                {
                    // The connection's own event names the failure better than a command refused for want of a connection.
                    if (_connectionProblem is not null)
                    {
                        return;
                    }
                }

                var failure = Innermost(connection).FailureType.ToString();
                SetConnectionProblem($"Redis unreachable ({failure})", failure, "Interactive");
                return;
            case RedisTimeoutException or TimeoutException:
                SetWriteProblem("Redis does not answer in time (Timeout)");
                return;
            case RedisServerException server:
                SetWriteProblem($"Redis refuses writes ({ServerReply(server.Message)})");
                return;
        }
    }

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e)
    {
        var problem = e.FailureType == ConnectionFailureType.AuthenticationFailure || (e.Exception is { } error && IsAuthenticationFailure(error))
            ? AuthenticationProblem
            : $"Redis unreachable ({e.FailureType})";
        SetConnectionProblem(problem, e.FailureType.ToString(), e.ConnectionType.ToString());
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        if (_redis.IsConnected)
        {
            ClearConnectionProblem(e.ConnectionType.ToString());
        }
    }

    private void SetConnectionProblem(string problem, string failureType, string connectionType)
    {
        lock (_lock)
        {
            if (string.Equals(_connectionProblem, problem, StringComparison.Ordinal))
            {
                return;
            }

            _connectionProblem = problem;
        }

        if (ReferenceEquals(problem, AuthenticationProblem))
        {
            AlertsLog.RedisAuthenticationFailed(_logger);
        }
        else
        {
            AlertsLog.RedisConnectionFailed(_logger, connectionType, failureType);
        }
    }

    private void ClearConnectionProblem(string connectionType)
    {
        lock (_lock)
        {
            if (_connectionProblem is null)
            {
                return;
            }

            _connectionProblem = null;
        }

        AlertsLog.RedisConnectionRestored(_logger, connectionType);
    }

    private void SetWriteProblem(string problem)
    {
        lock (_lock)
        {
            if (string.Equals(_writeProblem, problem, StringComparison.Ordinal))
            {
                return;
            }

            _writeProblem = problem;
        }

        AlertsLog.RedisWritesFailing(_logger, problem);
    }

    /// <summary>Whether an error, or one inside it, is Redis refusing our password (NOAUTH, WRONGPASS or a failed AUTH at connect).</summary>
    internal static bool IsAuthenticationFailure(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is RedisConnectionException { FailureType: ConnectionFailureType.AuthenticationFailure }
                || e.Message.Contains("NOAUTH", StringComparison.Ordinal) || e.Message.Contains("WRONGPASS", StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static RedisConnectionException Innermost(RedisConnectionException exception)
    {
        var innermost = exception;
        for (var e = exception.InnerException; e is not null; e = e.InnerException)
        {
            if (e is RedisConnectionException inner)
            {
                innermost = inner;
            }
        }

        return innermost;
    }

    /// <summary>The server's reply without what a script error appends (its hash and line), at most 200 characters.</summary>
    private static string ServerReply(string message)
    {
        var script = message.IndexOf(" script:", StringComparison.Ordinal);
        var reply = (script > 0 ? message[..script] : message).Trim();
        return reply.Length <= 200 ? reply : reply[..200];
    }
}
