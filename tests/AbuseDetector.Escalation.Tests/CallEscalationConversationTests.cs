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
            "mild swearing at a situation never escalates, however long it goes on",
            "", "C final mild \"this bloody printer\"; C final mild \"bloody thing\"; C final mild; C final mild; C final mild",
            "none none none none none"
        },
        {
            "strong swearing counts a full strike even when it is venting",
            "", "C final strong \"fuck this printer\"",
            "notice[level_changed]"
        },
        {
            "three strong swears climb three levels",
            "", "C final strong; C final strong; C final strong",
            "notice[level_changed] warning[level_changed] final_warning[level_changed,supervisor_needed]"
        },
        {
            "with a mild weight of a third, mild swearing reaches notice on the third line",
            "mild_third", "C final mild; C final mild; C final mild",
            "none none notice[level_changed]"
        },
        {
            "swearing that is not the caller's own (reported speech) adds no strike",
            "", "C final swearing \"he called me a fucking idiot\"; C final swearing; C final swearing",
            "none none none"
        },
        {
            "abuse not aimed at the agent adds no strike",
            "", "C final abusive; C final abusive; C final abusive",
            "none none none"
        },
        {
            "an insult without the directed flag is about someone not on the call: no strike",
            "", "C final insult \"my neighbour is an idiot\"; C final insult+abusive; C final insult+abusive+swearing",
            "none none none"
        },
        {
            "an insult of the agent escalates on its own line",
            "", "C final insult+directed",
            "notice[level_changed]"
        },
        {
            "mild venting then an insult: only the insult counts",
            "", "C final mild; C final directed+mild; C final mild; C final mild",
            "none notice[level_changed] notice notice"
        },
        {
            "a strong swear aimed at the agent counts the larger weight, not both",
            "steps4", "C final directed+strong",
            "notice[level_changed]"
        },
        {
            "shouting adds to a strong swear",
            "steps4", "C final strong+shout",
            "warning[level_changed]"
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
            "", "C final insult+directed+shout",
            "notice[level_changed]"
        },
        {
            "a shouted insult moves two levels when MaxStepsPerUtterance allows",
            "steps4", "C final insult+directed+shout",
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
            "", "C partial strong; C final strong; C partial strong; C final strong",
            "none notice[level_changed] notice warning[level_changed]"
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
            "steps4", "C final insult+directed+shout; C final insult+directed+shout; +245s; C final insult+directed+shout+strong",
            "warning[level_changed] end_call_permitted[level_changed,supervisor_needed] notice[level_changed,level_changed]"
        },
        {
            "after calming from end_call_permitted the call climbs back one level at a time",
            "", $"{Insult}; {Insult}; {Insult}; {Insult}; +185s; tick; {Insult}; {Insult}; {Insult}",
            "notice[level_changed] warning[level_changed] final_warning[level_changed,supervisor_needed] end_call_permitted[level_changed,supervisor_needed] notice[level_changed] warning[level_changed] final_warning[level_changed] end_call_permitted[level_changed]"
        },
        {
            "partial strikes are forgotten after a calm period",
            "mild_third", "C final mild; C final mild; +65s; C final mild",
            "none none none"
        },
        {
            "partial strikes are forgotten after calm utterances",
            "mild_third", "C final mild; C final mild; C final clean; C final clean; C final clean; C final mild",
            "none none none none none none"
        },
        {
            "three calm utterances in a row drop the level one step before the calm period",
            "", $"{Insult}; {Insult}; C final clean; C final clean; C final clean",
            "notice[level_changed] warning[level_changed] warning warning notice[level_changed]"
        },
        {
            "after a drop by calm utterances the count starts again",
            "", $"{Insult}; {Insult}; C final clean; C final clean; C final clean; C final clean; C final clean; C final clean",
            "notice[level_changed] warning[level_changed] warning warning notice[level_changed] notice notice none[level_changed]"
        },
        {
            "any strike starts the count of calm utterances again",
            "", $"{Insult}; {Insult}; C final clean; C final clean; C final strong; C final clean; C final clean; C final clean",
            "notice[level_changed] warning[level_changed] warning warning final_warning[level_changed,supervisor_needed] final_warning final_warning warning[level_changed]"
        },
        {
            "a drop by time starts the count of calm utterances again",
            "", $"{Insult}; {Insult}; C final clean; C final clean; +65s; tick; C final clean; C final clean; C final clean",
            "notice[level_changed] warning[level_changed] warning warning notice[level_changed] notice notice none[level_changed]"
        },
        {
            "the number of calm utterances is configurable",
            "calm5", $"{Insult}; C final clean; C final clean; C final clean; C final clean; C final clean",
            "notice[level_changed] notice notice notice notice none[level_changed]"
        },
        {
            "mild swearing is calm; agent chunks and partials do not count",
            "", $"{Insult}; C final mild; A final clean; C partial clean; C final clean; A final clean; C final clean",
            "notice[level_changed] notice notice notice notice notice none[level_changed]"
        },
        {
            "abuse while on hold adds no strike but breaks a run of calm utterances",
            "", $"{Insult}; C final clean; C final clean; A hold; {Insult}; C final clean",
            "notice[level_changed] notice notice notice notice notice"
        },
        {
            "the agent's warning at none starts the count of calm utterances again",
            "", "C final clean; C final clean; A warning_given; C final clean",
            "none none notice[level_changed] notice"
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
            "the agent's abuse of the caller raises coaching, level unchanged, at most once per cooldown",
            "", "A final insult+directed; A final directed+strong; +31s; A final hate",
            "none[coaching] none none[coaching]"
        },
        {
            "the agent swearing at nothing in particular is not coached, strong or mild",
            "", "A final strong \"oh shit, my screen froze\"; A final mild; A final swearing+abusive",
            "none none none"
        },
        {
            "the agent insulting someone not on the call is not coached",
            "", "A final insult \"the courier was an idiot\"",
            "none"
        },
        {
            "the agent threatening the caller is coached",
            "", "A final threat",
            "none[coaching]"
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
            "a call with mild venting only ends quietly",
            "", "C final mild; end completed",
            "none none"
        },
        {
            "a call with strong swearing ends with a word to the team",
            "", "C final strong; end completed",
            "notice[level_changed] notice[call_ended]"
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
        "mild_third" => new EscalationOptions { MildProfanityWeight = 0.34 },
        "calm5" => new EscalationOptions { CalmUtterances = 5 },
        _ => throw new ArgumentException($"Unknown preset '{name}'.", nameof(name)),
    };
}
