using System.Collections.Concurrent;
using AbuseDetector.Escalation;
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
}

/// <summary>A plain subscriber on its own connection that records every raw message per channel, duplicates included.</summary>
internal sealed class RawSubscriber : IAsyncDisposable
{
    private readonly ConnectionMultiplexer _multiplexer;

    private RawSubscriber(ConnectionMultiplexer multiplexer) => _multiplexer = multiplexer;

    public ConcurrentQueue<(string Channel, string Message)> Messages { get; } = new();

    public static async Task<RawSubscriber> StartAsync(string configuration, params string[] channels)
    {
        var subscriber = new RawSubscriber(await ConnectionMultiplexer.ConnectAsync(configuration));
        foreach (var channel in channels)
        {
            await subscriber._multiplexer.GetSubscriber().SubscribeAsync(
                new RedisChannel(channel, RedisChannel.PatternMode.Literal),
                (c, v) => subscriber.Messages.Enqueue(((string)c!, (string)v!)));
        }

        return subscriber;
    }

    public IReadOnlyList<Alert> On(string channel) => [.. Messages.Where(m => m.Channel == channel).Select(m => AlertJson.Parse(m.Message))];

    public async ValueTask DisposeAsync()
    {
        await _multiplexer.CloseAsync();
        _multiplexer.Dispose();
    }
}
