using AbuseDetector.Client;
using AbuseDetector.Contracts.V1;

namespace AbuseDetector.ScaleOut.Tests;

/// <summary>
/// One call's transcript, the same for every call of a test: calm utterances between insults aimed at the agent, so
/// the level climbs one step per insult to end_call_permitted, with the platform's offsets so calm is call time.
/// </summary>
internal static class ScriptedCall
{
    private static readonly string[] Lines =
    [
        "I'm calling about my internet bill.",
        "You are a useless idiot.",
        "I have been waiting for two weeks.",
        "You stupid moron, you never listen.",
        "The engineer never came on Tuesday.",
        "You are a pathetic incompetent fool.",
        "Can you check the account please.",
        "Shut up, you worthless idiot.",
        "Just tell me when it will be fixed.",
        "You are the dumbest person I have ever spoken to.",
    ];

    public static int Chunks => Lines.Length;

    public static CallStart Start(string tenant, string callId, string agent) =>
        new() { CallId = callId, TenantId = tenant, AgentId = agent, TeamId = TeamHistory.Team };

    /// <summary>
    /// Streams the script with <paramref name="pause"/> between chunks while reading the updates, calls
    /// <paramref name="halfway"/> after half the chunks (once per call), ends the call, and returns what the reader saw.
    /// </summary>
    public static async Task<CallRecord> RunAsync(
        AbuseDetector.Contracts.V1.AbuseDetector.AbuseDetectorClient client, CallStart start, TimeSpan pause, Func<Task>? halfway = null)
    {
        await using var call = await client.StartCallAsync(start);
        var reading = ReadAsync(call);
        try
        {
            await SendAsync(call, pause, halfway);
        }
        catch (Exception sending) when (!reading.IsCompletedSuccessfully)
        {
            // The reader's failure says why: a send only fails once the reader gave up on the call.
            var readFailure = await Record.ExceptionAsync(() => reading);
            throw new InvalidOperationException($"Call {start.CallId}: sending failed ({sending.Message}); reading ended with {readFailure?.ToString() ?? "no error"}", sending);
        }

        var updates = await reading;
        return new CallRecord(start.CallId, updates, call.Resumptions);
    }

    private static async Task SendAsync(CallStream call, TimeSpan pause, Func<Task>? halfway)
    {
        for (var i = 0; i < Lines.Length; i++)
        {
            if (i == Lines.Length / 2 && halfway is not null)
            {
                await halfway();
            }

            var seq = (ulong)(i + 1);
            await call.SendChunkAsync(new TranscriptChunk
            {
                Seq = seq,
                Speaker = Speaker.Customer,
                Text = Lines[i],
                IsFinal = true,
                StartMs = seq * 4_000,
                EndMs = (seq * 4_000) + 2_500,
            });
            await Task.Delay(pause);
        }

        await call.EndAsync(new CallEnd { Reason = CallEndReason.Completed });
    }

    private static async Task<List<CallUpdate>> ReadAsync(CallStream call)
    {
        var updates = new List<CallUpdate>();
        await foreach (var update in call.ReadUpdatesAsync())
        {
            updates.Add(update);
        }

        return updates;
    }
}

/// <summary>What the platform's reader saw of one call.</summary>
internal sealed record CallRecord(string CallId, IReadOnlyList<CallUpdate> Updates, int Resumptions)
{
    public IEnumerable<Alert> Alerts => Updates.Where(u => u.UpdateCase == CallUpdate.UpdateOneofCase.Alert).Select(u => u.Alert);

    public IEnumerable<ulong> AssessedSeqs => Updates.Where(u => u.UpdateCase == CallUpdate.UpdateOneofCase.Assessment).Select(u => u.Assessment.Seq);

    /// <summary>The level the call ended at, from its last level change or resume.</summary>
    public EscalationLevel FinalLevel => Updates.LastOrDefault(u => u.UpdateCase is CallUpdate.UpdateOneofCase.Escalation or CallUpdate.UpdateOneofCase.Resumed) switch
    {
        { UpdateCase: CallUpdate.UpdateOneofCase.Escalation } change => change.Escalation.Level,
        { UpdateCase: CallUpdate.UpdateOneofCase.Resumed } resumed => resumed.Resumed.Level,
        _ => EscalationLevel.None,
    };

    /// <summary>The call's alerts as kind and level, in order: what must not change with a resume.</summary>
    public string AlertSummary => string.Join(", ", Alerts.Select(a => $"{a.Kind}@{a.Level}"));
}
