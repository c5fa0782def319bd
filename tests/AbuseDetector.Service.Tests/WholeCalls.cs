using System.Text.Json;
using System.Text.Json.Serialization;
using AbuseDetector.Client;
using AbuseDetector.Contracts.V1;

namespace AbuseDetector.Service.Tests;

/// <summary>What a call of the whole-call suite is meant to exercise.</summary>
internal enum WholeCallKind
{
    Calm,
    Venting,
    Shouting,
    DirectedAbuse,
    Threat,
    LegalThreat,
    Quoting,
    AgentMisconduct,
    Mixed,
}

/// <summary>
/// One call of <c>tests/data/whole-calls.jsonl</c> with what the protocol should make of it: the highest level, the index
/// in <see cref="Turns"/> of the customer turn on which a threat or supervisor_needed alert is first due (or null), and
/// whether a critical alert is due (a threat, or end_call_permitted).
/// </summary>
internal sealed record WholeCall(
    string Name,
    string Description,
    WholeCallKind Kind,
    IReadOnlyList<WholeCallTurn> Turns,
    EscalationLevel ExpectedHighestLevel,
    int? ExpectedSupervisorAlertTurn,
    bool ExpectedCritical);

/// <summary>One final utterance, with the agent's action reported right after it when there is one.</summary>
internal sealed record WholeCallTurn(Speaker Speaker, string Text, float LoudnessDbfs, AgentActionKind? Action = null);

/// <summary>What the service made of one call: the measures the suite compares, and each customer turn for the report.</summary>
internal sealed record WholeCallOutcome(
    EscalationLevel HighestLevel,
    int? SupervisorAlertTurn,
    bool Critical,
    bool CriticalThreatAlert,
    IReadOnlyList<string> Errors,
    IReadOnlyList<WholeCallTurnOutcome> CustomerTurns);

/// <summary>The service's view of one customer turn: the flagged categories with their probabilities, loudness, and the level after it.</summary>
internal sealed record WholeCallTurnOutcome(int Turn, IReadOnlyList<CategoryScore> Flagged, bool IsLoud, bool IsShouting, EscalationLevel LevelAfter);

/// <summary>Loads the whole-call suite and replays its calls through the service, one final chunk per turn.</summary>
internal static class WholeCalls
{
    private const string TenantId = "whole-calls";

    // Strict: a misspelt or missing field in the data fails the load instead of reading as a default.
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false) },
    };

    public static IReadOnlyList<WholeCall> Load() =>
        [.. File.ReadLines(RepositoryFiles.Find("tests/data/whole-calls.jsonl"))
            .Where(line => line.Length > 0)
            .Select(line => JsonSerializer.Deserialize<WholeCall>(line, Json) ?? throw new JsonException("A line of whole-calls.jsonl is null."))];

    /// <summary>Streams <paramref name="call"/> turn by turn, a few seconds of call time apart, and reads every update.</summary>
    public static async Task<WholeCallOutcome> ReplayAsync(Contracts.V1.AbuseDetector.AbuseDetectorClient client, WholeCall call)
    {
        // Each call has an agent of its own, so the agent wellbeing rule never links one call to the next.
        await using var stream = await client.StartCallAsync(new CallStart { CallId = $"{call.Name}-{Guid.NewGuid():N}", TenantId = TenantId, AgentId = "agent-" + call.Name, TeamId = "team-whole-calls" });
        var updates = new List<CallUpdate>();
        var reading = Task.Run(async () =>
        {
            await foreach (var update in stream.ReadUpdatesAsync())
            {
                updates.Add(update);
            }
        });

        var turnOfSeq = new Dictionary<ulong, int>();
        ulong seq = 0;
        ulong startMs = 0;
        for (var turn = 0; turn < call.Turns.Count; turn++)
        {
            var (speaker, text, loudness, action) = call.Turns[turn];
            var endMs = startMs + SpeakingMs(text);
            turnOfSeq[++seq] = turn;
            await stream.SendChunkAsync(new TranscriptChunk { Seq = seq, Speaker = speaker, Text = text, IsFinal = true, StartMs = startMs, EndMs = endMs, LoudnessDbfs = loudness });
            if (action is { } kind)
            {
                turnOfSeq[++seq] = turn;
                await stream.SendActionAsync(new AgentAction { Seq = seq, Kind = kind });
            }

            startMs = endMs + 800;
        }

        var agentEnded = call.Turns[^1].Action == AgentActionKind.CallEndedByAgent;
        await stream.EndAsync(new CallEnd { Reason = agentEnded ? CallEndReason.AgentEnded : CallEndReason.Completed });
        await reading;
        return Measure(updates, turnOfSeq);
    }

    // About a second to start and 0.3 s a word: a 15-word utterance takes 5.5 s of call time.
    private static ulong SpeakingMs(string text) => 1000 + (300 * (ulong)text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);

    private static WholeCallOutcome Measure(List<CallUpdate> updates, Dictionary<ulong, int> turnOfSeq)
    {
        var level = EscalationLevel.None;
        var highest = EscalationLevel.None;
        int? supervisorTurn = null;
        bool critical = false, criticalThreat = false;
        var errors = new List<string>();
        var customerTurns = new List<WholeCallTurnOutcome>();
        foreach (var update in updates)
        {
            switch (update.UpdateCase)
            {
                case CallUpdate.UpdateOneofCase.Assessment when update.Assessment.Speaker == Speaker.Customer:
                    var assessment = update.Assessment;
                    customerTurns.Add(new WholeCallTurnOutcome(
                        turnOfSeq[assessment.Seq],
                        [.. assessment.Scores.Where(s => s.Flagged)],
                        assessment.Shouting.IsLoud,
                        assessment.Shouting.IsShouting,
                        level));
                    break;
                case CallUpdate.UpdateOneofCase.Escalation:
                    level = update.Escalation.Level;
                    highest = level > highest ? level : highest;

                    // A calm-down on time (seq 0) belongs to no turn; a change always follows its turn's assessment.
                    if (update.Escalation.Seq != 0 && customerTurns.Count > 0 && customerTurns[^1].Turn == turnOfSeq[update.Escalation.Seq])
                    {
                        customerTurns[^1] = customerTurns[^1] with { LevelAfter = level };
                    }

                    break;
                case CallUpdate.UpdateOneofCase.Alert:
                    var alert = update.Alert;
                    if (alert.Kind is AlertKind.Threat or AlertKind.SupervisorNeeded && supervisorTurn is null)
                    {
                        supervisorTurn = turnOfSeq[alert.Seq];
                    }

                    critical |= alert.Severity == AlertSeverity.Critical;
                    criticalThreat |= alert.Kind == AlertKind.Threat && alert.Severity == AlertSeverity.Critical;
                    break;
                case CallUpdate.UpdateOneofCase.Error:
                    errors.Add($"seq {update.Error.Seq}: {update.Error.Code} {update.Error.Message}");
                    break;
            }
        }

        return new WholeCallOutcome(highest, supervisorTurn, critical, criticalThreat, errors, customerTurns);
    }
}
