using System.Globalization;
using System.Threading.Channels;
using AbuseDetector.Escalation;
using AbuseDetector.Monitoring;
using Grpc.Core;
using V1 = AbuseDetector.Contracts.V1;

namespace AbuseDetector.Service.Internal;

/// <summary>StreamCall: one call per stream, its events in, one update per chunk out, in order.</summary>
internal sealed partial class AbuseDetectorGrpcService
{
    private const int UpdateBufferSize = 64;

    // A normal client half-closes right after CallEnd; the call waits this long for it, so the request body is read to its end.
    private static readonly TimeSpan HalfCloseGrace = TimeSpan.FromSeconds(1);

    private static readonly Task<bool> NoMoreRequests = new TaskCompletionSource<bool>().Task;

    private static readonly Status FirstEventNotStart = new(StatusCode.FailedPrecondition, "the first event must be CallStart");
    private static readonly Status MissingCallId = new(StatusCode.InvalidArgument, "CallStart must carry a call_id.");
    private static readonly Status MissingTenantId = new(StatusCode.InvalidArgument, "CallStart must carry a tenant_id.");
    private static readonly Status CallAlreadyLive = new(StatusCode.AlreadyExists, "A call with this call_id is already live for this tenant.");
    private static readonly Status TooManyCalls = new(StatusCode.ResourceExhausted, "The service is handling as many calls as it is configured for; try again later.");
    private static readonly Status TooManyTenantCalls = new(StatusCode.ResourceExhausted, "This tenant has as many calls open as it is allowed; end one or try again later.");
    private static readonly Status WrongCallTenant = new(StatusCode.PermissionDenied, "The API key does not belong to the CallStart's tenant_id.");
    private static readonly Status CallLiveElsewhere = new(StatusCode.AlreadyExists, "A call with this call_id is live on another instance for this tenant.");
    private static readonly Status NothingToResume = new(StatusCode.NotFound, "There is no saved state for this call: it never started, its state expired, or the service keeps none (--redis none).");
    private static readonly Status ResumeEndedCall = new(StatusCode.FailedPrecondition, "This call already ended; it cannot be resumed.");
    private static readonly Status ResumeHeldElsewhere = new(StatusCode.Unavailable, "Another instance still holds this call; retry the resume in a few seconds, once its lease has run out.");
    private static readonly Status ResumeStillLiveHere = new(StatusCode.Unavailable, "The call's previous stream is still open on this instance; retry the resume in a moment.");
    private static readonly Status ResumeStoreUnavailable = new(StatusCode.Unavailable, "The call's saved state cannot be read now (Redis is not answering); retry the resume.");

    /// <summary>The status of a call handed over while the service stops: the client resumes it on another instance.</summary>
    private static readonly Status HandedOver = new(StatusCode.Unavailable, "the service is shutting down: resume this call on another instance (CallStart.resume)");

    public override async Task StreamCall(IAsyncStreamReader<V1.CallEvent> requestStream, IServerStreamWriter<V1.CallUpdate> responseStream, ServerCallContext context)
    {
        var stopping = lifetime.ApplicationStopping;
        if (stopping.IsCancellationRequested)
        {
            throw Reject(ShuttingDown);
        }

        // The stream ends when the client goes, when no event comes for IdleStreamTimeout, or when the host starts stopping.
        var settings = options.Value;
        var callToken = context.CancellationToken;
        using var idle = new CancellationTokenSource(settings.IdleStreamTimeout, timeProvider);
        using var ending = CancellationTokenSource.CreateLinkedTokenSource(callToken, idle.Token, stopping);
        var cancellationToken = ending.Token;
        var call = new CallStreamState(idle, settings.IdleStreamTimeout, timeProvider.GetTimestamp(), callToken);
        try
        {
            if (!await requestStream.MoveNext(cancellationToken) || requestStream.Current.EventCase != V1.CallEvent.EventOneofCase.Start)
            {
                throw Reject(FirstEventNotStart);
            }

            call.EventReceived();
            var start = requestStream.Current.Start;
            if (CheckStart(start) is { } invalid)
            {
                throw Reject(invalid);
            }

            if (!TenantAccess.MayActFor(context, start.TenantId))
            {
                throw Reject(WrongCallTenant);
            }

            switch (calls.TryAdd(start.TenantId, start.CallId, settings.MaxConcurrentCalls, settings.MaxConcurrentCallsPerTenant))
            {
                case CallRegistration.AlreadyLive:
                    // A resume that reaches the instance whose old stream has not yet seen its client go: worth a retry.
                    throw Reject(start.Resume ? ResumeStillLiveHere : CallAlreadyLive);
                case CallRegistration.TooMany:
                    throw Reject(TooManyCalls);
                case CallRegistration.TooManyForTenant:
                    throw Reject(TooManyTenantCalls);
            }

            try
            {
                call.Monitor = start.Resume ? await ResumeAsync(start, cancellationToken) : await StartAsync(start, cancellationToken);
                call.Resumed = start.Resume;
                metrics.CallStarted();
                calls.Show(call.Monitor.Live);
                await RunCallAsync(call, requestStream, responseStream, cancellationToken);
                LogCallEnded(call);
            }
            finally
            {
                calls.Remove(start.TenantId, start.CallId);
            }
        }
        catch (Exception ex) when (ex is not RpcException && !callToken.IsCancellationRequested && (stopping.IsCancellationRequested || idle.IsCancellationRequested))
        {
            // The service ended the stream, not the client: say why in the status.
            var status = call.HandedOver ? HandedOver : stopping.IsCancellationRequested ? ShuttingDown : IdleStatus(settings.IdleStreamTimeout);
            call.Ending = call.HandedOver ? call.Ending : status.StatusCode.ToString();
            LogCallEnded(call);
            throw new RpcException(status);
        }
        catch (Exception ex) when (ex is not RpcException && callToken.IsCancellationRequested && call.Monitor is not null)
        {
            call.Ending = call.Ending == "client gone, kept for a resume" ? "cancelled by the client, kept for a resume" : "cancelled by the client";
            LogCallEnded(call);
            throw;
        }
    }

    /// <summary>Opens a new call, taking its lease so no other instance streams it at the same time.</summary>
    private async Task<CallMonitor> StartAsync(V1.CallStart start, CancellationToken cancellationToken)
    {
        if (await monitoring.CallStates.ClaimAsync(start.TenantId, start.CallId, cancellationToken) == CallClaim.HeldElsewhere)
        {
            throw Reject(CallLiveElsewhere);
        }

        ServiceLog.CallStarted(logger, calls.Count);
        var participants = new CallParticipants(start.TenantId, start.CallId, start.AgentId, start.TeamId, start.CustomerId, start.Language);
        return await monitoring.StartAsync(participants, cancellationToken);
    }

    /// <summary>Goes on with a call another instance held, from its saved state; or says why it cannot.</summary>
    private async Task<CallMonitor> ResumeAsync(V1.CallStart start, CancellationToken cancellationToken)
    {
        var resumption = await monitoring.CallStates.ResumeAsync(start.TenantId, start.CallId, cancellationToken);
        switch (resumption.Outcome)
        {
            case CallResumptionOutcome.Resumed:
                var monitor = monitoring.Resume(resumption.Snapshot!);
                ServiceLog.CallResumed(logger, monitor.LastSeq, calls.Count);
                return monitor;
            case CallResumptionOutcome.Ended:
                throw Reject(ResumeEndedCall);
            case CallResumptionOutcome.HeldElsewhere:
                throw Reject(ResumeHeldElsewhere);
            case CallResumptionOutcome.StoreUnavailable:
                throw Reject(ResumeStoreUnavailable);
            default:
                throw Reject(NothingToResume);
        }
    }

    /// <summary>DEADLINE_EXCEEDED: the server enforces a deadline on the gap between events.</summary>
    private static Status IdleStatus(TimeSpan timeout) =>
        new(StatusCode.DeadlineExceeded, string.Create(CultureInfo.InvariantCulture, $"no event for {timeout.TotalSeconds:0.###} s"));

    private Status? CheckStart(V1.CallStart start)
    {
        if (start.CallId.Length == 0)
        {
            return MissingCallId;
        }

        if (start.TenantId.Length == 0)
        {
            return MissingTenantId;
        }

        return CheckIdLengths(
            ("call_id", start.CallId), ("tenant_id", start.TenantId), ("agent_id", start.AgentId), ("team_id", start.TeamId), ("customer_id", start.CustomerId), ("language", start.Language));
    }

    /// <summary>
    /// Reads events and queues their updates; a single loop drains the queue, so the response stream has one writer.
    /// While the call waits for its next event, a timer lets time pass, so a quiet call's level drops on time.
    /// </summary>
    private async Task RunCallAsync(CallStreamState call, IAsyncStreamReader<V1.CallEvent> requests, IServerStreamWriter<V1.CallUpdate> responses, CancellationToken cancellationToken)
    {
        var monitor = call.Monitor!;
        var updates = Channel.CreateBounded<V1.CallUpdate>(new BoundedChannelOptions(UpdateBufferSize) { SingleReader = true, SingleWriter = true });
        // The writer stops only when the client goes: updates queued when the service ends the stream (stopping, idle)
        // still reach the client, so a call handed over lacks no answer for the events its saved state includes.
        var writing = DrainAsync(updates, responses, call.ClientGone);
        await using var calmTimer = new CalmTimer(timeProvider);
        var pending = new List<V1.CallUpdate>(4);
        try
        {
            if (call.Resumed)
            {
                await updates.Writer.WriteAsync(
                    new V1.CallUpdate { Seq = call.NextUpdateSeq(), Resumed = new V1.CallResumed { LastSeq = monitor.LastSeq, Level = monitor.Level.ToContract() } }, cancellationToken);
            }

            if (monitor.RepeatCallerAlert is { } repeatCaller)
            {
                call.Alerts++;
                await updates.Writer.WriteAsync(new V1.CallUpdate { Seq = call.NextUpdateSeq(), Alert = repeatCaller.ToContract() }, cancellationToken);
            }

            // Requests from the dashboard and the agent panel wait in the call's live view; one wait serves many events.
            Task<bool>? requestWaiting = null;
            while (true)
            {
                var next = requests.MoveNext(cancellationToken);
                while (!next.IsCompleted)
                {
                    requestWaiting ??= monitor.Live.Requests.WaitToReadAsync(cancellationToken).AsTask();
                    var calmDue = monitor.TimeUntilNextCalmStep() is { } untilCalm ? calmTimer.Arm(untilCalm) : null;
                    var woke = calmDue is null ? await Task.WhenAny(next, requestWaiting) : await Task.WhenAny(next, requestWaiting, calmDue);
                    if (woke == next)
                    {
                        break;
                    }

                    pending.Clear();
                    if (woke == requestWaiting)
                    {
                        // Throws when the call is ending, like the read of the next event would; false once the call's
                        // requests are closed, after which only events and the calm timer wake the call.
                        requestWaiting = await requestWaiting ? null : NoMoreRequests;
                        HandleRequests(call, pending);
                    }
                    else
                    {
                        AddStep(call, monitor.LetTimePass(), 0, pending);
                    }

                    await QueueAsync(updates, pending, call.ClientGone);
                }

                if (!await next)
                {
                    break;
                }

                var received = timeProvider.GetTimestamp();
                call.EventReceived();
                pending.Clear();
                var callEvent = requests.Current;
                var ended = Handle(call, callEvent, monitoring.MaxTextLength, pending);

                // A call whose events never pause still takes its requests.
                HandleRequests(call, pending);
                await QueueAsync(updates, pending, call.ClientGone);
                metrics.EventHandled(callEvent, timeProvider.GetElapsedTime(received));
                if (ended)
                {
                    await AwaitHalfCloseAsync(requests, cancellationToken);
                    break;
                }
            }
        }
        finally
        {
            // A service that stops hands its calls over for the client to resume elsewhere, and a client that went away
            // without a CallEnd gets ResumeWindow to resume its call; otherwise a stream that broke without a CallEnd
            // closes the call, so its incident and call_ended alert are kept.
            var stoppingHere = lifetime.ApplicationStopping.IsCancellationRequested && !call.ClientGone.IsCancellationRequested;
            var resumeWindow = options.Value.ResumeWindow;
            var clientLeft = call.ClientGone.IsCancellationRequested && resumeWindow > TimeSpan.Zero;
            if (!monitor.IsEnded && (stoppingHere || clientLeft) && monitoring.CallStates.KeepsState && await monitor.HandOverAsync(CancellationToken.None))
            {
                call.HandedOver = stoppingHere;
                call.Ending = stoppingHere ? "handed over" : "client gone, kept for a resume";
                if (clientLeft)
                {
                    _ = EndUnlessResumedAsync(monitor.Call, monitor.StateVersion, resumeWindow);
                }
            }
            else if (!monitor.IsEnded)
            {
                call.Ending ??= "dropped";
                monitor.End(Escalation.CallEndReason.Dropped);
            }

            updates.Writer.TryComplete();
            await writing;
        }
    }

    /// <summary>
    /// Ends a call whose client went away as dropped (call_ended alert, incident, wellbeing count) once
    /// <paramref name="window"/> has passed, unless it was resumed meanwhile, here or elsewhere. Holds no state meanwhile:
    /// the call is taken back from the store. A service that stops first leaves the state for a resume until it expires.
    /// </summary>
    private async Task EndUnlessResumedAsync(CallParticipants call, long version, TimeSpan window)
    {
        try
        {
            await Task.Delay(window, timeProvider, lifetime.ApplicationStopping);
            var left = await monitoring.CallStates.TakeBackAsync(call.TenantId, call.CallId, version, lifetime.ApplicationStopping);
            if (left is { Outcome: CallResumptionOutcome.Resumed, Snapshot: { } snapshot })
            {
                monitoring.Resume(snapshot).End(Escalation.CallEndReason.Dropped);
                ServiceLog.CallEndedUnresumed(logger);
            }
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            // Stopping: the state stays in Redis for a resume until it expires.
        }
    }

    /// <summary>
    /// Queues an event's updates, even when the service is ending the stream: the event changed the call's state, and a
    /// client that resumes it elsewhere is not sent that event again. Waits for room only as long as the client is there.
    /// </summary>
    private async ValueTask QueueAsync(Channel<V1.CallUpdate> updates, List<V1.CallUpdate> pending, CancellationToken clientGone)
    {
        foreach (var update in pending)
        {
            if (update.UpdateCase == V1.CallUpdate.UpdateOneofCase.Error)
            {
                ServiceLog.ChunkRejected(logger, update.Error.Seq, update.Error.Code);
            }

            await updates.Writer.WriteAsync(update, clientGone);
            metrics.UpdateQueued(update);
        }
    }

    /// <summary>After CallEnd: reads the client's half-close (ignoring stray events), waiting at most <see cref="HalfCloseGrace"/>.</summary>
    private async Task AwaitHalfCloseAsync(IAsyncStreamReader<V1.CallEvent> requests, CancellationToken cancellationToken)
    {
        using var graceTime = new CancellationTokenSource(HalfCloseGrace, timeProvider);
        using var grace = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, graceTime.Token);
        try
        {
            while (await requests.MoveNext(grace.Token))
            {
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // A client that keeps its side open after CallEnd: end the call anyway.
        }
    }

    /// <summary>Acts on the waiting requests from the dashboard and the agent panel, adding their updates.</summary>
    private static void HandleRequests(CallStreamState call, List<V1.CallUpdate> updates)
    {
        var monitor = call.Monitor!;
        while (monitor.Live.Requests.TryRead(out var request))
        {
            AddStep(call, monitor.Handle(request), 0, updates);
        }
    }

    /// <summary>Adds the updates for one event; true when the event ends the call.</summary>
    private static bool Handle(CallStreamState call, V1.CallEvent callEvent, int maxTextLength, List<V1.CallUpdate> updates)
    {
        var monitor = call.Monitor!;
        switch (callEvent.EventCase)
        {
            case V1.CallEvent.EventOneofCase.Chunk:
                call.Chunks++;
                Assess(call, callEvent.Chunk, updates);
                return false;
            case V1.CallEvent.EventOneofCase.Action:
                var action = callEvent.Action;
                if (action.Kind.ToEngine() is not { } kind)
                {
                    updates.Add(call.Error(action.Seq, "INVALID_ARGUMENT", "The agent action's kind must be set to a known AgentActionKind."));
                    return false;
                }

                if (action.Note.Length > maxTextLength)
                {
                    // A note is kept with the incident for months: held to the same limit as what callers say.
                    updates.Add(call.Error(action.Seq, "INVALID_ARGUMENT", $"The agent action's note is longer than {maxTextLength} characters."));
                    return false;
                }

                // The call stays open after CALL_ENDED_BY_AGENT until the platform's CallEnd, so its last sends never fail.
                AddStep(call, monitor.Act(kind, action.Seq, action.HasNote ? action.Note : null), action.Seq, updates);
                return false;
            case V1.CallEvent.EventOneofCase.End:
                var reason = callEvent.End.Reason.ToEngine();
                call.Ending = reason.ToString();
                AddStep(call, monitor.End(reason), 0, updates);
                return true;
            case V1.CallEvent.EventOneofCase.Start:
                updates.Add(call.Error(0, "FAILED_PRECONDITION", "CallStart was already sent on this stream."));
                return false;
            default:
                updates.Add(call.Error(0, "INVALID_ARGUMENT", "The event has no kind set."));
                return false;
        }
    }

    private static void Assess(CallStreamState call, V1.TranscriptChunk chunk, List<V1.CallUpdate> updates)
    {
        if (chunk.Speaker.ToEngine() is not { } speaker)
        {
            updates.Add(call.Error(chunk.Seq, "INVALID_ARGUMENT", "The chunk's speaker must be CUSTOMER or AGENT."));
            return;
        }

        var input = new ChunkInput(
            chunk.Seq, speaker, chunk.IsFinal, chunk.Text, chunk.StartMs, chunk.EndMs, chunk.HasLoudnessDbfs ? chunk.LoudnessDbfs : null, chunk.Pcm16.Memory);
        switch (call.Monitor!.Assess(input))
        {
            case ChunkAssessment assessment:
                updates.Add(new V1.CallUpdate { Seq = call.NextUpdateSeq(), Assessment = assessment.ToContract(call.Monitor.Classifier, chunk.Text) });
                AddStep(call, assessment.Step, chunk.Seq, updates);
                break;
            case ChunkRejection rejection:
                updates.Add(call.Error(rejection.Seq, "INVALID_ARGUMENT", rejection.Reason));
                break;
        }
    }

    /// <summary>
    /// Adds a level change and the step's alerts to the call's own stream; coaching alerts are about the agent and go to
    /// supervisors only.
    /// </summary>
    private static void AddStep(CallStreamState call, EscalationStep step, ulong seq, List<V1.CallUpdate> updates)
    {
        if (step.LevelChanged)
        {
            updates.Add(new V1.CallUpdate { Seq = call.NextUpdateSeq(), Escalation = step.ToContract(seq) });
        }

        foreach (var alert in step.Alerts)
        {
            call.Alerts++;
            if (alert.Kind != AlertKind.Coaching)
            {
                updates.Add(new V1.CallUpdate { Seq = call.NextUpdateSeq(), Alert = alert.ToContract() });
            }
        }
    }

    private static async Task DrainAsync(Channel<V1.CallUpdate> updates, IServerStreamWriter<V1.CallUpdate> responses, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var update in updates.Reader.ReadAllAsync(cancellationToken))
            {
                await responses.WriteAsync(update, cancellationToken);
            }
        }
        catch (Exception ex)
        {
            // Unblock the reading loop, then let the call end with this failure.
            updates.Writer.TryComplete(ex);
            throw;
        }
    }

    private void LogCallEnded(CallStreamState call)
    {
        if (call.Monitor is { } monitor)
        {
            ServiceLog.CallEnded(
                logger, call.Ending ?? "dropped", call.Chunks, timeProvider.GetElapsedTime(call.StartedAt).TotalSeconds, monitor.HighestLevel.ToName(), call.Alerts);
        }
    }

    private RpcException Reject(Status status)
    {
        ServiceLog.CallRejected(logger, status.StatusCode.ToString());
        metrics.CallRejected(status.StatusCode);
        return new RpcException(status);
    }

    /// <summary>
    /// The one timer of a call stream, for the next calm step: <see cref="Arm"/> gives the task that completes when the step
    /// is due (the same task while one is pending, so waiting again allocates nothing). A tick after the stream ended
    /// completes a task nobody waits for.
    /// </summary>
    private sealed class CalmTimer : IAsyncDisposable
    {
        private readonly ITimer _timer;
        private TaskCompletionSource _due = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public CalmTimer(TimeProvider timeProvider)
        {
            _timer = timeProvider.CreateTimer(static state => ((CalmTimer)state!).Tick(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }

        public Task Arm(TimeSpan dueIn)
        {
            if (_due.Task.IsCompleted)
            {
                Volatile.Write(ref _due, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            }

            _timer.Change(dueIn, Timeout.InfiniteTimeSpan);
            return _due.Task;
        }

        public ValueTask DisposeAsync() => _timer.DisposeAsync();

        private void Tick() => Volatile.Read(ref _due).TrySetResult();
    }

    /// <summary>One call stream's state beside its monitor: the update sequence, counts for the log, the idle deadline.</summary>
    private sealed class CallStreamState(CancellationTokenSource idle, TimeSpan idleTimeout, long startedAt, CancellationToken clientGone)
    {
        private ulong _updateSeq;

        public CallMonitor? Monitor { get; set; }

        /// <summary>Gets the token the client's cancellation (or lost connection) sets.</summary>
        public CancellationToken ClientGone { get; } = clientGone;

        /// <summary>Gets or sets a value indicating whether the call was resumed from state another instance saved.</summary>
        public bool Resumed { get; set; }

        /// <summary>Gets or sets a value indicating whether the call's state was handed over for another instance to resume.</summary>
        public bool HandedOver { get; set; }

        public long StartedAt { get; } = startedAt;

        public int Chunks { get; set; }

        public int Alerts { get; set; }

        public ulong NextUpdateSeq() => ++_updateSeq;

        public void EventReceived() => idle.CancelAfter(idleTimeout);

        /// <summary>How the call ended, for the log: the CallEnd's reason, or why the stream ended without one.</summary>
        public string? Ending { get; set; }

        /// <summary>An update reporting an event the call could not use.</summary>
        public V1.CallUpdate Error(ulong seq, string code, string message)
            => new() { Seq = NextUpdateSeq(), Error = new V1.ChunkError { Seq = seq, Code = code, Message = message } };
    }
}
