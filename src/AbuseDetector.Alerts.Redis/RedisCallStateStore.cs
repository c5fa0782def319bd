using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization;
using AbuseDetector.Alerts.Redis.Internal;
using AbuseDetector.Escalation;
using AbuseDetector.Monitoring;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace AbuseDetector.Alerts.Redis;

/// <summary>
/// Live calls' state in Redis, so a call goes on on another instance: a hash at <c>{prefix}:{{tenant}}:call:{call}:state</c>
/// (<c>version</c>, <c>ended</c>, <c>json</c>: the <see cref="CallSnapshot"/> without its incident timeline), the timeline
/// at <c>…:call:{call}:timeline</c> (a list, one JSON entry per utterance, each sent once: it only grows), and the lease
/// at <c>…:call:{call}:lease</c>,
/// holding the id of the instance that has the call, for <see cref="RedisAlertsOptions.CallLeaseTime"/>. A background loop
/// renews the leases of the calls the host says are live every third of that. Saves never wait: they go out in order on
/// the process's connection and are dropped while Redis is away (the next one carries the whole state).
/// </summary>
public sealed class RedisCallStateStore : ICallStateStore, IAsyncDisposable
{
    private readonly IConnectionMultiplexer _redis;
    private readonly RedisAlertsOptions _options;
    private readonly RedisKeys _keys;
    private readonly Func<IReadOnlyList<(string TenantId, string CallId)>> _liveCalls;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();

    // Per live call, the timeline entries already sent: each save sends only the new ones.
    private readonly ConcurrentDictionary<(string TenantId, string CallId), int> _timelineSent = new();
    private readonly Task _renewing;

    /// <summary>Creates the store and starts renewing leases; returns at once, also while Redis is down.</summary>
    /// <param name="redis">The process's Redis connection; not disposed with the store.</param>
    /// <param name="options">The settings; validated here.</param>
    /// <param name="liveCalls">The calls live on this instance now, whose leases are renewed.</param>
    /// <param name="timeProvider">The clock of the renewal loop; null for the system's.</param>
    /// <param name="logger">Logs lost leases, or null for none.</param>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">An option is out of range.</exception>
    public RedisCallStateStore(
        IConnectionMultiplexer redis,
        RedisAlertsOptions options,
        Func<IReadOnlyList<(string TenantId, string CallId)>> liveCalls,
        TimeProvider? timeProvider = null,
        ILogger<RedisCallStateStore>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(redis);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(liveCalls);
        options.Validate();
        _redis = redis;
        _options = options;
        _keys = new RedisKeys(options.KeyPrefix);
        _liveCalls = liveCalls;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _renewing = Task.Run(RenewLeasesAsync, CancellationToken.None);
    }

    /// <summary>Gets the id this instance writes into the leases it holds: host, process and a random part.</summary>
    public string InstanceId { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    /// <inheritdoc/>
    public bool KeepsState => true;

    private long LeaseMs => (long)_options.CallLeaseTime.TotalMilliseconds;

    private long RetentionMs => (long)_options.CallStateRetention.TotalMilliseconds;

    /// <inheritdoc/>
    public async Task<CallClaim> ClaimAsync(string tenantId, string callId, CancellationToken cancellationToken = default)
    {
        try
        {
            var result = await _redis.GetDatabase()
                .ScriptEvaluateAsync(Scripts.ClaimCall, CallKeys(tenantId, callId), [InstanceId, LeaseMs])
                .WaitAsync(_options.OperationTimeout, _time, cancellationToken);
            return (int)result == 1 ? CallClaim.Claimed : CallClaim.HeldElsewhere;
        }
        catch (Exception ex) when (RedisWriteRetry.IsTransient(ex))
        {
            return CallClaim.StoreUnavailable;
        }
    }

    /// <inheritdoc/>
    public Task<CallResumption> ResumeAsync(string tenantId, string callId, CancellationToken cancellationToken = default) =>
        ResumeAtAsync(tenantId, callId, string.Empty, cancellationToken);

    /// <inheritdoc/>
    public Task<CallResumption> TakeBackAsync(string tenantId, string callId, long version, CancellationToken cancellationToken = default) =>
        ResumeAtAsync(tenantId, callId, version.ToString(System.Globalization.CultureInfo.InvariantCulture), cancellationToken);

    private async Task<CallResumption> ResumeAtAsync(string tenantId, string callId, string version, CancellationToken cancellationToken)
    {
        RedisResult[] reply;
        try
        {
            reply = (RedisResult[])(await _redis.GetDatabase()
                .ScriptEvaluateAsync(Scripts.ResumeCall, CallKeys(tenantId, callId), [InstanceId, LeaseMs, version])
                .WaitAsync(_options.OperationTimeout, _time, cancellationToken))!;
        }
        catch (Exception ex) when (RedisWriteRetry.IsTransient(ex))
        {
            return new CallResumption(CallResumptionOutcome.StoreUnavailable);
        }

        switch ((string?)reply[0])
        {
            case "held":
                return new CallResumption(CallResumptionOutcome.HeldElsewhere);
            case "ended":
                return new CallResumption(CallResumptionOutcome.Ended);
            case "ok":
                try
                {
                    var snapshot = JsonSerializer.Deserialize((byte[])reply[1]!, CallStateJsonContext.Default.CallSnapshot);
                    if (snapshot is not null && string.Equals(snapshot.Call.TenantId, tenantId, StringComparison.Ordinal) && string.Equals(snapshot.Call.CallId, callId, StringComparison.Ordinal))
                    {
                        var timeline = ((RedisResult[])reply[2]!).Select(entry => JsonSerializer.Deserialize((byte[])entry!, CallStateJsonContext.Default.IncidentUtterance)!).ToArray();
                        _timelineSent[(tenantId, callId)] = timeline.Length;
                        return new CallResumption(CallResumptionOutcome.Resumed, snapshot with { Escalation = snapshot.Escalation with { Timeline = timeline } });
                    }
                }
                catch (JsonException ex)
                {
                    AlertsLog.CallStateMalformed(_logger, ex);
                }

                return new CallResumption(CallResumptionOutcome.Unknown);
            default:
                return new CallResumption(CallResumptionOutcome.Unknown);
        }
    }

    /// <inheritdoc/>
    public void Save(CallSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        _ = SaveInBackgroundAsync(snapshot.Call, SaveArguments(snapshot, handOver: false));
    }

    /// <inheritdoc/>
    public async Task<bool> HandOverAsync(CallSnapshot snapshot, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var (keys, values) = SaveArguments(snapshot, handOver: true);
        var call = snapshot.Call;
        try
        {
            var saved = (int)await _redis.GetDatabase().ScriptEvaluateAsync(Scripts.SaveCall, keys, values).WaitAsync(_options.OperationTimeout, _time, cancellationToken);
            if (saved == 2)
            {
                // A save before this one was lost: the same version again, with the whole timeline.
                _timelineSent[(call.TenantId, call.CallId)] = 0;
                (keys, values) = SaveArguments(snapshot, handOver: true);
                saved = (int)await _redis.GetDatabase().ScriptEvaluateAsync(Scripts.SaveCall, keys, values).WaitAsync(_options.OperationTimeout, _time, cancellationToken);
            }

            return saved == 1;
        }
        catch (Exception ex) when (RedisWriteRetry.IsTransient(ex))
        {
            return false;
        }
        finally
        {
            _timelineSent.TryRemove((call.TenantId, call.CallId), out _);
        }
    }

    /// <summary>Stops renewing leases; the calls' leases then run out, unless their state was handed over first.</summary>
    /// <returns>A task that completes when the renewal loop has stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        if (!_stopping.IsCancellationRequested)
        {
            await _stopping.CancelAsync();
            await _renewing;
            _stopping.Dispose();
        }
    }

    private RedisKey[] CallKeys(string tenantId, string callId) =>
        [_keys.CallLease(tenantId, callId), _keys.CallState(tenantId, callId), _keys.CallTimeline(tenantId, callId)];

    private (RedisKey[] Keys, RedisValue[] Values) SaveArguments(CallSnapshot snapshot, bool handOver)
    {
        var call = snapshot.Call;
        var key = (call.TenantId, call.CallId);
        var timeline = snapshot.Escalation.Timeline;
        var sent = 0;
        if (snapshot.IsEnded)
        {
            // An ended call needs no state: a resume only has to hear that it ended.
            _timelineSent.TryRemove(key, out _);
        }
        else
        {
            sent = Math.Min(_timelineSent.GetValueOrDefault(key), timeline.Count);
            _timelineSent[key] = timeline.Count;
        }

        var json = snapshot.IsEnded
            ? []
            : JsonSerializer.SerializeToUtf8Bytes(timeline.Count == 0 ? snapshot : snapshot with { Escalation = snapshot.Escalation with { Timeline = [] } }, CallStateJsonContext.Default.CallSnapshot);
        var values = new RedisValue[8 + (snapshot.IsEnded ? 0 : timeline.Count - sent)];
        values[0] = InstanceId;
        values[1] = LeaseMs;
        values[2] = snapshot.Version;
        values[3] = json;
        values[4] = snapshot.IsEnded ? 1 : 0;
        values[5] = RetentionMs;
        values[6] = handOver ? 1 : 0;
        values[7] = sent;
        for (var i = 8; i < values.Length; i++)
        {
            values[i] = JsonSerializer.SerializeToUtf8Bytes(timeline[sent + i - 8], CallStateJsonContext.Default.IncidentUtterance);
        }

        return (CallKeys(call.TenantId, call.CallId), values);
    }

    private async Task SaveInBackgroundAsync(CallParticipants call, (RedisKey[] Keys, RedisValue[] Values) arguments)
    {
        try
        {
            // Not fire-and-forget: the library then reloads the script after a Redis restart or failover emptied its cache.
            if ((int)await _redis.GetDatabase().ScriptEvaluateAsync(Scripts.SaveCall, arguments.Keys, arguments.Values) == 2)
            {
                // A save before this one was lost, so this one was not taken: the next sends the whole timeline.
                var key = (call.TenantId, call.CallId);
                if (_timelineSent.ContainsKey(key))
                {
                    _timelineSent[key] = 0;
                }
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // Redis is away: the next save after it is back carries the whole state, and its timeline once the gap is seen.
        }
    }

    private async Task RenewLeasesAsync()
    {
        var token = _stopping.Token;
        try
        {
            while (true)
            {
                await Task.Delay(_options.CallLeaseTime / 3, _time, token);
                var calls = _liveCalls();
                if (calls.Count == 0 || !_redis.IsConnected)
                {
                    continue;
                }

                var database = _redis.GetDatabase();
                var renewals = new Task<RedisResult>[calls.Count];
                for (var i = 0; i < calls.Count; i++)
                {
                    var (tenantId, callId) = calls[i];
                    renewals[i] = database.ScriptEvaluateAsync(Scripts.RenewCall, CallKeys(tenantId, callId), [InstanceId, LeaseMs, RetentionMs]);
                }

                await ReportLostAsync(renewals);
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private async Task ReportLostAsync(Task<RedisResult>[] renewals)
    {
        foreach (var renewal in renewals)
        {
            try
            {
                if ((int)await renewal == 0)
                {
                    AlertsLog.CallLeaseLost(_logger);
                }
            }
            catch (Exception ex) when (RedisWriteRetry.IsTransient(ex))
            {
                // Renewed again in a third of the lease time; one missed round leaves two more.
            }
        }
    }
}

/// <summary>The source-generated serializer of call snapshots (our own format, read back only by this service).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    UseStringEnumConverter = true,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CallSnapshot))]
[JsonSerializable(typeof(IncidentUtterance))]
internal sealed partial class CallStateJsonContext : JsonSerializerContext;
