using System.Collections.Concurrent;
using System.Diagnostics;
using AbuseDetector.Client;
using AbuseDetector.Contracts.V1;

namespace AbuseDetector.LoadTest;

/// <summary>What a run measured.</summary>
internal sealed record LoadResult(long ChunksSent, long Assessments, long ChunkErrors, long CallErrors, TimeSpan Elapsed, double[] LatenciesMs, IReadOnlyDictionary<string, int> ErrorKinds);

/// <summary>Runs the streams: each replays call lines as chunks at the chosen pace and times every chunk until its assessment.</summary>
internal sealed class LoadRunner(LoadTestOptions options, IReadOnlyList<string> lines)
{
    // At max pace a stream keeps at most this many chunks unanswered, so latency measures the service rather than a queue.
    private const int MaxUnansweredPerStream = 8;
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, int> _errorKinds = new(StringComparer.Ordinal);
    private long _sent;
    private long _assessments;
    private long _chunkErrors;
    private long _callErrors;

    public async Task<LoadResult> RunAsync()
    {
        using var client = new AbuseDetectorClient(new AbuseDetectorClientOptions { Address = options.Address });
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
            streams[i] = RunStreamAsync(client, $"{runId}-{i}", i, offset, latencies, stopSending.Token, abort.Token);
        }

        await Task.WhenAll(streams);
        var elapsed = Stopwatch.GetElapsedTime(started);
        var all = latencies.SelectMany(l => l).ToArray();
        Array.Sort(all);
        return new LoadResult(_sent, _assessments, _chunkErrors, _callErrors, elapsed, all, _errorKinds);
    }

    private async Task RunStreamAsync(
        AbuseDetectorClient client, string callId, int index, TimeSpan offset, ConcurrentBag<double[]> latencies, CancellationToken stopSending, CancellationToken abort)
    {
        await Task.Yield();
        var chunks = options.ChunksPerStream;
        var sentAt = new long[Math.Min(chunks, 4096) + 1];
        var measured = new List<double>();
        using var window = new SemaphoreSlim(MaxUnansweredPerStream, MaxUnansweredPerStream);
        try
        {
            await using var call = client.StartCall(new CallStart { CallId = callId, TenantId = TenantFor(index), AgentId = "agent", TeamId = "team" }, abort);
            var reading = ReadAsync(call, sentAt, measured, options.Pace == Pace.Max ? window : null);
            try
            {
                if (offset > TimeSpan.Zero)
                {
                    await Task.Delay(offset, stopSending);
                }

                using var timer = options.Pace == Pace.Realistic ? new PeriodicTimer(TimeSpan.FromSeconds(1)) : null;
                var line = (index * 7919) % lines.Count;
                for (var seq = 1UL; seq <= (ulong)chunks && !stopSending.IsCancellationRequested; seq++)
                {
                    if (timer is not null)
                    {
                        if (seq > 1 && !await timer.WaitForNextTickAsync(stopSending))
                        {
                            break;
                        }
                    }
                    else
                    {
                        await window.WaitAsync(stopSending);
                    }

                    var text = lines[line];
                    line = (line + 1) % lines.Count;
                    Volatile.Write(ref sentAt[seq % (ulong)sentAt.Length], Stopwatch.GetTimestamp());
                    await call.SendChunkAsync(
                        new TranscriptChunk { Seq = seq, Speaker = Speaker.Customer, Text = text, IsFinal = true, StartMs = seq * 1000, EndMs = (seq * 1000) + 900 },
                        abort);
                    Interlocked.Increment(ref _sent);
                }
            }
            catch (OperationCanceledException) when (stopSending.IsCancellationRequested && !abort.IsCancellationRequested)
            {
                // The run's duration is over: end the call normally.
            }

            await call.EndAsync(new CallEnd { Reason = CallEndReason.Completed }, abort);
            await reading;
        }
        catch (Exception ex) when (ex is AbuseDetectorRpcException or OperationCanceledException or InvalidOperationException)
        {
            Interlocked.Increment(ref _callErrors);
            var kind = ex is AbuseDetectorRpcException rpc ? $"{rpc.StatusCode} '{rpc.StatusMessage}'" : ex.GetType().Name;
            _errorKinds.AddOrUpdate(kind, 1, static (_, n) => n + 1);
        }
        finally
        {
            latencies.Add([.. measured]);
        }
    }

    // The service caps open calls per tenant (1,000 by default): spread the streams over tenants of 500 calls each.
    private static string TenantFor(int index) => $"loadtest-{index / 500}";

    private async Task ReadAsync(CallStream call, long[] sentAt, List<double> measured, SemaphoreSlim? window)
    {
        await foreach (var update in call.ReadUpdatesAsync())
        {
            var now = Stopwatch.GetTimestamp();
            ulong seq;
            if (update.UpdateCase == CallUpdate.UpdateOneofCase.Assessment)
            {
                seq = update.Assessment.Seq;
                Interlocked.Increment(ref _assessments);
            }
            else
            {
                seq = update.Error.Seq;
                Interlocked.Increment(ref _chunkErrors);
                _errorKinds.AddOrUpdate("chunk " + update.Error.Code, 1, static (_, n) => n + 1);
            }

            measured.Add(Stopwatch.GetElapsedTime(Volatile.Read(ref sentAt[seq % (ulong)sentAt.Length]), now).TotalMilliseconds);
            window?.Release();
        }
    }
}
