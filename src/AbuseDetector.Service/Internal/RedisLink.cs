using System.Net;
using System.Net.Sockets;
using AbuseDetector.Alerts.Redis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AbuseDetector.Service.Internal;

/// <summary>
/// The process's link to Redis, over its lifetime: at start, a local redis-server when <c>--redis embedded</c> finds none
/// answering, then the one <see cref="IConnectionMultiplexer"/> of the process (start-up does not wait for Redis: calls
/// are scored and alerts wait in the outbox and its journal), then the outbox's journal replayed. At shutdown, after the
/// calls have drained: the outbox and the incident queue get their time to flush, then the connection closes and the
/// embedded server stops.
/// </summary>
internal sealed class RedisLink(
    IOptions<AbuseDetectorServiceOptions> serviceOptions,
    IOptions<RedisAlertsOptions> redisOptions,
    IServiceProvider services,
    ILogger<RedisLink> logger) : IHostedService, IAsyncDisposable
{
    private RedisServerProcess? _embedded;
    private ConnectionMultiplexer? _multiplexer;
    private RedisAlertPublisher? _publisher;
    private RedisIncidentStore? _incidents;
    private RedisCallStateStore? _callStates;
    private CancellationTokenSource? _stopping;
    private Task _keyMigration = Task.CompletedTask;

    /// <summary>Gets the connection; there is none before the host starts.</summary>
    public IConnectionMultiplexer Multiplexer => _multiplexer ?? throw new InvalidOperationException("Redis is used before the service started.");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = serviceOptions.Value;
        var options = redisOptions.Value;
        if (settings.IsEmbeddedRedis && !await AnswersAsync(settings.EmbeddedRedisPort, cancellationToken))
        {
            await StartEmbeddedAsync(settings, cancellationToken);
        }

        ServiceLog.RedisConnecting(logger, options.Configuration, options.UseTls ? " over TLS" : "");
        _multiplexer = await RedisConnector.ConnectAsync(options, cancellationToken);
        if (!_multiplexer.IsConnected && await services.GetRequiredService<RedisHealth>().CheckAsync(cancellationToken) is { } problem)
        {
            ServiceLog.RedisUnreachableAtStart(logger, problem);
        }

        _incidents = services.GetRequiredService<RedisIncidentStore>();
        _callStates = services.GetRequiredService<RedisCallStateStore>();
        _publisher = services.GetRequiredService<RedisAlertPublisher>();
        await _publisher.StartAsync(cancellationToken);
        _stopping = new CancellationTokenSource();
        _keyMigration = MigrateKeysAsync(_multiplexer, options.KeyPrefix, _stopping.Token);
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await DisposeAsync();

    public async ValueTask DisposeAsync()
    {
        if (_stopping is { } stopping)
        {
            _stopping = null;
            await stopping.CancelAsync();
            await _keyMigration;
            stopping.Dispose();
        }

        if (_publisher is { } publisher)
        {
            _publisher = null;
            await publisher.DisposeAsync();
        }

        if (_callStates is { } callStates)
        {
            _callStates = null;
            await callStates.DisposeAsync();
        }

        if (_incidents is { } incidents)
        {
            _incidents = null;
            await incidents.DisposeAsync();
        }

        if (_multiplexer is { } multiplexer)
        {
            _multiplexer = null;
            await multiplexer.CloseAsync(allowCommandsToComplete: false);
            await multiplexer.DisposeAsync();
        }

        if (_embedded is { } embedded)
        {
            _embedded = null;
            await embedded.DisposeAsync();
        }
    }

    /// <summary>Once Redis answers, moves keys an earlier version wrote to the current layout (in the background: start-up never waits).</summary>
    private async Task MigrateKeysAsync(ConnectionMultiplexer redis, string keyPrefix, CancellationToken cancellationToken)
    {
        try
        {
            while (!redis.IsConnected)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }

            await RedisKeyLayout.MigrateAsync(redis, keyPrefix, logger, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping: the next start goes on where this one left off.
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            ServiceLog.KeyMigrationFailed(logger, e.GetType().Name);
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

    private async Task StartEmbeddedAsync(AbuseDetectorServiceOptions settings, CancellationToken cancellationToken)
    {
        var folder = settings.EmbeddedRedisFolder;
        try
        {
            // Append-only persistence: the embedded server keeps incidents and history across restarts.
            Directory.CreateDirectory(folder);
            _embedded = new RedisServerProcess(
                settings.EmbeddedRedisPort, settings.RedisPassword, extraArguments: ["--appendonly", "yes", "--appendfsync", "everysec", "--dir", folder]);
            await _embedded.StartAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is InvalidOperationException or UnauthorizedAccessException or IOException)
        {
            // IOException: start-up prints the sentence and exits 1.
            throw new IOException($"Redis 'embedded' could not start a local redis-server ({ex.Message}); install redis-server, or pass --redis host:port or --redis none.", ex);
        }

        ServiceLog.EmbeddedRedisStarted(logger, settings.EmbeddedRedisPort, folder);
    }
}
