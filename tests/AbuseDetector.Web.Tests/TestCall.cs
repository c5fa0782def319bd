using System.Collections.Concurrent;
using AbuseDetector.Client;
using AbuseDetector.Contracts.V1;
using Google.Protobuf;

namespace AbuseDetector.Web.Tests;

/// <summary>
/// A live call on the real service's StreamCall stream, driven line by line as a softphone would: each line waits for
/// the service's assessment of it, so a test knows what the model made of a line before it looks at a page.
/// </summary>
public sealed class TestCall : IAsyncDisposable
{
    private static readonly TimeSpan AnswerLimit = TimeSpan.FromSeconds(30);
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default);

    private readonly CallStream _stream;
    private readonly Task _reading;
    private readonly ConcurrentQueue<CallUpdate> _updates = new();
    private readonly SemaphoreSlim _arrived = new(0);
    private ulong _seq;
    private ulong _atMs;

    private TestCall(CallStart start, CallStream stream)
    {
        Start = start;
        _stream = stream;
        _reading = Task.Run(async () =>
        {
            try
            {
                await foreach (var update in _stream.ReadUpdatesAsync())
                {
                    _updates.Enqueue(update);
                    _arrived.Release();
                }
            }
            finally
            {
                _arrived.Release();
            }
        });
    }

    public CallStart Start { get; }

    public string CallId => Start.CallId;

    /// <summary>Everything the service sent on the call so far, in order.</summary>
    public IReadOnlyList<CallUpdate> Updates => [.. _updates];

    /// <summary>The call's level as the service's last escalation change said.</summary>
    public EscalationLevel Level =>
        Updates.LastOrDefault(u => u.UpdateCase == CallUpdate.UpdateOneofCase.Escalation)?.Escalation.Level ?? EscalationLevel.None;

    /// <summary>Opens a call for <paramref name="agentId"/> of <paramref name="teamId"/>, with a call id no other test uses.</summary>
    public static async Task<TestCall> StartAsync(BrowserFixture fixture, TestTenant tenant, string teamId, string agentId, string customerId = "cust-1042", string? callId = null)
    {
        var start = new CallStart
        {
            CallId = callId ?? "call-" + Guid.NewGuid().ToString("N")[..12],
            TenantId = tenant.TenantId,
            TeamId = teamId,
            AgentId = agentId,
            CustomerId = customerId,
            Language = "en-GB",
        };
        return new TestCall(start, await fixture.Client(tenant).StartCallAsync(start));
    }

    /// <summary>
    /// Streams the persistent-swearing sample for the agent of team 1 to its end (it reaches end_call_permitted) and
    /// returns the incident the service kept, once it is saved.
    /// </summary>
    public static async Task<Incident> RunAbusiveCallAsync(BrowserFixture fixture, TestTenant tenant, string agentId, string customerId)
    {
        string callId;
        await using (var call = await StartAsync(fixture, tenant, tenant.Team1.TeamId, agentId, customerId))
        {
            callId = call.CallId;
            await call.ReplaySampleAsync("persistent-swearing");
            await call.EndAsync();
            Assert.True(call.Level >= EscalationLevel.FinalWarning, $"the call reached {call.Level}");
        }

        var client = fixture.Client(tenant);
        await Eventually.TrueAsync(
            async () =>
            {
                var listed = await client.ListIncidentsAsync(new ListIncidentsRequest { TenantId = tenant.TenantId, TeamId = tenant.Team1.TeamId, AgentId = agentId });
                return listed.Incidents.Any(i => i.CallId == callId && i.Outcome != IncidentOutcome.Ongoing);
            },
            "the service kept the finished incident");
        return await client.GetIncidentAsync(new GetIncidentRequest { TenantId = tenant.TenantId, CallId = callId });
    }

    /// <summary>Says a final line and returns the service's assessment of it.</summary>
    public async Task<Assessment> SayAsync(Speaker speaker, string text, float loudnessDbfs = -30)
    {
        var seq = ++_seq;
        var chunk = new TranscriptChunk
        {
            Seq = seq,
            Speaker = speaker,
            Text = text,
            IsFinal = true,
            StartMs = _atMs,
            EndMs = _atMs + 4000,
            Confidence = 0.92f,
            LoudnessDbfs = loudnessDbfs,
        };
        _atMs += 4700;
        await _stream.SendChunkAsync(chunk);
        var answer = await WaitForAsync(u => u.UpdateCase == CallUpdate.UpdateOneofCase.Assessment && u.Assessment.Seq == seq, $"the assessment of line {seq}");
        return answer.Assessment;
    }

    /// <summary>Says a customer line the model must flag as <paramref name="category"/>; fails when it does not.</summary>
    public async Task<Assessment> CustomerSaysFlaggedAsync(string text, Category category)
    {
        var assessment = await SayAsync(Speaker.Customer, text);
        Assert.True(
            assessment.Scores.Any(s => s.Category == category && s.Flagged),
            $"The model did not flag \"{text}\" as {category}: {assessment}");
        return assessment;
    }

    /// <summary>Reports something the agent did.</summary>
    public Task ActAsync(AgentActionKind kind) => _stream.SendActionAsync(new AgentAction { Seq = ++_seq, Kind = kind });

    /// <summary>Waits until the service's level for the call is <paramref name="level"/>.</summary>
    public Task WaitForLevelAsync(EscalationLevel level) =>
        WaitForAsync(u => u.UpdateCase == CallUpdate.UpdateOneofCase.Escalation && u.Escalation.Level == level, $"the call reached {level}");

    /// <summary>
    /// Sends the final chunks and the actions of a committed sample call (samples/NAME.jsonl) with seq numbers of this
    /// call, from its <paramref name="from"/>th event (1 is the first after the start) up to and including
    /// <paramref name="to"/>; partial hypotheses and the end are not sent.
    /// </summary>
    public async Task ReplaySampleAsync(string name, int from = 1, int to = int.MaxValue)
    {
        var events = File.ReadLines(RepositoryFiles.Find($"samples/{name}.jsonl")).Where(l => l.Length > 0).Select(Parser.Parse<CallEvent>).ToList();
        for (var i = Math.Max(from, 1); i <= Math.Min(to, events.Count - 1); i++)
        {
            var callEvent = events[i];
            if (callEvent.EventCase == CallEvent.EventOneofCase.Chunk && callEvent.Chunk.IsFinal)
            {
                await SayAsync(callEvent.Chunk.Speaker, callEvent.Chunk.Text, callEvent.Chunk.HasLoudnessDbfs ? callEvent.Chunk.LoudnessDbfs : -30);
            }
            else if (callEvent.EventCase == CallEvent.EventOneofCase.Action)
            {
                await ActAsync(callEvent.Action.Kind);
            }
        }
    }

    /// <summary>Ends the call and waits until the service closed the stream.</summary>
    public async Task EndAsync(CallEndReason reason = CallEndReason.AgentEnded)
    {
        await _stream.EndAsync(new CallEnd { Reason = reason });
        await _reading.WaitAsync(AnswerLimit);
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        await _reading.ContinueWith(static _ => { }, TaskScheduler.Default);
        _arrived.Dispose();
    }

    private async Task<CallUpdate> WaitForAsync(Func<CallUpdate, bool> match, string what)
    {
        var deadline = Environment.TickCount64 + (long)AnswerLimit.TotalMilliseconds;
        while (true)
        {
            if (_updates.FirstOrDefault(match) is { } found)
            {
                return found;
            }

            if (_reading.IsCompleted)
            {
                await _reading; // throws the call's error, if any
                Assert.Fail($"The call ended before {what}.");
            }

            var left = deadline - Environment.TickCount64;
            if (left <= 0 || !await _arrived.WaitAsync(TimeSpan.FromMilliseconds(left)))
            {
                Assert.Fail($"Timed out waiting for {what}.");
            }
        }
    }
}
