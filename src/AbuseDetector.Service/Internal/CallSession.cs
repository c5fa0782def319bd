using AbuseDetector.Contracts.V1;
using AbuseDetector.Detection;

namespace AbuseDetector.Service.Internal;

/// <summary>
/// The state of one live call: the update sequence, the last final chunk's seq and one shouting baseline per speaker.
/// Used by one stream's reading loop only; not thread-safe.
/// </summary>
internal sealed class CallSession(AbuseClassifier classifier, int maxTextLength)
{
    private static readonly ShoutingOptions Shouting = new();

    private readonly SpeakerState[] _speakers = [new(), new(), new()];
    private ulong _updateSeq;
    private ulong? _lastFinalSeq;

    public int Chunks { get; private set; }

    /// <summary>Scores one chunk, or explains why it cannot be scored; never throws for a bad chunk.</summary>
    public CallUpdate Assess(TranscriptChunk chunk)
    {
        Chunks++;
        if (_lastFinalSeq is { } last && chunk.Seq <= last)
        {
            return Error(chunk.Seq, "INVALID_ARGUMENT", $"seq went backwards: {chunk.Seq} is not greater than the last final chunk's seq {last}.");
        }

        if (chunk.Speaker is not (Speaker.Customer or Speaker.Agent))
        {
            return Error(chunk.Seq, "INVALID_ARGUMENT", "The chunk's speaker must be CUSTOMER or AGENT.");
        }

        if (chunk.Text.Length > maxTextLength)
        {
            return Error(chunk.Seq, "INVALID_ARGUMENT", $"The chunk's text is longer than {maxTextLength} characters.");
        }

        if (!chunk.HasLoudnessDbfs && chunk.Pcm16.Length % 2 != 0)
        {
            return Error(chunk.Seq, "INVALID_ARGUMENT", "pcm16 must hold whole 16-bit samples (an even number of bytes).");
        }

        var classification = classifier.Classify(chunk.Text);
        var assessment = new Assessment
        {
            Seq = chunk.Seq,
            IsFinal = chunk.IsFinal,
            Speaker = chunk.Speaker,
            Shouting = MeasureShouting(chunk, _speakers[(int)chunk.Speaker]),
            ModelName = classifier.ModelName,
        };
        ContractMapping.AddResults(classifier, classification, chunk.Text, assessment.Scores, assessment.Evidence);
        if (chunk.IsFinal)
        {
            _lastFinalSeq = chunk.Seq;
        }

        return new CallUpdate { Seq = ++_updateSeq, Assessment = assessment };
    }

    /// <summary>An update reporting an event the call could not use.</summary>
    public CallUpdate Error(ulong seq, string code, string message)
        => new() { Seq = ++_updateSeq, Error = new ChunkError { Seq = seq, Code = code, Message = message } };

    /// <summary>
    /// Final chunks feed the speaker's baseline; partial chunks are only compared with it, so an utterance is never
    /// counted twice. A chunk without audio leaves the loudness fields at 0 and repeats the speaker's shouting state.
    /// </summary>
    private static Contracts.V1.Shouting MeasureShouting(TranscriptChunk chunk, SpeakerState speaker)
    {
        var cues = TextShoutingCues.Measure(chunk.Text);
        var result = new Contracts.V1.Shouting
        {
            CapsRatio = cues.CapitalsRatio,
            TextLooksShouted = cues.LooksShouted,
            IsShouting = speaker.IsShouting,
            BaselineDbfs = float.IsNaN(speaker.Detector.BaselineDbfs) ? 0 : speaker.Detector.BaselineDbfs,
        };

        float? loudness = chunk.HasLoudnessDbfs ? chunk.LoudnessDbfs
            : chunk.Pcm16.Length > 0 ? LoudnessMeter.RmsDbfs(chunk.Pcm16.Span)
            : null;
        if (loudness is not { } level)
        {
            return result;
        }

        result.LoudnessDbfs = level;
        if (chunk.IsFinal)
        {
            var observed = speaker.Detector.Observe(level);
            speaker.IsShouting = observed.IsShouting;
            result.BaselineDbfs = float.IsNaN(observed.BaselineDbfs) ? 0 : observed.BaselineDbfs;
            result.ExcessDb = observed.ExcessDb;
            result.IsLoud = observed.IsLoud;
            result.IsShouting = observed.IsShouting;
        }
        else if (!float.IsNaN(speaker.Detector.BaselineDbfs))
        {
            result.ExcessDb = Math.Max(0, level - speaker.Detector.BaselineDbfs);
            result.IsLoud = result.ExcessDb >= Shouting.LoudMarginDb;
        }

        return result;
    }

    private sealed class SpeakerState
    {
        public ShoutingDetector Detector { get; } = new(Shouting);

        public bool IsShouting { get; set; }
    }
}
