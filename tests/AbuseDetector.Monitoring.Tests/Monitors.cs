using AbuseDetector.Detection;
using AbuseDetector.Escalation;
using Microsoft.Extensions.Time.Testing;

namespace AbuseDetector.Monitoring.Tests;

/// <summary>
/// The real monitoring parts wired as the service wires them with Redis off: the real classifier, the in-process alerts,
/// <see cref="NoIncidentStore"/> and <see cref="NoCallStateStore"/> unless a test passes others, and a fake clock the test moves.
/// </summary>
internal sealed class Monitors
{
    public const int MaxTextLength = 200;

    /// <summary>A threat of violence the committed model flags above the protocol's threat bar.</summary>
    public const string Threat = "i'll smash your face in";

    /// <summary>Directed abuse: one strike.</summary>
    public const string Insult = "you are a useless fucking idiot";

    /// <summary>Nothing to flag.</summary>
    public const string Clean = "thank you so much for your help today";

    /// <summary>The shortest calm period the options allow, so tests move the clock by seconds.</summary>
    public static readonly TimeSpan CalmPeriod = TimeSpan.FromSeconds(10);

    public static readonly DateTimeOffset CallStart = new(2026, 3, 2, 9, 30, 0, TimeSpan.Zero);

    public static readonly CallParticipants Call = new("acme", "call-1", "agent-7", "team-2", "", "en");

    public Monitors(AbuseClassifier classifier, IIncidentStore? incidents = null, CallHistoryOptions? history = null, ICallStateStore? callStates = null)
    {
        Monitoring = new CallMonitoring(
            () => classifier,
            Escalation,
            ScriptBook.Default,
            new ShoutingOptions(),
            MaxTextLength,
            Alerts,
            incidents ?? new NoIncidentStore(),
            history ?? new CallHistoryOptions(),
            callStates ?? new NoCallStateStore(),
            Time);
    }

    public FakeTimeProvider Time { get; } = new(CallStart);

    public InProcessAlerts Alerts { get; } = new();

    public EscalationOptions Escalation { get; } = new() { CalmPeriod = CalmPeriod };

    public CallMonitoring Monitoring { get; }

    public Task<CallMonitor> StartAsync(CallParticipants? call = null) => Monitoring.StartAsync(call ?? Call);

    /// <summary>A final customer chunk with no timing or audio from the platform.</summary>
    public static ChunkInput Said(ulong seq, string text, CallSpeaker speaker = CallSpeaker.Customer) =>
        new(seq, speaker, IsFinal: true, text, 0, 0, null, ReadOnlyMemory<byte>.Empty);

    /// <summary>A chunk with the platform's measured loudness.</summary>
    public static ChunkInput Heard(ulong seq, float loudnessDbfs, bool isFinal = true, CallSpeaker speaker = CallSpeaker.Customer) =>
        new(seq, speaker, isFinal, "I would like to check my order please", 0, 0, loudnessDbfs, ReadOnlyMemory<byte>.Empty);

    /// <summary>Seqs 1 to 3: final utterances at one level, enough for the speaker's baseline to be trusted.</summary>
    public static void WarmUp(CallMonitor monitor, float loudnessDbfs, CallSpeaker speaker = CallSpeaker.Customer)
    {
        for (ulong seq = 1; seq <= 3; seq++)
        {
            monitor.Assess(Heard(seq, loudnessDbfs, speaker: speaker));
        }
    }

    /// <summary>A final customer chunk the platform placed in the call.</summary>
    public static ChunkInput SaidAt(ulong seq, string text, ulong startMs, ulong endMs) =>
        new(seq, CallSpeaker.Customer, IsFinal: true, text, startMs, endMs, null, ReadOnlyMemory<byte>.Empty);
}
