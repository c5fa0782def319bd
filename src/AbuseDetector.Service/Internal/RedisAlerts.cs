using System.Globalization;
using System.Net;
using System.Net.Sockets;
using AbuseDetector.Alerts.Redis;
using Microsoft.Extensions.Options;

namespace AbuseDetector.Service.Internal;

/// <summary>
/// The process's Redis side: the connection, the alert publisher and its outbox, the incident store and the team-history
/// watcher; with <c>--redis embedded</c>, a local redis-server started when none answers on 127.0.0.1:<see cref="AbuseDetectorServiceOptions.EmbeddedRedisPort"/>. Nothing
/// when Redis is <c>none</c>. Started before the service takes calls; at shutdown, after the calls have drained, the
/// outbox is flushed and the embedded server stopped.
/// </summary>
internal sealed class RedisAlerts(
    IOptions<AbuseDetectorServiceOptions> serviceOptions,
    IOptions<RedisAlertsOptions> alertOptions,
    TimeProvider timeProvider,
    ILoggerFactory loggerFactory) : IHostedService, IAsyncDisposable
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<RedisAlerts>();
    private RedisServerProcess? _embedded;

    public bool Enabled => Connection is not null;

    public RedisConnection? Connection { get; private set; }

    public RedisAlertPublisher? Publisher { get; private set; }

    public RedisIncidentStore? Incidents { get; private set; }

    public AlertWatcher? Watcher { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = serviceOptions.Value;
        if (string.Equals(settings.Redis, AbuseDetectorServiceOptions.RedisNone, StringComparison.OrdinalIgnoreCase))
        {
            ServiceLog.RedisOff(_logger);
            return;
        }

        var options = alertOptions.Value;
        if (string.Equals(settings.Redis, AbuseDetectorServiceOptions.RedisEmbedded, StringComparison.OrdinalIgnoreCase))
        {
            var port = settings.EmbeddedRedisPort;
            options.Configuration = string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{port}");
            if (!await AnswersAsync(port, cancellationToken))
            {
                try
                {
                    // Append-only persistence: the embedded server keeps incidents and history across restarts.
                    Directory.CreateDirectory(settings.EmbeddedRedisDataPath);
                    _embedded = new RedisServerProcess(
                        port, settings.RedisPassword, extraArguments: ["--appendonly", "yes", "--appendfsync", "everysec", "--dir", settings.EmbeddedRedisDataPath]);
                    await _embedded.StartAsync(cancellationToken);
                }
                catch (Exception ex) when (ex is InvalidOperationException or UnauthorizedAccessException or IOException)
                {
                    // IOException: start-up prints the sentence and exits 1.
                    throw new IOException($"Redis 'embedded' could not start a local redis-server ({ex.Message}); install redis-server, or pass --redis host:port or --redis none.", ex);
                }

                ServiceLog.EmbeddedRedisStarted(_logger, port, settings.EmbeddedRedisDataPath);
            }
        }
        else
        {
            options.Configuration = settings.Redis;
        }

        // The short settings win when given; AbuseDetector:Alerts:Password and :UseTls still work on their own.
        options.Password = settings.RedisPassword ?? options.Password;
        options.UseTls |= settings.RedisUseTls;
        Connection = new RedisConnection(options, loggerFactory.CreateLogger<RedisConnection>());
        Publisher = new RedisAlertPublisher(Connection, timeProvider, loggerFactory.CreateLogger<RedisAlertPublisher>());
        Incidents = new RedisIncidentStore(Connection, timeProvider);
        Watcher = new AlertWatcher(Connection, timeProvider: timeProvider, logger: loggerFactory.CreateLogger<AlertWatcher>());

        // Start-up does not wait for Redis: calls are scored and alerts wait in the outbox until it answers.
        if (!await Connection.WaitUntilConnectedAsync(options.ConnectTimeout, cancellationToken))
        {
            ServiceLog.RedisUnreachableAtStart(_logger, Connection.LastFailure ?? "no answer");
        }
    }

    /// <summary>Closing the publisher gives its outbox <see cref="RedisAlertsOptions.ShutdownFlushTimeout"/> to drain and logs what is left.</summary>
    public async Task StopAsync(CancellationToken cancellationToken) => await DisposeAsync();

    public async ValueTask DisposeAsync()
    {
        if (Publisher is { } publisher)
        {
            Publisher = null;
            await publisher.DisposeAsync();
        }

        if (Connection is { } connection)
        {
            Connection = null;
            await connection.DisposeAsync();
        }

        if (_embedded is { } embedded)
        {
            _embedded = null;
            await embedded.DisposeAsync();
        }
    }

    private static async Task<bool> AnswersAsync(int port, CancellationToken cancellationToken)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellationToken);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
