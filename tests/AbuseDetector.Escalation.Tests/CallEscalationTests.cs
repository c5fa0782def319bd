using AbuseDetector.Detection;

namespace AbuseDetector.Escalation.Tests;

public sealed class CallEscalationTests
{
    private const string Insult = "C final insult+directed";

    [Fact]
    public void Observe_CleanFinalChunk_ReturnsSharedUnchangedStep()
    {
        // Arrange
        var conversation = new Conversation();
        var chunk = new ChunkSignal(1, CallSpeaker.Customer, true, Conversation.Start, 0, "hello", AbuseFlags.None);

        // Act
        var step = conversation.Escalation.Observe(chunk);

        // Assert
        Assert.Same(EscalationStep.Unchanged(EscalationLevel.None), step);
        Assert.False(step.LevelChanged);
        Assert.Empty(step.Alerts);
    }

    [Fact]
    public void Observe_FirstInsult_AgentAlertWithNoticeScriptAndEvidence()
    {
        // Arrange
        var conversation = new Conversation();
        var chunk = new ChunkSignal(5, CallSpeaker.Customer, true, Conversation.Start.AddSeconds(3), 3000, "you are useless, you idiot",
            AbuseFlags.Insult | AbuseFlags.Directed, Evidence: [new EvidenceSpan(AbuseCategory.Insult, 8, 7, 1f), new EvidenceSpan(AbuseCategory.Insult, 21, 5, 1f)]);

        // Act
        var step = conversation.Escalation.Observe(chunk);

        // Assert
        Assert.True(step.LevelChanged);
        Assert.Equal(EscalationLevel.None, step.PreviousLevel);
        Assert.Equal("I'm happy to help you, but do you realise you are insulting me?", step.RecommendedScript);
        var alert = Assert.Single(step.Alerts);
        Assert.Equal(AlertKind.LevelChanged, alert.Kind);
        Assert.Equal(AlertAudience.Agent, alert.Audience);
        Assert.Equal(AlertSeverity.Info, alert.Severity);
        Assert.Equal(EscalationLevel.Notice, alert.Level);
        Assert.Equal("insult", alert.Category);
        Assert.Equal(["useless", "idiot"], alert.Evidence);
        Assert.Equal(step.RecommendedScript, alert.RecommendedScript);
        Assert.Equal(5UL, alert.Seq);
        Assert.Equal(chunk.At, alert.At);
        Assert.Equal("alert-1", alert.AlertId);
        Assert.Equal("call-1", alert.Call.CallId);
        Assert.Contains("insulted", alert.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Observe_EvidenceSpansInAndOutOfText_CutsAndClipsThem()
    {
        // Arrange
        var conversation = new Conversation();
        var chunk = new ChunkSignal(5, CallSpeaker.Customer, true, Conversation.Start.AddSeconds(3), 3000, "you stupid idiot", AbuseFlags.Insult | AbuseFlags.Directed,
            Evidence:
            [
                new EvidenceSpan(AbuseCategory.Insult, 4, 6, 1f),
                new EvidenceSpan(AbuseCategory.Insult, 11, 50, 1f),
                new EvidenceSpan(AbuseCategory.Directed, 40, 3, 1f),
                new EvidenceSpan(AbuseCategory.Directed, -5, 3, 1f),
                new EvidenceSpan(AbuseCategory.Insult, 11, int.MaxValue, 1f),
            ]);

        // Act
        var step = conversation.Escalation.Observe(chunk);

        // Assert
        Assert.Equal(["stupid", "idiot"], Assert.Single(step.Alerts).Evidence);
    }

    [Fact]
    public void Observe_ShoutingWithoutEvidence_EvidenceIsTruncatedChunkText()
    {
        // Arrange
        var conversation = new Conversation(new EscalationOptions { MaxExcerptLength = 20 });
        var text = "WHY HAS NOBODY CALLED ME BACK ABOUT THIS";

        // Act
        var step = conversation.Escalation.Observe(new ChunkSignal(1, CallSpeaker.Customer, true, Conversation.Start, 0, text, AbuseFlags.None, IsShouting: true));

        // Assert
        var alert = Assert.Single(step.Alerts);
        Assert.Equal("shouting", alert.Category);
        Assert.Equal(["WHY HAS NOBODY CALL…"], alert.Evidence);
        Assert.Equal("I'm happy to help you, but do you realise you are shouting at me?", alert.RecommendedScript);
    }

    [Fact]
    public void Observe_ThreeMildLinesWeighingAThirdEach_EvidenceOfAllThreeOnTheNotice()
    {
        // Arrange
        var conversation = new Conversation(new EscalationOptions { MildProfanityWeight = 0.34 });
        conversation.Play("C final mild \"this bloody printer\"; C final mild \"bloody thing\"");

        // Act
        conversation.Play("C final mild \"damn it all\"");

        // Assert
        var alert = Assert.Single(conversation.Steps[^1].Alerts);
        Assert.Equal(["this bloody printer", "bloody thing", "damn it all"], alert.Evidence);
        Assert.Equal("I'm happy to help you, but do you realise you are swearing?", alert.RecommendedScript);
    }

    [Fact]
    public void Observe_StrongSwearingAtASituation_NoticeForSwearing()
    {
        // Arrange
        var conversation = new Conversation();

        // Act
        conversation.Play("C final strong \"fuck this printer\"");

        // Assert
        var alert = Assert.Single(conversation.Steps[^1].Alerts);
        Assert.Equal(EscalationLevel.Notice, alert.Level);
        Assert.Equal("swearing", alert.Category);
        Assert.Equal("The level rose from none to notice: the caller was swearing.", alert.Reason);
        Assert.Equal("I'm happy to help you, but do you realise you are swearing?", alert.RecommendedScript);
        Assert.True(conversation.Escalation.HadAbuse);
    }

    [Fact]
    public void Observe_ShoutedInsultOfSomeoneNotOnTheCall_NamedForTheShoutingOnly()
    {
        // Arrange
        var conversation = new Conversation();

        // Act
        conversation.Play("C final insult+abusive+shout \"MY NEIGHBOUR IS AN IDIOT\"; end completed");

        // Assert
        var alert = Assert.Single(conversation.Steps[0].Alerts);
        Assert.Equal("shouting", alert.Category);
        Assert.Equal("I'm happy to help you, but do you realise you are shouting at me?", alert.RecommendedScript);
        Assert.Equal("shouting", Assert.Single(conversation.Steps[1].Alerts).Category);
    }

    [Fact]
    public void Observe_ReportedSwearingAndInsultOfSomeoneNotOnTheCall_RecordedButNoAbuse()
    {
        // Arrange
        var conversation = new Conversation();

        // Act
        conversation.Play("C final swearing+insult+abusive \"he called me a fucking idiot\"; end completed");

        // Assert
        Assert.Equal(EscalationLevel.None, conversation.Escalation.HighestLevel);
        Assert.False(conversation.Escalation.HadAbuse);
        Assert.All(conversation.Steps, s => Assert.Empty(s.Alerts));
    }

    [Fact]
    public void Observe_ReachingFinalWarning_LevelAlertToAgentAndTeamAndSupervisorWarning()
    {
        // Arrange
        var conversation = new Conversation();
        conversation.Play($"{Insult}; {Insult}");

        // Act
        conversation.Play(Insult);

        // Assert
        var step = conversation.Steps[^1];
        Assert.Equal("If you continue insulting me, I will have no option but to end the call.", step.RecommendedScript);
        Assert.Equal(AlertAudience.AgentAndTeam, step.Alerts[0].Audience);
        Assert.Equal(AlertSeverity.Warning, step.Alerts[0].Severity);
        var supervisor = step.Alerts[1];
        Assert.Equal(AlertKind.SupervisorNeeded, supervisor.Kind);
        Assert.Equal(AlertAudience.Team, supervisor.Audience);
        Assert.Equal(AlertSeverity.Warning, supervisor.Severity);
        Assert.Equal(EscalationLevel.FinalWarning, supervisor.Level);
    }

    [Fact]
    public void Observe_ReachingEndCallPermitted_CriticalAlertsAndClosingScript()
    {
        // Arrange
        var conversation = new Conversation();
        conversation.Play($"{Insult}; {Insult}; {Insult}");

        // Act
        conversation.Play(Insult);

        // Assert
        var step = conversation.Steps[^1];
        Assert.Contains("Please call back when you are ready to talk this through calmly", step.RecommendedScript, StringComparison.Ordinal);
        Assert.All(step.Alerts, a => Assert.Equal(AlertSeverity.Critical, a.Severity));
        Assert.Equal(AlertKind.SupervisorNeeded, step.Alerts[1].Kind);
        Assert.Equal(AlertAudience.Team, step.Alerts[1].Audience);
    }

    [Fact]
    public void Observe_SupervisorAtLevelWarning_TeamToldAtWarning()
    {
        // Arrange
        var conversation = new Conversation(new EscalationOptions { SupervisorAtLevel = EscalationLevel.Warning });

        // Act
        var trace = conversation.Play($"{Insult}; {Insult}; {Insult}");

        // Assert
        Assert.Equal("notice[level_changed] warning[level_changed,supervisor_needed] final_warning[level_changed]", trace);
    }

    [Fact]
    public void Observe_Threat_CriticalAlertToAgentAndTeamWithEvidence()
    {
        // Arrange
        var conversation = new Conversation();

        // Act
        conversation.Play("C final threat \"I know where you live\"");

        // Assert
        var threat = conversation.Steps[^1].Alerts[0];
        Assert.Equal(AlertKind.Threat, threat.Kind);
        Assert.Equal(AlertSeverity.Critical, threat.Severity);
        Assert.Equal(AlertAudience.AgentAndTeam, threat.Audience);
        Assert.Equal("threat", threat.Category);
        Assert.Equal(["I know where you live"], threat.Evidence);
        Assert.Equal(EscalationLevel.EndCallPermitted, conversation.Escalation.Level);
    }

    [Fact]
    public void Observe_ThreatUnderTheCriticalBar_FullStrikeWithoutThreatAlert()
    {
        // Arrange: flagged by the classifier at 0.48, under the protocol's bar of 0.5.
        var conversation = new Conversation();
        var scores = new AbuseScores([0.1f, 0.1f, 0.48f, 0.0f, 0.6f, 0.2f], AbuseFlags.Threat | AbuseFlags.Abusive);
        var flags = ChunkSignal.ProtocolFlags(scores, conversation.Options.ThreatMinProbability);

        // Act
        var step = conversation.Escalation.Observe(new ChunkSignal(1, CallSpeaker.Customer, true, Conversation.Start, 0, "you'll see what happens", flags));

        // Assert
        var alert = Assert.Single(step.Alerts);
        Assert.Equal(AlertKind.LevelChanged, alert.Kind);
        Assert.Equal(EscalationLevel.Notice, alert.Level);
        Assert.Equal("abuse", alert.Category);
    }

    [Fact]
    public void Observe_ThreatLevelConfigured_ThreatMovesOnlyThere()
    {
        // Arrange
        var conversation = new Conversation(new EscalationOptions { ThreatLevel = EscalationLevel.Warning });

        // Act
        var trace = conversation.Play("C final threat");

        // Assert
        Assert.Equal("warning[threat,level_changed]", trace);
    }

    [Fact]
    public void Observe_ReplayedFinalSeq_CountsOnce()
    {
        // Arrange
        var conversation = new Conversation();
        var chunk = new ChunkSignal(4, CallSpeaker.Customer, true, Conversation.Start, 0, "idiot", AbuseFlags.Insult | AbuseFlags.Directed);
        conversation.Escalation.Observe(chunk);

        // Act
        var replay = conversation.Escalation.Observe(chunk with { At = chunk.At.AddSeconds(1) });

        // Assert
        Assert.False(replay.LevelChanged);
        Assert.Equal(EscalationLevel.Notice, conversation.Escalation.Level);
    }

    [Fact]
    public void Advance_AfterCalmPeriod_InfoAlertToAgentWithNoScript()
    {
        // Arrange
        var conversation = new Conversation(new EscalationOptions { CalmPeriod = TimeSpan.FromSeconds(20) });
        conversation.Play($"{Insult}; {Insult}");

        // Act
        var step = conversation.Escalation.Advance(conversation.Now.AddSeconds(25));

        // Assert
        Assert.Equal(EscalationLevel.Notice, step.Level);
        Assert.Equal(EscalationLevel.Warning, step.PreviousLevel);
        Assert.Equal(string.Empty, step.RecommendedScript);
        var alert = Assert.Single(step.Alerts);
        Assert.Equal(AlertSeverity.Info, alert.Severity);
        Assert.Equal(AlertAudience.Agent, alert.Audience);
        Assert.Equal(EscalationLevel.Notice, alert.Level);
        Assert.Equal(EscalationLevel.Warning, conversation.Escalation.HighestLevel);
    }

    [Fact]
    public void Observe_ThirdCalmUtterance_InfoAlertToAgentAndCalmPeriodCountedFromTheDrop()
    {
        // Arrange
        var conversation = new Conversation();
        conversation.Play($"{Insult}; {Insult}; C final clean; C final clean");

        // Act
        conversation.Play("C final clean");

        // Assert
        var step = conversation.Steps[^1];
        Assert.Equal((EscalationLevel.Warning, EscalationLevel.Notice), (step.PreviousLevel, step.Level));
        Assert.Equal(string.Empty, step.RecommendedScript);
        Assert.Contains("calmed down", step.Reason, StringComparison.Ordinal);
        var alert = Assert.Single(step.Alerts);
        Assert.Equal((AlertKind.LevelChanged, AlertSeverity.Info, AlertAudience.Agent), (alert.Kind, alert.Severity, alert.Audience));
        Assert.Equal(conversation.Now - TimeSpan.FromSeconds(1) + conversation.Options.CalmPeriod, conversation.Escalation.NextCalmStepAt);
    }

    [Fact]
    public void OnAgentAction_WarningGivenAtNone_NoticeWithoutScript()
    {
        // Arrange
        var conversation = new Conversation();

        // Act
        var step = conversation.Escalation.OnAgentAction(AgentActionKind.WarningGiven, 3, Conversation.Start, null);

        // Assert
        Assert.Equal(EscalationLevel.Notice, step.Level);
        Assert.Equal(string.Empty, step.RecommendedScript);
        Assert.Equal(AlertAudience.Agent, Assert.Single(step.Alerts).Audience);
        Assert.True(conversation.Escalation.HadAbuse);
    }

    [Fact]
    public void OnAgentAction_SupervisorRequested_WarningToTeamOnly()
    {
        // Arrange
        var conversation = new Conversation();

        // Act
        var step = conversation.Escalation.OnAgentAction(AgentActionKind.SupervisorRequested, 3, Conversation.Start, null);

        // Assert
        var alert = Assert.Single(step.Alerts);
        Assert.Equal(AlertKind.SupervisorNeeded, alert.Kind);
        Assert.Equal(AlertAudience.Team, alert.Audience);
        Assert.Equal(AlertSeverity.Warning, alert.Severity);
        Assert.Equal(3UL, alert.Seq);
    }

    [Fact]
    public void Observe_AgentInsult_CoachingForTeamOnly()
    {
        // Arrange
        var conversation = new Conversation();

        // Act
        conversation.Play("A final insult+directed \"you're an idiot, sir\"");

        // Assert
        var step = conversation.Steps[^1];
        var alert = Assert.Single(step.Alerts);
        Assert.Equal(AlertKind.Coaching, alert.Kind);
        Assert.Equal(AlertAudience.Team, alert.Audience);
        Assert.False(alert.Audience.HasFlag(AlertAudience.Agent));
        Assert.Equal(AlertSeverity.Warning, alert.Severity);
        Assert.Equal("insult", alert.Category);
        Assert.Equal(EscalationLevel.None, conversation.Escalation.Level);
        Assert.False(conversation.Escalation.HadAbuse);
    }

    [Fact]
    public void End_AfterAbuse_CallEndedToTeam()
    {
        // Arrange
        var conversation = new Conversation();
        conversation.Play($"{Insult}; {Insult}; {Insult}");

        // Act
        var step = conversation.Escalation.End(CallEndReason.CallerHungUp, conversation.Now);

        // Assert
        var alert = Assert.Single(step.Alerts);
        Assert.Equal(AlertKind.CallEnded, alert.Kind);
        Assert.Equal(AlertAudience.Team, alert.Audience);
        Assert.Equal(AlertSeverity.Warning, alert.Severity);
        Assert.Equal("insult", alert.Category);
        Assert.Equal(0UL, alert.Seq);
        Assert.True(conversation.Escalation.IsEnded);
    }

    [Fact]
    public void Constructor_TenantOverride_ScriptFromTenantLanguageWithFallbackPerLine()
    {
        // Arrange
        var book = new ScriptBook(new Dictionary<string, ScriptSet>
        {
            ["acme/en"] = new() { Notice = "Sorry to interrupt: are you aware you are {behaviour}?" },
            ["*/fr"] = new() { Notice = "Vous rendez-vous compte que vous {behaviour} ?", Behaviours = { ["insult"] = "m'insultez" } },
        });
        var acme = new Conversation(scripts: book, call: Conversation.Participants("acme", "en-GB"));
        var globex = new Conversation(scripts: book, call: Conversation.Participants("globex", "fr-FR"));

        // Act
        acme.Play($"{Insult}; {Insult}");
        globex.Play(Insult);

        // Assert
        Assert.Equal("Sorry to interrupt: are you aware you are insulting me?", acme.Steps[0].RecommendedScript);
        Assert.Equal("I am asking you to please stop insulting me.", acme.Steps[1].RecommendedScript);
        Assert.Equal("Vous rendez-vous compte que vous m'insultez ?", globex.Steps[0].RecommendedScript);
    }

    [Fact]
    public void Observe_CardNumberInEvidence_RedactedInAlertAndTimeline()
    {
        // Arrange
        var conversation = new Conversation();

        // Act
        conversation.Play("C final insult+directed \"you idiot, my card is 4111 1111 1111 1111 and my phone 0207-946-0958\"; C final insult+directed; C final insult+directed");

        // Assert
        var expected = "you idiot, my card is #### #### #### #### and my phone ####-###-####";
        Assert.Equal([expected], conversation.Steps[0].Alerts[0].Evidence);
        Assert.Equal(expected, conversation.Escalation.Incident!.Timeline[0].Excerpt);
    }

    [Fact]
    public void Observe_RedactionOff_DigitsKept()
    {
        // Arrange
        var conversation = new Conversation(new EscalationOptions { RedactDigits = false });

        // Act
        conversation.Play("C final insult+directed \"card 4111 1111 1111 1111\"");

        // Assert
        Assert.Equal(["card 4111 1111 1111 1111"], conversation.Steps[0].Alerts[0].Evidence);
    }
}
