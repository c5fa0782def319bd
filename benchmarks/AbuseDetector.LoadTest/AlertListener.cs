using System.Diagnostics;
using AbuseDetector.Alerts.Redis;
using StackExchange.Redis;

namespace AbuseDetector.LoadTest;

/// <summary>What the alert listener saw.</summary>
internal sealed record AlertResult(long Received, long Duplicates, long NotFromChunk, long Unmatched, long Invalid, double[] LatenciesMs, IReadOnlyDictionary<string, long> ByKind);

/// <summary>
/// Subscribes to the service's agent and team alert channels of the load tenants (two pattern subscriptions) and times
/// each alert from the send of the chunk that raised it (call id and seq) to its arrival here. An alert for agent and
/// team arrives on both channels: the first arrival counts, the second is a duplicate.
/// </summary>
internal sealed class AlertListener(string redis, string prefix, string tenantPattern, SendTimes sendTimes) : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private readonly List<double> _latencies = [];
    private readonly Dictionary<string, long> _byKind = new(StringComparer.Ordinal);
    private ConnectionMultiplexer? _multiplexer;
    private long _received;
    private long _duplicates;
    private long _notFromChunk;
    private long _unmatched;
    private long _invalid;
    private long _lastArrival = Stopwatch.GetTimestamp();

    public async Task StartAsync()
    {
        var configuration = ConfigurationOptions.Parse(redis);
        configuration.ClientName = "abuse-detector-loadtest";
        configuration.AbortOnConnectFail = true;
        _multiplexer = await ConnectionMultiplexer.ConnectAsync(configuration);
        var subscriber = _multiplexer.GetSubscriber();
        await subscriber.SubscribeAsync(new RedisChannel($"{prefix}:{tenantPattern}:agent:*", RedisChannel.PatternMode.Pattern), OnMessage);
        await subscriber.SubscribeAsync(new RedisChannel($"{prefix}:{tenantPattern}:team:*", RedisChannel.PatternMode.Pattern), OnMessage);
    }

    /// <summary>Waits until no alert has arrived for <paramref name="quiet"/>, or <paramref name="limit"/> passes.</summary>
    public async Task WaitForQuietAsync(TimeSpan quiet, TimeSpan limit)
    {
        var started = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(Interlocked.Read(ref _lastArrival)) < quiet && Stopwatch.GetElapsedTime(started) < limit)
        {
            await Task.Delay(100);
        }
    }

    public AlertResult Result()
    {
        lock (_lock)
        {
            var latencies = _latencies.ToArray();
            Array.Sort(latencies);
            return new AlertResult(_received, _duplicates, _notFromChunk, _unmatched, _invalid, latencies, new Dictionary<string, long>(_byKind, StringComparer.Ordinal));
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_multiplexer is { } multiplexer)
        {
            await multiplexer.CloseAsync(allowCommandsToComplete: false);
            multiplexer.Dispose();
        }
    }

    private void OnMessage(RedisChannel channel, RedisValue message)
    {
        var now = Stopwatch.GetTimestamp();
        Interlocked.Exchange(ref _lastArrival, now);
        Escalation.Alert alert;
        try
        {
            alert = AlertJson.Parse((byte[])message!);
        }
        catch (FormatException)
        {
            Interlocked.Increment(ref _invalid);
            return;
        }

        lock (_lock)
        {
            if (!_seen.Add(alert.AlertId))
            {
                _duplicates++;
                return;
            }

            _received++;
            var kind = alert.Kind.ToString();
            _byKind[kind] = _byKind.GetValueOrDefault(kind) + 1;
            if (alert.Seq == 0)
            {
                // Raised by the call's end or across calls (call_ended, agent_wellbeing): no chunk to time it from.
                _notFromChunk++;
            }
            else if (sendTimes.TryGet(alert.Call.CallId, alert.Seq, out var sentAt))
            {
                _latencies.Add(Stopwatch.GetElapsedTime(sentAt, now).TotalMilliseconds);
            }
            else
            {
                _unmatched++;
            }
        }
    }
}
