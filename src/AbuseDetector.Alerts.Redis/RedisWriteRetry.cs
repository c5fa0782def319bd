using Polly;
using Polly.Retry;
using StackExchange.Redis;

namespace AbuseDetector.Alerts.Redis;

/// <summary>
/// The one retry policy for Redis writes, shared by the alert publisher and the incident store: it tells errors that
/// pass (<see cref="IsTransient"/>) from those that will fail again, retries the first kind with capped exponential
/// backoff (50 ms doubling to 2 s, no jitter) until the caller cancels, and tells <see cref="RedisHealth"/> about every
/// failure and success. A Polly <see cref="ResiliencePipeline"/> on the given <see cref="System.TimeProvider"/>.
/// </summary>
public sealed class RedisWriteRetry
{
    /// <summary>The first delay before a retry.</summary>
    public static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(50);

    /// <summary>The longest delay between retries.</summary>
    public static readonly TimeSpan LongestDelay = TimeSpan.FromSeconds(2);

    private static readonly ResiliencePropertyKey<Action<Exception, TimeSpan>> OnRetryKey = new("abuse-detector.on-retry");

    private readonly RedisHealth _health;
    private readonly ResiliencePipeline _pipeline;

    /// <summary>Builds the pipeline.</summary>
    /// <param name="health">Told about each failure and success.</param>
    /// <param name="timeProvider">The clock for backoff, or null for the system clock; the publisher and the store use it too.</param>
    public RedisWriteRetry(RedisHealth health, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(health);
        _health = health;
        TimeProvider = timeProvider ?? TimeProvider.System;
        _pipeline = new ResiliencePipelineBuilder { TimeProvider = TimeProvider }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = static args => ValueTask.FromResult(args.Outcome.Exception is { } e && IsTransient(e)),
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = false,
                Delay = FirstDelay,
                MaxDelay = LongestDelay,
                OnRetry = args =>
                {
                    var error = args.Outcome.Exception!;
                    _health.ReportFailure(error);
                    if (args.Context.Properties.TryGetValue(OnRetryKey, out var onRetry))
                    {
                        onRetry(error, args.RetryDelay);
                    }

                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    /// <summary>Gets the clock the retries wait on.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>
    /// Whether a Redis error passes, so the same write may succeed later: connection loss, timeouts, a refused password
    /// (NOAUTH, WRONGPASS), and the server's temporary refusals OOM, LOADING, READONLY, BUSY, MASTERDOWN, TRYAGAIN,
    /// CLUSTERDOWN, MAXCLIENTS, MISCONF and NOREPLICAS. Anything else (a wrong type, a script error) fails again and is
    /// the caller's to drop.
    /// </summary>
    /// <param name="exception">The error from a Redis call.</param>
    /// <returns>True when the same call may succeed later.</returns>
    public static bool IsTransient(Exception exception) => exception switch
    {
        RedisConnectionException or RedisTimeoutException or TimeoutException => true,
        RedisServerException server => server.Kind switch
        {
            RedisErrorKind.OutOfMemory or RedisErrorKind.Loading or RedisErrorKind.ReadOnly or RedisErrorKind.Busy
                or RedisErrorKind.MasterDown or RedisErrorKind.TryAgain or RedisErrorKind.ClusterDown
                or RedisErrorKind.NoAuth or RedisErrorKind.WrongPass or RedisErrorKind.MaxClients
                or RedisErrorKind.Misconfigured or RedisErrorKind.NoReplicas
                or RedisErrorKind.ConnectionFault or RedisErrorKind.Timeout => true,

            // A reply the library did not classify: its first word still says.
            RedisErrorKind.None or RedisErrorKind.Unknown => IsTransientReply(server.Message),
            _ => false,
        },
        _ => false,
    };

    /// <summary>Runs a write, retrying while it fails with an error that passes.</summary>
    /// <param name="write">The write; it gets the cancellation token.</param>
    /// <param name="state">What the write needs, so it can be a static lambda.</param>
    /// <param name="onRetry">Told about each failure retried and the delay before the next attempt, or null.</param>
    /// <param name="cancellationToken">Stops retrying.</param>
    /// <returns>The write's result.</returns>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    internal async ValueTask<TResult> ExecuteAsync<TResult, TState>(Func<TState, CancellationToken, ValueTask<TResult>> write, TState state, Action<Exception, TimeSpan>? onRetry, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        try
        {
            if (onRetry is not null)
            {
                context.Properties.Set(OnRetryKey, onRetry);
            }

            var result = await _pipeline.ExecuteAsync(
                static (context, s) => s.Write(s.State, context.CancellationToken),
                context,
                (Write: write, State: state));
            _health.ReportWriteSucceeded();
            return result;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private static bool IsTransientReply(string message) =>
        message.StartsWith("OOM", StringComparison.Ordinal) || message.StartsWith("LOADING", StringComparison.Ordinal)
        || message.StartsWith("READONLY", StringComparison.Ordinal) || message.StartsWith("BUSY ", StringComparison.Ordinal)
        || message.StartsWith("MASTERDOWN", StringComparison.Ordinal) || message.StartsWith("TRYAGAIN", StringComparison.Ordinal)
        || message.StartsWith("CLUSTERDOWN", StringComparison.Ordinal)
        || message.StartsWith("NOAUTH", StringComparison.Ordinal) || message.StartsWith("WRONGPASS", StringComparison.Ordinal);
}
