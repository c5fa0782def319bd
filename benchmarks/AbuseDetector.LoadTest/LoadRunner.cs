using System.Collections.Concurrent;
using System.Diagnostics;
using AbuseDetector.Client;
using AbuseDetector.Contracts.V1;
using Grpc.Core;
using Grpc.Net.Client;
using V1 = AbuseDetector.Contracts.V1;

namespace AbuseDetector.LoadTest;

/// <summary>What a run measured.</summary>
internal sealed record LoadResult(
    long ChunksSent, long Assessments, long ChunkErrors, long CallErrors, long Calls, long AbusiveSent, long StreamAlerts, TimeSpan Elapsed, double[] LatenciesMs, IReadOnlyDictionary<string, int> ErrorKinds);

/// <summary>
/// Runs the streams: each replays call lines as chunks at the chosen pace, as one call or as consecutive calls of
/// <see cref="LoadTestOptions.CallChunks"/> chunks, and times every chunk until its assessment. Send times are kept in
/// <paramref name="sendTimes"/> so alerts arriving on Redis can be matched to the chunk that raised them.
/// </summary>
internal sealed class LoadRunner(LoadTestOptions options, LineSet lines, SendTimes sendTimes)
{
    /// <summary>The tenants of the load calls are loadtest-0, loadtest-1, ...: this matches them in a channel pattern.</summary>
    public const string TenantPattern = "loadtest-*";

    // At max pace a stream keeps at most this many chunks unanswered, so latency measures the service rather than a queue.
    private const int MaxUnansweredPerStream = 8;

    // Send times kept per call: an alert or assessment for a chunk this far back is counted as unmatched, not mis-timed.
    private const int MaxSendTimesPerCall = 4096;
    private const int AgentsPerTeam = 20;
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, int> _errorKinds = new(StringComparer.Ordinal);
    private long _sent;
    private long _abusiveSent;
    private long _assessments;
    private long _chunkErrors;
    private long _callErrors;
    private long _calls;
    private long _streamAlerts;

    public async Task<LoadResult> RunAsync()
    {
        using var channel = GrpcChannel.ForAddress(options.Address);
        var client = new V1.AbuseDetector.AbuseDetectorClient(channel);
        using var stopSending = new CancellationTokenSource(options.Duration);
        using var abort = new CancellationTokenSource(options.Duration + Grace);
        var latencies = new ConcurrentBag<double[]>();
        var started = Stopwatch.GetTimestamp();
        var streams = new Task[options.Streams];
        var runId = Guid.NewGuid().ToString("N")[..8];
        for (var i = 0; i < options.Streams; i++)
        {
            // At realistic pace spread the streams' first chunks over the first second, as calls would be.
            var offset = options.Pace == Pace.Realistic ? TimeSpan.FromSeconds((double)i / options.Streams) : TimeSpan.Zero;
            streams[i] = RunStreamAsync(client, runId, i, offset, latencies, stopSending.Token, abort.Token);
        }

        await Task.WhenAll(streams);
        var elapsed = Stopwatch.GetElapsedTime(started);
        var all = latencies.SelectMany(l => l).ToArray();
        Array.Sort(all);
        return new LoadResult(_sent, _assessments, _chunkErrors, _callErrors, _calls, _abusiveSent, _streamAlerts, elapsed, all, _errorKinds);
    }

    private async Task RunStreamAsync(
        V1.AbuseDetector.AbuseDetectorClient client, string runId, int index, TimeSpan offset, ConcurrentBag<double[]> latencies, CancellationToken stopSending, CancellationToken abort)
    {
        await Task.Yield();
        var measured = new List<double>();
        var picker = new LinePicker(lines, index, options.AbusiveShare);
        var left = options.ChunksPerStream;
        var perCall = options.CallChunks > 0 ? options.CallChunks : options.ChunksPerStream;
        try
        {
            if (offset > TimeSpan.Zero)
            {
                await Task.Delay(offset, stopSending);
            }

            using var timer = options.Pace == Pace.Realistic ? new PeriodicTimer(TimeSpan.FromSeconds(1)) : null;
            var first = true;
            for (var callNumber = 0; left > 0 && !stopSending.IsCancellationRequested; callNumber++)
            {
                // The first calls are of staggered lengths (1 to CallChunks chunks), so calls end and start spread over time, not all at once.
                var length = first && options.CallChunks > 0 ? 1 + (index % options.CallChunks) : perCall;
                var chunks = Math.Min(length, left);
                left -= chunks;
                await RunCallAsync(client, $"{runId}-{index}-{callNumber}", index, chunks, picker, timer, first, measured, stopSending, abort);
                first = false;
            }
        }
        catch (OperationCanceledException) when (stopSending.IsCancellationRequested && !abort.IsCancellationRequested)
        {
            // The run ended before this stream's first call.
        }
        catch (Exception ex) when (ex is RpcException or OperationCanceledException or InvalidOperationException)
        {
            Interlocked.Increment(ref _callErrors);
            var kind = ex is RpcException rpc ? $"{rpc.StatusCode} '{rpc.Status.Detail}'" : ex.GetType().Name;
            _errorKinds.AddOrUpdate(kind, 1, static (_, n) => n + 1);
        }
        finally
        {
            latencies.Add([.. measured]);
        }
    }

    private async Task RunCallAsync(
        V1.AbuseDetector.AbuseDetectorClient client, string callId, int index, int chunks, LinePicker picker, PeriodicTimer? timer, bool firstCall, List<double> measured,
        CancellationToken stopSending, CancellationToken abort)
    {
        var times = new CallSendTimes(Math.Min(chunks, MaxSendTimesPerCall) + 1);
        sendTimes.Add(callId, times);
        using var window = new SemaphoreSlim(MaxUnansweredPerStream, MaxUnansweredPerStream);
        var start = new CallStart { CallId = callId, TenantId = TenantFor(index), AgentId = $"agent-{index}", TeamId = $"team-{index / AgentsPerTeam}" };
        await using var call = await client.StartCallAsync(start, new CallOptions(cancellationToken: abort));
        Interlocked.Increment(ref _calls);
        var reading = ReadAsync(call, times, measured, timer is null ? window : null);
        try
        {
            for (var seq = 1UL; seq <= (ulong)chunks && !stopSending.IsCancellationRequested; seq++)
            {
                if (timer is not null)
                {
                    // A stream sends one chunk a second across its calls: a new call's first chunk waits for the next tick.
                    if ((seq > 1 || !firstCall) && !await timer.WaitForNextTickAsync(stopSending))
                    {
                        break;
                    }
                }
                else
                {
                    await window.WaitAsync(stopSending);
                }

                var line = picker.Next();
                times.Sent(seq);
                await call.SendChunkAsync(
                    new TranscriptChunk { Seq = seq, Speaker = Speaker.Customer, Text = line.Text, IsFinal = true, StartMs = seq * 1000, EndMs = (seq * 1000) + 900 },
                    abort);
                Interlocked.Increment(ref _sent);
                if (line.IsAbusive)
                {
                    Interlocked.Increment(ref _abusiveSent);
                }
            }
        }
        catch (OperationCanceledException) when (stopSending.IsCancellationRequested && !abort.IsCancellationRequested)
        {
            // The run's duration is over: end the call normally.
        }

        await call.EndAsync(new CallEnd { Reason = CallEndReason.Completed }, abort);
        await reading;
    }

    // The service caps open calls per tenant (1,000 by default): spread the streams over tenants of 500 calls each.
    private static string TenantFor(int index) => $"loadtest-{index / 500}";

    private async Task ReadAsync(CallStream call, CallSendTimes times, List<double> measured, SemaphoreSlim? window)
    {
        await foreach (var update in call.ReadUpdatesAsync())
        {
            var now = Stopwatch.GetTimestamp();
            ulong seq;
            switch (update.UpdateCase)
            {
                case CallUpdate.UpdateOneofCase.Assessment:
                    seq = update.Assessment.Seq;
                    Interlocked.Increment(ref _assessments);
                    break;
                case CallUpdate.UpdateOneofCase.Error:
                    seq = update.Error.Seq;
                    Interlocked.Increment(ref _chunkErrors);
                    _errorKinds.AddOrUpdate("chunk " + update.Error.Code, 1, static (_, n) => n + 1);
                    break;
                case CallUpdate.UpdateOneofCase.Alert:
                    // Alerts and level changes follow the chunk's assessment on the call's own stream: not a chunk answer.
                    Interlocked.Increment(ref _streamAlerts);
                    continue;
                default:
                    continue;
            }

            if (times.TryGet(seq, out var sentAt))
            {
                measured.Add(Stopwatch.GetElapsedTime(sentAt, now).TotalMilliseconds);
            }

            window?.Release();
        }
    }
}
