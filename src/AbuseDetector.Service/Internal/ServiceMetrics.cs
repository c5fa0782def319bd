using System.Diagnostics.Metrics;
using AbuseDetector.Contracts.V1;
using AbuseDetector.Monitoring;
using Grpc.Core;

namespace AbuseDetector.Service.Internal;

/// <summary>
/// The service's instruments, in the <c>AbuseDetector</c> meter: readable with dotnet-counters and exported by OpenTelemetry (Prometheus text at /metrics, OTLP when configured).
/// Tags are few and fixed (speaker, category, error code, status code), never tenant, call or agent ids.
/// </summary>
internal sealed class ServiceMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "AbuseDetector";

    /// <summary>Milliseconds from a chunk's arrival to its update being queued: scoring takes microseconds, a full queue much longer.</summary>
    internal static readonly double[] ChunkDurationBounds = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500];

    // Tags preallocated, so recording a chunk allocates nothing.
    private static readonly KeyValuePair<string, object?>[] SpeakerTags = [new("speaker", "unspecified"), new("speaker", "customer"), new("speaker", "agent")];
    private static readonly KeyValuePair<string, object?> OtherSpeakerTag = new("speaker", "other");
    private static readonly KeyValuePair<string, object?>[] CategoryTags =
        [new("category", "unspecified"), new("category", "swearing"), new("category", "insult"), new("category", "threat"), new("category", "hate"), new("category", "abusive"), new("category", "directed")];

    private static readonly KeyValuePair<string, object?> OtherCategoryTag = new("category", "other");

    private readonly Counter<long> _callsStarted;
    private readonly Counter<long> _callsRejected;
    private readonly Counter<long> _chunks;
    private readonly Counter<long> _chunkErrors;
    private readonly Counter<long> _classifyRequests;
    private readonly Histogram<double> _chunkDuration;
    private readonly Counter<long> _flags;

    public ServiceMetrics(IMeterFactory meterFactory, LiveCallRegistry calls)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        ArgumentNullException.ThrowIfNull(calls);

        var meter = meterFactory.Create(MeterName);
        meter.CreateObservableUpDownCounter("abuse_detector.calls.open", () => calls.Count, "{call}", "StreamCall streams open now.");
        _callsStarted = meter.CreateCounter<long>("abuse_detector.calls.started", "{call}", "StreamCall streams accepted.");
        _callsRejected = meter.CreateCounter<long>("abuse_detector.calls.rejected", "{call}", "StreamCall streams refused before or at CallStart, by gRPC status.");
        _chunks = meter.CreateCounter<long>("abuse_detector.chunks", "{chunk}", "Transcript chunks received, by speaker.");
        _chunkErrors = meter.CreateCounter<long>("abuse_detector.chunk_errors", "{error}", "ChunkError updates sent, by code.");
        _classifyRequests = meter.CreateCounter<long>("abuse_detector.classify.requests", "{request}", "Classify requests received.");
        _chunkDuration = meter.CreateHistogram(
            "abuse_detector.chunk.duration",
            "ms",
            "Time from a chunk's arrival to its update being queued for the response stream.",
            tags: null,
            new InstrumentAdvice<double> { HistogramBucketBoundaries = ChunkDurationBounds });
        _flags = meter.CreateCounter<long>("abuse_detector.flags", "{flag}", "Categories flagged in chunk assessments, by category.");

        // Untagged counters report 0 from the start, so a scraper's rate() has a first point.
        _callsStarted.Add(0);
        _classifyRequests.Add(0);
    }

    public void ClassifyRequested() => _classifyRequests.Add(1);

    public void CallStarted() => _callsStarted.Add(1);

    public void CallRejected(StatusCode status) => _callsRejected.Add(1, new KeyValuePair<string, object?>("status", status.ToString()));

    /// <summary>Records a handled event: for a chunk, the count and the latency from receipt to its updates being queued.</summary>
    public void EventHandled(CallEvent callEvent, TimeSpan elapsed)
    {
        if (callEvent.EventCase == CallEvent.EventOneofCase.Chunk)
        {
            var speaker = (int)callEvent.Chunk.Speaker;
            var speakerTag = (uint)speaker < (uint)SpeakerTags.Length ? SpeakerTags[speaker] : OtherSpeakerTag;
            _chunks.Add(1, speakerTag);
            _chunkDuration.Record(elapsed.TotalMilliseconds);
        }
    }

    /// <summary>Counts an update's errors and flagged categories.</summary>
    public void UpdateQueued(CallUpdate update)
    {
        if (update.UpdateCase == CallUpdate.UpdateOneofCase.Error)
        {
            _chunkErrors.Add(1, new KeyValuePair<string, object?>("code", update.Error.Code));
            return;
        }

        if (update.UpdateCase == CallUpdate.UpdateOneofCase.Assessment && _flags.Enabled)
        {
            foreach (var score in update.Assessment.Scores)
            {
                if (score.Flagged)
                {
                    var category = (int)score.Category;
                    _flags.Add(1, (uint)category < (uint)CategoryTags.Length ? CategoryTags[category] : OtherCategoryTag);
                }
            }
        }
    }
}
