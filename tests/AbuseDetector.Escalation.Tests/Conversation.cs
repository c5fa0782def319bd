using System.Globalization;
using System.Text;
using AbuseDetector.Detection;

namespace AbuseDetector.Escalation.Tests;

/// <summary>
/// Plays a compact conversation script against a <see cref="CallEscalation"/> and writes the level and alert
/// kinds after each event, so a test reads as "script → trace".
/// </summary>
/// <remarks>
/// Events are separated by ';'. Each event happens one second after the previous one.
/// <list type="bullet">
/// <item><c>C final insult+directed</c>, <c>C partial threat @5000</c>, <c>C final shout "WHERE IS MY REFUND"</c>:
/// a customer chunk; flags are category names joined by '+', <c>shout</c> sets IsShouting, <c>strong</c> and <c>mild</c>
/// flag swearing of that profanity strength (<c>swearing</c> alone is swearing that is not the speaker's own, as in
/// reported speech), <c>clean</c> flags nothing;
/// <c>@n</c> sets OffsetMs (default: milliseconds since the call started); a quoted text is optional.</item>
/// <item><c>A final swearing</c>: an agent chunk, same syntax.</item>
/// <item><c>A warning_given</c>, <c>A supervisor_requested</c>, <c>A call_ended</c>, <c>A hold</c>, <c>A unhold</c>: agent actions.</item>
/// <item><c>+70s</c>: time passes with no event (no trace entry); <c>tick</c>: the host's timer calls Advance.</item>
/// <item><c>end completed|hung_up|agent_ended|transferred|dropped</c>: the call ends.</item>
/// </list>
/// A trace entry is the level name, followed by the alert kinds in brackets when any were raised:
/// <c>notice[level_changed] none final_warning[level_changed,supervisor_needed]</c>.
/// </remarks>
internal sealed class Conversation
{
    public static readonly DateTimeOffset Start = new(2025, 3, 4, 9, 0, 0, TimeSpan.Zero);

    private DateTimeOffset _now = Start;
    private ulong _seq;

    public Conversation(EscalationOptions? options = null, ScriptBook? scripts = null, CallParticipants? call = null)
    {
        Options = options ?? new EscalationOptions();
        var ids = 0;
        Escalation = new CallEscalation(call ?? Participants(), Start, Options, scripts ?? ScriptBook.Default, () => string.Create(CultureInfo.InvariantCulture, $"alert-{++ids}"));
    }

    public EscalationOptions Options { get; }

    public CallEscalation Escalation { get; }

    public List<EscalationStep> Steps { get; } = [];

    public DateTimeOffset Now => _now;

    public static CallParticipants Participants(string tenant = "acme", string language = "en-GB") =>
        new(tenant, "call-1", "agent-7", "team-3", "cust-9", language);

    /// <summary>Plays the script and returns the trace.</summary>
    public string Play(string script)
    {
        var trace = new StringBuilder();
        foreach (var raw in script.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var step = PlayOne(raw);
            if (step is null)
            {
                continue;
            }

            Steps.Add(step);
            if (trace.Length > 0)
            {
                trace.Append(' ');
            }

            trace.Append(step.Level.ToName());
            if (step.Alerts.Count > 0)
            {
                trace.Append('[').AppendJoin(',', step.Alerts.Select(a => a.Kind.ToName())).Append(']');
            }

            _now += TimeSpan.FromSeconds(1);
        }

        return trace.ToString();
    }

    private EscalationStep? PlayOne(string line)
    {
        if (line.StartsWith('+'))
        {
            _now += TimeSpan.FromSeconds(int.Parse(line[1..^1], CultureInfo.InvariantCulture));
            return null;
        }

        if (line == "tick")
        {
            return Escalation.Advance(_now);
        }

        var words = line.Split(' ', 3, StringSplitOptions.RemoveEmptyEntries);
        if (words[0] == "end")
        {
            return Escalation.End(ParseEndReason(words[1]), _now);
        }

        var speaker = words[0] switch
        {
            "C" => CallSpeaker.Customer,
            "A" => CallSpeaker.Agent,
            _ => throw new FormatException($"Unknown event '{line}'."),
        };
        var seq = ++_seq;
        switch (words[1])
        {
            case "final":
            case "partial":
                return Escalation.Observe(ParseChunk(seq, speaker, words[1] == "final", words.Length > 2 ? words[2] : "clean"));
            case "warning_given":
                return Escalation.OnAgentAction(AgentActionKind.WarningGiven, seq, _now, "asked to stop");
            case "supervisor_requested":
                return Escalation.OnAgentAction(AgentActionKind.SupervisorRequested, seq, _now);
            case "call_ended":
                return Escalation.OnAgentAction(AgentActionKind.CallEndedByAgent, seq, _now);
            case "hold":
                return Escalation.OnAgentAction(AgentActionKind.CallerOnHold, seq, _now);
            case "unhold":
                return Escalation.OnAgentAction(AgentActionKind.CallerOffHold, seq, _now);
            default:
                throw new FormatException($"Unknown event '{line}'.");
        }
    }

    private ChunkSignal ParseChunk(ulong seq, CallSpeaker speaker, bool isFinal, string rest)
    {
        var text = "words";
        var quote = rest.IndexOf('"', StringComparison.Ordinal);
        if (quote >= 0)
        {
            text = rest[(quote + 1)..rest.LastIndexOf('"')];
            rest = rest[..quote];
        }

        var offsetMs = (ulong)(_now - Start).TotalMilliseconds;
        var flags = AbuseFlags.None;
        var shouting = false;
        var profanity = ProfanityStrength.None;
        foreach (var word in rest.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (word.StartsWith('@'))
            {
                offsetMs = ulong.Parse(word[1..], CultureInfo.InvariantCulture);
                continue;
            }

            foreach (var name in word.Split('+'))
            {
                if (name == "shout")
                {
                    shouting = true;
                }
                else if (name is "strong" or "mild")
                {
                    flags |= AbuseFlags.Swearing;
                    profanity = name == "strong" ? ProfanityStrength.Strong : ProfanityStrength.Mild;
                }
                else if (name != "clean")
                {
                    flags |= AbuseCategories.TryParse(name, out var category) ? category.ToFlag() : throw new FormatException($"Unknown flag '{name}'.");
                }
            }
        }

        return new ChunkSignal(seq, speaker, isFinal, _now, offsetMs, text, flags, shouting, Profanity: profanity);
    }

    private static CallEndReason ParseEndReason(string name) => name switch
    {
        "completed" => CallEndReason.Completed,
        "hung_up" => CallEndReason.CallerHungUp,
        "agent_ended" => CallEndReason.AgentEnded,
        "transferred" => CallEndReason.Transferred,
        "dropped" => CallEndReason.Dropped,
        _ => throw new FormatException($"Unknown end reason '{name}'."),
    };
}
