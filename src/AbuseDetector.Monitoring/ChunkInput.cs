using AbuseDetector.Escalation;

namespace AbuseDetector.Monitoring;

/// <summary>One piece of transcript as the monitor takes it: the host maps its wire format to this.</summary>
/// <param name="Seq">Increases with every chunk and agent action on the call.</param>
/// <param name="Speaker">Who spoke.</param>
/// <param name="IsFinal">False for a partial hypothesis the speech engine may still change.</param>
/// <param name="Text">The words.</param>
/// <param name="StartMs">Where the utterance starts in the call, in milliseconds; 0 when the platform does not say.</param>
/// <param name="EndMs">Where it ends; 0 when the platform does not say.</param>
/// <param name="LoudnessDbfs">The utterance's level in dBFS as the platform measured it, or null.</param>
/// <param name="Pcm16">The utterance's audio (16-bit little-endian PCM), measured when no level is given; empty for none.</param>
public readonly record struct ChunkInput(
    ulong Seq, CallSpeaker Speaker, bool IsFinal, string Text, ulong StartMs, ulong EndMs, float? LoudnessDbfs, ReadOnlyMemory<byte> Pcm16);
