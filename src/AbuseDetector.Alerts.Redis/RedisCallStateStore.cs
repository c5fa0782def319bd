using System.Text.Json;
using System.Text.Json.Serialization;
using AbuseDetector.Alerts.Redis.Internal;
using AbuseDetector.Monitoring;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace AbuseDetector.Alerts.Redis;

/// <summary>
/// Live calls' state in Redis, so a call goes on on another instance: a hash at <c>{prefix}:{{tenant}}:call:{call}:state</c>
/// (<c>version</c>, <c>ended</c>, <c>json</c>: the <see cref="CallSnapshot"/>) and the lease at <c>…:call:{call}:lease</c>,
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
                .ScriptEvaluateAsync(Scripts.ClaimCall, [_keys.CallLease(tenantId, callId), _keys.CallState(tenantId, callId)], [InstanceId, LeaseMs])
                .WaitAsync(_options.OperationTimeout, _time, cancellationToken);
            return (int)result == 1 ? CallClaim.Claimed : CallClaim.HeldElsewhere;
        }
        catch (Exception ex) when (RedisWriteRetry.IsTransient(ex))
        {
            return CallClaim.StoreUnavailable;
        }
    }

    /// <inheritdoc/>
    public async Task<CallResumption> ResumeAsync(string tenantId, string callId, CancellationToken cancellationToken = default)
    {
        RedisResult[] reply;
        try
        {
            reply = (RedisResult[])(await _redis.GetDatabase()
                .ScriptEvaluateAsync(Scripts.ResumeCall, [_keys.CallLease(tenantId, callId), _keys.CallState(tenantId, callId)], [InstanceId, LeaseMs])
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
                        return new CallResumption(CallResumptionOutcome.Resumed, snapshot);
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
        _ = SaveInBackgroundAsync(SaveArguments(snapshot, handOver: false));
    }

    /// <inheritdoc/>
    public async Task<bool> HandOverAsync(CallSnapshot snapshot, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var (keys, values) = SaveArguments(snapshot, handOver: true);
        try
        {
            var saved = await _redis.GetDatabase().ScriptEvaluateAsync(Scripts.SaveCall, keys, values).WaitAsync(_options.OperationTimeout, _time, cancellationToken);
            return (int)saved == 1;
        }
        catch (Exception ex) when (RedisWriteRetry.IsTransient(ex))
        {
            return false;
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

    private (RedisKey[] Keys, RedisValue[] Values) SaveArguments(CallSnapshot snapshot, bool handOver)
    {
        var call = snapshot.Call;

        // An ended call needs no state: a resume only has to hear that it ended.
        var json = snapshot.IsEnded ? [] : JsonSerializer.SerializeToUtf8Bytes(snapshot, CallStateJsonContext.Default.CallSnapshot);
        return (
            [_keys.CallLease(call.TenantId, call.CallId), _keys.CallState(call.TenantId, call.CallId)],
            [InstanceId, LeaseMs, snapshot.Version, json, snapshot.IsEnded ? 1 : 0, RetentionMs, handOver ? 1 : 0]);
    }

    private async Task SaveInBackgroundAsync((RedisKey[] Keys, RedisValue[] Values) arguments)
    {
        try
        {
            // Not fire-and-forget: the library then reloads the script after a Redis restart or failover emptied its cache.
            await _redis.GetDatabase().ScriptEvaluateAsync(Scripts.SaveCall, arguments.Keys, arguments.Values).WaitAsync(_options.OperationTimeout, _time);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // Redis is away: the next save after it is back carries the whole state.
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
                    renewals[i] = database.ScriptEvaluateAsync(Scripts.RenewCall, [_keys.CallLease(tenantId, callId), _keys.CallState(tenantId, callId)], [InstanceId, LeaseMs, RetentionMs]);
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
internal sealed partial class CallStateJsonContext : JsonSerializerContext;
