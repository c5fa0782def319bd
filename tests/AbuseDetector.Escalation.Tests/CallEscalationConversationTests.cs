namespace AbuseDetector.Escalation.Tests;

/// <summary>The table: conversations → expected level trace and alert kinds, one row per rule.</summary>
public sealed class CallEscalationConversationTests
{
    private const string Insult = "C final insult+directed";

    public static TheoryData<string, string, string, string> Conversations => new()
    {
        // Rule, options, script, expected trace.
        {
            "directed abuse climbs notice → warning → final_warning → end_call_permitted, telling the team at final_warning and again at the end",
            "", $"{Insult}; {Insult}; {Insult}; {Insult}; {Insult}",
            "notice[level_changed] warning[level_changed] final_warning[level_changed,supervisor_needed] end_call_permitted[level_changed,supervisor_needed] end_call_permitted"
        },
        {
            "one or two venting lines never reach notice",
            "", "C final swearing \"this bloody printer\"; C final swearing \"bloody thing\"",
            "none none"
        },
        {
            "persistent venting reaches notice on the third line",
            "", "C final swearing; C final swearing; C final swearing; C final swearing; C final swearing; C final swearing",
            "none none notice[level_changed] notice notice warning[level_changed]"
        },
        {
            "undirected abusive counts as venting",
            "", "C final abusive; C final abusive",
            "none none"
        },
        {
            "an insult escalates on its own line",
            "", "C final insult",
            "notice[level_changed]"
        },
        {
            "venting then an insult: the insult completes a step, the remainder waits",
            "", "C final swearing; C final directed+swearing; C final swearing; C final swearing",
            "none notice[level_changed] notice warning[level_changed]"
        },
        {
            "hate weighs like directed abuse",
            "", "C final hate; C final hate",
            "notice[level_changed] warning[level_changed]"
        },
        {
            "shouting alone escalates",
            "", "C final shout; C final shout; C final shout",
            "notice[level_changed] warning[level_changed] final_warning[level_changed,supervisor_needed]"
        },
        {
            "a shouted insult moves one level by default",
            "", "C final insult+shout",
            "notice[level_changed]"
        },
        {
            "a shouted insult moves two levels when MaxStepsPerUtterance allows",
            "steps4", "C final insult+shout",
            "warning[level_changed]"
        },
        {
            "a threat from none jumps to end_call_permitted with a threat alert",
            "", "C final threat",
            "end_call_permitted[threat,level_changed]"
        },
        {
            "a threat from warning jumps to end_call_permitted with a threat alert",
            "", $"{Insult}; {Insult}; C final threat",
            "notice[level_changed] warning[level_changed] end_call_permitted[threat,level_changed]"
        },
        {
            "a threat at end_call_permitted still raises the threat alert",
            "", $"{Insult}; {Insult}; {Insult}; {Insult}; C final threat",
            "notice[level_changed] warning[level_changed] final_warning[level_changed,supervisor_needed] end_call_permitted[level_changed,supervisor_needed] end_call_permitted[threat]"
        },
        {
            "a threat in partials alerts once early; its final moves the level without a second alert",
            "", "C partial threat @5000; C partial threat @5000; C final threat @5000",
            "none[threat] none end_call_permitted[level_changed]"
        },
        {
            "the next customer final closes a partial threat even when the speech engine moved its start",
            "", "C partial threat @5000; C final threat @5200; C final threat",
            "none[threat] end_call_permitted[level_changed] end_call_permitted[threat]"
        },
        {
            "a new utterance with a threat in its partials alerts again",
            "", "C partial threat @5000; C final threat @5000; C partial threat @9000",
            "none[threat] end_call_permitted[level_changed] end_call_permitted[threat]"
        },
        {
            "partials never add strikes",
            "", "C partial insult+directed; C partial insult+directed; C partial shout; C final clean",
            "none none none none"
        },
        {
            "a partial and its final count once",
            "", "C partial swearing; C final swearing; C partial swearing; C final swearing",
            "none none none none"
        },
        {
            "agent partials are ignored",
            "", "A partial insult+directed",
            "none"
        },
        {
            "the level drops one step after a calm period, on the host's timer",
            "", $"{Insult}; {Insult}; +65s; tick",
            "notice[level_changed] warning[level_changed] notice[level_changed]"
        },
        {
            "no drop before the calm period",
            "", $"{Insult}; {Insult}; +50s; tick; C final clean",
            "notice[level_changed] warning[level_changed] warning warning"
        },
        {
            "the level drops one step per calm period, on the next chunk",
            "", $"{Insult}; {Insult}; {Insult}; +130s; C final clean",
            "notice[level_changed] warning[level_changed] final_warning[level_changed,supervisor_needed] notice[level_changed]"
        },
        {
            "the level never drops below none",
            "", $"{Insult}; +600s; tick; +600s; tick",
            "notice[level_changed] none[level_changed] none"
        },
        {
            "after calming, a shouted insult moves one level only even when MaxStepsPerUtterance allows more",
            "steps4", "C final insult+shout; C final insult+shout; +245s; C final insult+shout+swearing",
            "warning[level_changed] end_call_permitted[level_changed,supervisor_needed] notice[level_changed,level_changed]"
        },
        {
            "after calming from end_call_permitted the call climbs back one level at a time",
            "", $"{Insult}; {Insult}; {Insult}; {Insult}; +185s; tick; {Insult}; {Insult}; {Insult}",
            "notice[level_changed] warning[level_changed] final_warning[level_changed,supervisor_needed] end_call_permitted[level_changed,supervisor_needed] notice[level_changed] warning[level_changed] final_warning[level_changed] end_call_permitted[level_changed]"
        },
        {
            "venting strikes are forgotten after a calm period",
            "", "C final swearing; C final swearing; +65s; C final swearing",
            "none none none"
        },
        {
            "the agent's warning moves none to notice; the next insult moves on to warning",
            "", $"A warning_given; {Insult}",
            "notice[level_changed] warning[level_changed]"
        },
        {
            "the agent's warning at a higher level changes nothing",
            "", $"{Insult}; {Insult}; A warning_given",
            "notice[level_changed] warning[level_changed] warning"
        },
        {
            "the agent asking for a supervisor tells the team at once, every time",
            "", "A supervisor_requested; A supervisor_requested",
            "none[supervisor_needed] none[supervisor_needed]"
        },
        {
            "agent misconduct raises coaching, level unchanged, at most once per cooldown",
            "", "A final swearing; A final insult+directed; +31s; A final insult",
            "none[coaching] none none[coaching]"
        },
        {
            "agent swearing is not coached when CoachOnAgentSwearing is off, insults still are",
            "no_coach_swearing", "A final swearing; A final insult",
            "none none[coaching]"
        },
        {
            "agent misconduct does not change the customer's level",
            "", $"{Insult}; A final threat",
            "notice[level_changed] notice[coaching]"
        },
        {
            "with RequireAgentWarningBeforeFinalSteps the final steps wait for the agent's warning at each level",
            "require_warning", $"{Insult}; {Insult}; {Insult}; A warning_given; {Insult}; {Insult}; A warning_given; {Insult}",
            "notice[level_changed] warning[level_changed] warning warning final_warning[level_changed,supervisor_needed] final_warning final_warning end_call_permitted[level_changed,supervisor_needed]"
        },
        {
            "with RequireAgentWarningBeforeFinalSteps a warning given at an earlier level does not count",
            "require_warning", $"{Insult}; A warning_given; {Insult}; {Insult}",
            "notice[level_changed] notice warning[level_changed] warning"
        },
        {
            "with RequireAgentWarningBeforeFinalSteps a threat still jumps",
            "require_warning", "C final threat",
            "end_call_permitted[threat,level_changed]"
        },
        {
            "while the caller is on hold their abuse adds no strike",
            "", $"A hold; {Insult}; {Insult}; A unhold; {Insult}",
            "none none none none notice[level_changed]"
        },
        {
            "a threat on hold still alerts and jumps",
            "", "A hold; C final threat",
            "none end_call_permitted[threat,level_changed]"
        },
        {
            "a call ending after abuse tells the team",
            "", $"{Insult}; end hung_up",
            "notice[level_changed] notice[call_ended]"
        },
        {
            "a calm call ends quietly",
            "", "C final clean; A final clean; end completed",
            "none none none"
        },
        {
            "a call with venting only ends quietly",
            "", "C final swearing; end completed",
            "none none"
        },
        {
            "the agent ending the call ends it once; later events change nothing",
            "", $"{Insult}; A call_ended; end agent_ended; {Insult}; tick",
            "notice[level_changed] notice[call_ended] notice notice notice"
        },
    };

    [Theory]
    [MemberData(nameof(Conversations))]
    public void Play_Conversation_ProducesExpectedTrace(string rule, string options, string script, string expected)
    {
        // Arrange
        var conversation = new Conversation(Preset(options));

        // Act
        var trace = conversation.Play(script);

        // Assert
        Assert.True(expected == trace, $"{rule}\nexpected: {expected}\nactual:   {trace}");
    }

    private static EscalationOptions Preset(string name) => name switch
    {
        "" => new EscalationOptions(),
        "steps4" => new EscalationOptions { MaxStepsPerUtterance = 4 },
        "require_warning" => new EscalationOptions { RequireAgentWarningBeforeFinalSteps = true },
        "no_coach_swearing" => new EscalationOptions { CoachOnAgentSwearing = false },
        _ => throw new ArgumentException($"Unknown preset '{name}'.", nameof(name)),
    };
}
