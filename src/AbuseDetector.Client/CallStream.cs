using System.Runtime.CompilerServices;
using AbuseDetector.Contracts.V1;
using Grpc.Core;
using V1 = AbuseDetector.Contracts.V1;

namespace AbuseDetector.Client;

/// <summary>
/// One live call on the service's <c>StreamCall</c> stream, opened by <see cref="CallStreamExtensions.StartCallAsync"/>: send transcript chunks
/// and agent actions in order, read the updates (one per chunk, in order, with level changes and alerts after the chunk
/// that caused them), then <see cref="EndAsync"/>. One sender and one reader may run at the same time. Dispose the stream
/// to abandon the call (the service sees it cancelled).
/// </summary>
/// <remarks>
/// When the instance holding the call stops (deploy: UNAVAILABLE saying to resume) or dies (the stream breaks), the reader
/// re-opens the call with <c>CallStart.resume</c>, on whichever instance the address leads to now, and resends the events
/// the saved state does not include; the updates go on after a <c>resumed</c> update, their <c>seq</c> starting again at 1.
/// An answer the old stream already gave (a resent chunk's assessment and level change, an alert by its id) is not
/// yielded again.
/// Resumption happens while <see cref="ReadUpdatesAsync"/> runs; a send that meets the broken stream waits for it.
/// </remarks>
public sealed class CallStream : IAsyncDisposable, IDisposable
{
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LongestRetryDelay = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan RefusalPollInterval = TimeSpan.FromMilliseconds(50);
    private const int MostAlertIdsKept = 1_000;

    // One resume attempt that takes longer than this (an instance that accepted the stream but is going away) is retried.
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(10);

    private readonly V1.AbuseDetector.AbuseDetectorClient _client;
    private readonly CallStart _start;
    private readonly CallStart _resumeStart;
    private readonly CallOptions _options;
    private readonly CallStreamOptions _settings;

    // Serialises sends and the switch to a resumed stream, so events reach each stream once and in order.
    private readonly SemaphoreSlim _gate = new(1, 1);

    // The events sent, oldest first, for resending after a resume; at most ReplayCapacity.
    private readonly Queue<CallEvent> _sent = new();

    private AsyncDuplexStreamingCall<CallEvent, CallUpdate> _call;
    private TaskCompletionSource<bool> _verdict = NewVerdict();
    private CallUpdate? _resumedUpdate;

    // What the reader has yielded, so updates the resumed stream repeats (events resent that the old stream had
    // answered) are not yielded twice: the highest chunk seq answered, and the alert ids (the latest MostAlertIdsKept).
    private ulong _highestSeqAnswered;
    private ulong _lastSeqRepeated;
    private readonly HashSet<string> _alertIdsYielded = new(StringComparer.Ordinal);
    private readonly Queue<string> _alertIdsInOrder = new();
    private RpcException? _failure;
    private bool _endSent;

    // Whether the reader has had any answer, and whether every event sent is still in the buffer: a call with neither
    // was never taken by an instance (refused while it drained), so it can be started afresh elsewhere.
    private bool _answered;
    private bool _eventsDropped;
    private volatile bool _disposed;

    private CallStream(V1.AbuseDetector.AbuseDetectorClient client, CallStart start, CallOptions options, CallStreamOptions settings)
    {
        _client = client;
        _start = start.Clone();
        _resumeStart = start.Clone();
        _resumeStart.Resume = true;
        _options = options;
        _settings = settings;
        _call = client.StreamCall(options);
    }

    /// <summary>Gets how many times the call was resumed on another instance.</summary>
    public int Resumptions { get; private set; }

    /// <summary>Sends a piece of transcript; the service answers it with one update, in chunk order.</summary>
    /// <param name="chunk">The chunk; its <c>seq</c> increases with every chunk and action on the call.</param>
    /// <param name="cancellationToken">Stops waiting to send; cancelling it cancels the call.</param>
    /// <returns>A task that completes when the chunk is sent.</returns>
    /// <exception cref="RpcException">The call has ended. A send that crosses the service's refusal reports CANCELLED or the status the service gave; <see cref="ReadUpdatesAsync"/> then throws the status the service gave.</exception>
    public Task SendChunkAsync(TranscriptChunk chunk, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        return SendAsync(new CallEvent { Chunk = chunk }, cancellationToken);
    }

    /// <summary>Sends something the agent did, such as a warning given to the caller.</summary>
    /// <param name="action">The action; shares its <c>seq</c> sequence with chunks.</param>
    /// <param name="cancellationToken">Stops waiting to send; cancelling it cancels the call.</param>
    /// <returns>A task that completes when the action is sent.</returns>
    /// <exception cref="RpcException">The call has ended. A send that crosses the service's refusal reports CANCELLED or the status the service gave; <see cref="ReadUpdatesAsync"/> then throws the status the service gave.</exception>
    public Task SendActionAsync(AgentAction action, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(action);
        return SendAsync(new CallEvent { Action = action }, cancellationToken);
    }

    /// <summary>Sends the end of the call and closes the sending side; keep reading for the last updates.</summary>
    /// <param name="end">Why the call ended.</param>
    /// <param name="cancellationToken">Stops waiting to send; cancelling it cancels the call.</param>
    /// <returns>A task that completes when the end is sent.</returns>
    public Task EndAsync(CallEnd end, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(end);
        return SendAsync(new CallEvent { End = end }, cancellationToken);
    }

    /// <summary>
    /// Reads the service's updates as they arrive, until the service closes the call with <c>OK</c>; a stream that breaks
    /// or an instance that stops is resumed (see the remarks), and any other status ends the enumeration with
    /// <see cref="RpcException"/>.
    /// </summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The updates, in the order the service sent them.</returns>
    public async IAsyncEnumerable<CallUpdate> ReadUpdatesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var call = _call;
            bool read;
            RpcException? broken = null;
            try
            {
                read = await call.ResponseStream.MoveNext(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception error) when (error is RpcException or HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
            {
                read = false;
                broken = AsStatus(error);
            }

            if (broken is not null)
            {
                await ResumeOrFailAsync(call, broken, cancellationToken).ConfigureAwait(false);
                if (Interlocked.Exchange(ref _resumedUpdate, null) is { } resumed)
                {
                    yield return resumed;
                }

                continue;
            }

            if (!read)
            {
                yield break;
            }

            var update = call.ResponseStream.Current;
            _answered = true;
            if (FirstTime(update))
            {
                yield return update;
            }
        }
    }

    /// <summary>Abandons the call if it is still running and frees its resources.</summary>
    /// <returns>A completed task.</returns>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Abandons the call if it is still running and frees its resources.</summary>
    public void Dispose()
    {
        _disposed = true;
        _call.Dispose();
        _verdict.TrySetResult(false);
    }

    /// <summary>Opens the stream and sends the start on it.</summary>
    internal static async Task<CallStream> OpenAsync(V1.AbuseDetector.AbuseDetectorClient client, CallStart start, CallOptions options, CallStreamOptions settings)
    {
        var stream = new CallStream(client, start, options, settings);
        try
        {
            await stream._call.RequestStream.WriteAsync(new CallEvent { Start = start }, options.CancellationToken).ConfigureAwait(false);
        }
        catch
        {
            stream.Dispose();
            throw;
        }

        return stream;
    }

    /// <summary>False for an update about an event the reader already had an answer for, before a resume.</summary>
    private bool FirstTime(CallUpdate update)
    {
        switch (update.UpdateCase)
        {
            case CallUpdate.UpdateOneofCase.Assessment:
                return Answered(update.Assessment.Seq);
            case CallUpdate.UpdateOneofCase.Error when update.Error.Seq != 0:
                return Answered(update.Error.Seq);
            case CallUpdate.UpdateOneofCase.Escalation when update.Escalation.Seq != 0:
                return update.Escalation.Seq != _lastSeqRepeated;
            case CallUpdate.UpdateOneofCase.Alert:
                if (!_alertIdsYielded.Add(update.Alert.AlertId))
                {
                    return false;
                }

                _alertIdsInOrder.Enqueue(update.Alert.AlertId);
                if (_alertIdsInOrder.Count > MostAlertIdsKept)
                {
                    _alertIdsYielded.Remove(_alertIdsInOrder.Dequeue());
                }

                return true;
            default:
                return true;
        }
    }

    private bool Answered(ulong seq)
    {
        if (Resumptions > 0 && seq <= _highestSeqAnswered)
        {
            // Its level change, if any, follows it and was yielded with the first answer.
            _lastSeqRepeated = seq;
            return false;
        }

        _highestSeqAnswered = Math.Max(_highestSeqAnswered, seq);
        return true;
    }

    /// <summary>A failure of the transport under the call, as the status gRPC would give it.</summary>
    private static RpcException AsStatus(Exception error) =>
        error as RpcException ?? new RpcException(new Status(StatusCode.Unavailable, $"The connection to the service broke: {error.Message}", error));

    /// <summary>
    /// Resume attempts that may work a moment later: the old instance's lease, Redis away, no instance up yet, or an attempt
    /// that hung; the statuses a call is resumed after, but an UNKNOWN from the resume itself ends it.
    /// </summary>
    private bool MayRetry(RpcException error, bool attemptTimedOut) =>
        attemptTimedOut || (MayResume(error) && error.StatusCode != StatusCode.Unknown);

    private static TaskCompletionSource<bool> NewVerdict() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// Statuses of a stream that broke or an instance that stopped, the call living on in the service's saved state;
    /// CANCELLED too, unless this side cancelled: a proxy resets the streams of an instance that went away.
    /// </summary>
    private bool MayResume(RpcException error) =>
        error.StatusCode is StatusCode.Unavailable or StatusCode.Internal or StatusCode.Unknown || (error.StatusCode == StatusCode.Cancelled && !_disposed);

    /// <summary>The status of a stream the service already closed with a status the call is not resumed after; null otherwise.</summary>
    private RpcException? Refusal(AsyncDuplexStreamingCall<CallEvent, CallUpdate> call)
    {
        Status status;
        try
        {
            status = call.GetStatus();
        }
        catch (InvalidOperationException)
        {
            // Not finished: the reader learns how the stream ended.
            return null;
        }

        var error = new RpcException(status);
        return MayResume(error) ? null : error;
    }

    /// <summary>Sends one event; when the stream broke, waits for the reader to resume the call (the event is resent then).</summary>
    private async Task SendAsync(CallEvent callEvent, CancellationToken cancellationToken)
    {
        Task<bool> verdict;
        AsyncDuplexStreamingCall<CallEvent, CallUpdate> broken;
        Exception writeFailure;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_failure is { } failure)
            {
                throw failure;
            }

            Remember(callEvent);
            verdict = _verdict.Task;
            broken = _call;
            try
            {
                await WriteAsync(_call, callEvent, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (ex is RpcException or InvalidOperationException or IOException or HttpRequestException && !cancellationToken.IsCancellationRequested && _settings.ResumeTimeout > TimeSpan.Zero)
            {
                // A stream the service closed with a status it is not resumed after (ALREADY_EXISTS, INVALID_ARGUMENT, ...)
                // has nothing to wait for: say so now, even when nobody reads the updates.
                if (Refusal(_call) is { } refusal)
                {
                    throw refusal;
                }

                writeFailure = ex;
            }
        }
        finally
        {
            _gate.Release();
        }

        bool resumed;
        try
        {
            resumed = await WaitForResumeAsync(verdict, broken, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Nobody read the updates, so nobody resumed the call.
            resumed = false;
        }

        if (!resumed)
        {
            throw _failure ?? writeFailure;
        }
    }

    /// <summary>
    /// Waits for the reader to resume the call after a send met the broken stream, for at most twice the resume timeout;
    /// ends early with the status of a stream the service turns out to have refused for good (the status can come after
    /// the failed write).
    /// </summary>
    private async Task<bool> WaitForResumeAsync(Task<bool> verdict, AsyncDuplexStreamingCall<CallEvent, CallUpdate> broken, CancellationToken cancellationToken)
    {
        var time = _settings.TimeProvider;
        var began = time.GetTimestamp();
        var limit = _settings.ResumeTimeout + _settings.ResumeTimeout;
        while (!verdict.IsCompleted)
        {
            var left = limit - time.GetElapsedTime(began);
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException();
            }

            await Task.WhenAny(verdict, Task.Delay(left < RefusalPollInterval ? left : RefusalPollInterval, time, cancellationToken)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();

            // Under the gate: the reader disposes the broken stream only while it holds it, resuming.
            await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (!verdict.IsCompleted && ReferenceEquals(_call, broken) && Refusal(broken) is { } refusal)
                {
                    throw refusal;
                }
            }
            finally
            {
                _gate.Release();
            }
        }

        return await verdict.ConfigureAwait(false);
    }

    private async Task WriteAsync(AsyncDuplexStreamingCall<CallEvent, CallUpdate> call, CallEvent callEvent, CancellationToken cancellationToken)
    {
        await call.RequestStream.WriteAsync(callEvent, cancellationToken).ConfigureAwait(false);
        if (callEvent.EventCase == CallEvent.EventOneofCase.End)
        {
            await call.RequestStream.CompleteAsync().ConfigureAwait(false);
        }
    }

    private void Remember(CallEvent callEvent)
    {
        if (callEvent.EventCase == CallEvent.EventOneofCase.End)
        {
            _endSent = true;
        }

        if (_sent.Count == _settings.ReplayCapacity)
        {
            _sent.Dequeue();
            _eventsDropped = true;
        }

        _sent.Enqueue(callEvent);
    }

    /// <summary>
    /// Resumes the call on a new stream after <paramref name="broken"/> ended, retrying while the service says to (the old
    /// instance's lease has not run out, Redis is away) for up to <see cref="CallStreamOptions.ResumeTimeout"/>; or throws
    /// the status that ends the call.
    /// </summary>
    private async Task ResumeOrFailAsync(AsyncDuplexStreamingCall<CallEvent, CallUpdate> broken, RpcException error, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_options.Deadline is { } deadline && deadline <= _settings.TimeProvider.GetUtcNow().UtcDateTime)
            {
                // The call's own deadline ended it: the service may have reset the stream (CANCELLED) as it gave up.
                Fail(error.StatusCode == StatusCode.Cancelled ? new RpcException(new Status(StatusCode.DeadlineExceeded, "The call's deadline passed.")) : error);
            }

            if (!MayResume(error) || _settings.ResumeTimeout <= TimeSpan.Zero)
            {
                Fail(error);
            }

            broken.Dispose();
            var time = _settings.TimeProvider;
            var began = time.GetTimestamp();
            var delay = FirstRetryDelay;
            var afresh = false;
            while (true)
            {
                var next = _client.StreamCall(_options);
                using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                attempt.CancelAfter(AttemptTimeout);
                try
                {
                    if (afresh)
                    {
                        await StartAfreshAsync(next, attempt.Token).ConfigureAwait(false);
                    }
                    else
                    {
                        await ReopenAsync(next, attempt.Token).ConfigureAwait(false);
                        Resumptions++;
                    }

                    _call = next;
                    var resumedVerdict = _verdict;
                    _verdict = NewVerdict();
                    resumedVerdict.TrySetResult(true);
                    return;
                }
                catch (RpcException unknown) when (unknown.StatusCode == StatusCode.NotFound && !afresh && !_answered && !_eventsDropped)
                {
                    // No instance ever took the call (one that was draining refused its start): start it again.
                    next.Dispose();
                    afresh = true;
                }
                catch (Exception retry) when (!cancellationToken.IsCancellationRequested && MayRetry(AsStatus(retry), attempt.IsCancellationRequested)
                    && time.GetElapsedTime(began) + delay < _settings.ResumeTimeout)
                {
                    next.Dispose();
                    await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
                    delay = delay * 2 < LongestRetryDelay ? delay * 2 : LongestRetryDelay;
                }
                catch (Exception final) when (final is RpcException or HttpRequestException or IOException)
                {
                    next.Dispose();
                    Fail(AsStatus(final));
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Starts a call no instance took again, with every event sent so far.</summary>
    private async Task StartAfreshAsync(AsyncDuplexStreamingCall<CallEvent, CallUpdate> next, CancellationToken cancellationToken)
    {
        await next.RequestStream.WriteAsync(new CallEvent { Start = _start }, cancellationToken).ConfigureAwait(false);
        foreach (var callEvent in _sent)
        {
            await next.RequestStream.WriteAsync(callEvent, cancellationToken).ConfigureAwait(false);
        }

        if (_endSent)
        {
            await next.RequestStream.CompleteAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Sends the resuming start, reads where the saved state stands, and resends the events after it.</summary>
    private async Task ReopenAsync(AsyncDuplexStreamingCall<CallEvent, CallUpdate> next, CancellationToken cancellationToken)
    {
        await next.RequestStream.WriteAsync(new CallEvent { Start = _resumeStart }, cancellationToken).ConfigureAwait(false);
        if (!await next.ResponseStream.MoveNext(cancellationToken).ConfigureAwait(false) || next.ResponseStream.Current.UpdateCase != CallUpdate.UpdateOneofCase.Resumed)
        {
            throw new RpcException(new Status(StatusCode.Internal, "The service did not answer the resume with where the call stands."));
        }

        var resumed = next.ResponseStream.Current;
        var lastSeq = resumed.Resumed.LastSeq;
        foreach (var callEvent in _sent)
        {
            var seq = callEvent.EventCase switch
            {
                CallEvent.EventOneofCase.Chunk => callEvent.Chunk.Seq,
                CallEvent.EventOneofCase.Action => callEvent.Action.Seq,
                _ => ulong.MaxValue,
            };
            if (seq > lastSeq)
            {
                await next.RequestStream.WriteAsync(callEvent, cancellationToken).ConfigureAwait(false);
            }
        }

        if (_endSent)
        {
            await next.RequestStream.CompleteAsync().ConfigureAwait(false);
        }

        _resumedUpdate = resumed;
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private void Fail(RpcException error)
    {
        _failure = error;
        _verdict.TrySetResult(false);
        throw error;
    }
}

/// <summary>How a <see cref="CallStream"/> resumes a call whose stream broke or whose instance stopped.</summary>
public sealed class CallStreamOptions
{
    /// <summary>Gets or sets how long to keep trying to resume a call; zero turns resumption off.</summary>
    /// <value>The default value is 30 seconds: longer than the service's default call lease (10 s), after which a crashed instance's calls can be taken.</value>
    public TimeSpan ResumeTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how many of the latest events are kept to resend after a resume.</summary>
    /// <value>The default value is 1,000: the service saves the call's state after every final utterance, so only the last few are ever resent.</value>
    public int ReplayCapacity { get; set; } = 1_000;

    /// <summary>Gets or sets the clock that times the retries of a resume.</summary>
    /// <value>The default value is <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}

/// <summary>Opens <see cref="CallStream"/>s from the generated client.</summary>
public static class CallStreamExtensions
{
    /// <summary>Opens a <c>StreamCall</c> stream and sends <paramref name="start"/> on it.</summary>
    /// <param name="client">The generated client.</param>
    /// <param name="start">Who the call is between; <c>call_id</c> and <c>tenant_id</c> are required.</param>
    /// <param name="options">Headers, deadline and cancellation of the whole call.</param>
    /// <param name="settings">How the call is resumed; null for the defaults.</param>
    /// <returns>The call.</returns>
    /// <exception cref="RpcException">The service ended the call before the start could be sent.</exception>
    public static Task<CallStream> StartCallAsync(this V1.AbuseDetector.AbuseDetectorClient client, CallStart start, CallOptions options = default, CallStreamOptions? settings = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(start);
        settings ??= new CallStreamOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.ResumeTimeout, TimeSpan.Zero, nameof(settings));
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.ReplayCapacity, 1, nameof(settings));
        return CallStream.OpenAsync(client, start, options, settings);
    }
}
