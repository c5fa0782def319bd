using System.Collections.Concurrent;
using AbuseDetector.Escalation;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace AbuseDetector.Alerts.Redis.Tests;

/// <summary>Alerts and incidents for tests.</summary>
internal static class TestAlerts
{
    public static readonly DateTimeOffset At = new(2026, 11, 22, 13, 5, 0, 123, TimeSpan.Zero);

    public static Alert Make(string tenant, int n, AlertAudience audience = AlertAudience.AgentAndTeam, AlertSeverity severity = AlertSeverity.Warning, string team = "team-1", string agent = "agent-1") =>
        new(
            $"{tenant}-alert-{n}",
            new CallParticipants(tenant, $"call-{n}", agent, team, "cust-9", ""),
            AlertKind.LevelChanged,
            audience,
            EscalationLevel.Warning,
            "swearing",
            severity,
            "The caller swore twice.",
            ["you [expletive] idiot"],
            "I want to help, but I need you to stop swearing.",
            (ulong)n,
            At.AddMilliseconds(n));

    public static Incident Incident(string tenant, string call, DateTimeOffset started, string team = "team-1", string agent = "agent-1", string customer = "cust-1", IncidentOutcome outcome = IncidentOutcome.EndedByAgent, EscalationLevel level = EscalationLevel.EndCallPermitted) =>
        new(
            new CallParticipants(tenant, call, agent, team, customer, "en-GB"),
            started,
            started.AddMinutes(4),
            level,
            outcome,
            [
                new IncidentUtterance(3, "customer", started.AddSeconds(30), 30_000, "you [expletive]", ["swearing"], EscalationLevel.Notice),
                new IncidentUtterance(7, "customer", started.AddSeconds(90), 90_000, "I know where you live", ["threat"], EscalationLevel.FinalWarning),
            ],
            [new IncidentWarning(4, started.AddSeconds(31), EscalationLevel.Notice, "I can hear you're upset.", GivenByAgent: false)],
            SupervisorAlerted: true,
            ThreatRaised: true);

    /// <summary>The alert's contract JSON as text.</summary>
    public static string Json(Alert alert) => System.Text.Encoding.UTF8.GetString(AlertJson.Serialize(alert));

    /// <summary>The incident's stored JSON as text.</summary>
    public static string Json(Incident incident) => System.Text.Encoding.UTF8.GetString(IncidentJson.Serialize(incident));

    /// <summary>The key prefix of a tenant: <c>abuse:{tenant}</c>, the tenant as the hash tag (channels have no braces).</summary>
    public static string Tag(string tenant, string prefix = "abuse") => $"{prefix}:{{{tenant}}}";
}

/// <summary>
/// The pieces a host wires together, in its order: a connection, its health, the shared retry; then publishers, feeds
/// and stores on them. Disposes what it made in reverse.
/// </summary>
internal sealed class RedisStack : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _owned = [];

    private RedisStack(ConnectionMultiplexer redis, RedisAlertsOptions options, TestLogger logs, TimeProvider? time)
    {
        Redis = redis;
        Options = options;
        Logs = logs;
        Health = new RedisHealth(redis, logs.For<RedisHealth>());
        Retry = new RedisWriteRetry(Health, time);
    }

    public ConnectionMultiplexer Redis { get; }

    public RedisAlertsOptions Options { get; }

    public TestLogger Logs { get; }

    public RedisHealth Health { get; }

    public RedisWriteRetry Retry { get; }

    public static async Task<RedisStack> ConnectAsync(RedisAlertsOptions options, bool waitUntilConnected = true, TimeProvider? time = null) =>
        new(await RedisTestConnection.ConnectAsync(options, waitUntilConnected), options, new TestLogger(), time);

    /// <summary>A started publisher on this connection, disposed with the stack unless the test disposes it first.</summary>
    public async Task<RedisAlertPublisher> StartPublisherAsync(RedisAlertsOptions? options = null)
    {
        var publisher = new RedisAlertPublisher(Redis, options ?? Options, Retry, logger: Logs.For<RedisAlertPublisher>());
        _owned.Add(publisher);
        await publisher.StartAsync();
        return publisher;
    }

    public RedisAlertFeed Feed(TimeSpan? historyPollInterval = null) => new(Redis, Options, historyPollInterval, logger: Logs.For<RedisAlertFeed>());

    public RedisIncidentStore Store()
    {
        var store = new RedisIncidentStore(Redis, Options, Retry, Logs.For<RedisIncidentStore>());
        _owned.Add(store);
        return store;
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            await _owned[i].DisposeAsync();
        }

        Health.Dispose();
        await Redis.CloseAsync();
        Redis.Dispose();
    }
}

/// <summary>Collects log entries of every category, for tests that check what was logged.</summary>
internal sealed class TestLogger
{
    public ConcurrentQueue<(string Category, EventId Id, LogLevel Level, string Message)> Entries { get; } = new();

    public ILogger<T> For<T>() => new Logger<T>(this);

    public IReadOnlyList<string> Messages(string eventName) => [.. Entries.Where(e => e.Id.Name == eventName).Select(e => e.Message)];

    private sealed class Logger<T>(TestLogger sink) : ILogger<T>
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            sink.Entries.Enqueue((typeof(T).Name, eventId, logLevel, formatter(state, exception)));
    }
}

/// <summary>A plain subscriber on its own connection that records every raw message per channel, duplicates included.</summary>
internal sealed class RawSubscriber : IAsyncDisposable
{
    private readonly ConnectionMultiplexer _multiplexer;

    private RawSubscriber(ConnectionMultiplexer multiplexer) => _multiplexer = multiplexer;

    public ConcurrentQueue<(string Channel, string Message)> Messages { get; } = new();

    public static Task<RawSubscriber> StartAsync(string configuration, params string[] channels) => StartAsync(configuration, RedisChannel.Literal, channels);

    /// <summary>Subscribes with SSUBSCRIBE, to shard channels of a Redis Cluster.</summary>
    public static Task<RawSubscriber> StartShardedAsync(string configuration, params string[] channels) => StartAsync(configuration, RedisChannel.Sharded, channels);

    private static async Task<RawSubscriber> StartAsync(string configuration, Func<string, RedisChannel> channelOf, string[] channels)
    {
        var subscriber = new RawSubscriber(await ConnectionMultiplexer.ConnectAsync(configuration));
        foreach (var channel in channels)
        {
            // A queue delivers in order; callbacks may run concurrently and reorder messages.
            var queue = await subscriber._multiplexer.GetSubscriber().SubscribeAsync(channelOf(channel));
            queue.OnMessage(m => subscriber.Messages.Enqueue(((string)m.Channel!, (string)m.Message!)));
        }

        return subscriber;
    }

    public IReadOnlyList<Alert> On(string channel) => [.. Messages.Where(m => m.Channel == channel).Select(m => AlertJson.Parse(m.Message))];

    public IReadOnlyList<string> Ids() => [.. Messages.Select(m => AlertJson.Parse(m.Message).AlertId)];

    public async ValueTask DisposeAsync()
    {
        await _multiplexer.CloseAsync();
        _multiplexer.Dispose();
    }
}

/// <summary>A clock that stands still at a given time (timers and timestamps run as usual).</summary>
internal sealed class TestClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
