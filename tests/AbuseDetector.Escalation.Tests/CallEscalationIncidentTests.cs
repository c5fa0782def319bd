using AbuseDetector.Detection;
namespace AbuseDetector.Escalation.Tests;

public sealed class CallEscalationIncidentTests
{
    private const string Insult = "C final insult+directed";

    [Fact]
    public void Incident_BeforeFinalWarning_IsNull()
    {
        // Arrange
        var conversation = new Conversation();

        // Act
        conversation.Play($"{Insult}; {Insult}");

        // Assert
        Assert.Equal(EscalationLevel.Warning, conversation.Escalation.Level);
        Assert.Null(conversation.Escalation.Incident);
    }

    [Fact]
    public void Incident_AtFinalWarning_OngoingWithTimelineAndWarnings()
    {
        // Arrange
        var conversation = new Conversation();

        // Act
        conversation.Play($"C final mild \"bloody printer\"; C final clean; {Insult}; A warning_given; C final shout; A final insult+directed \"oh you muppet\"; {Insult}");

        // Assert
        var incident = conversation.Escalation.Incident;
        Assert.NotNull(incident);
        Assert.Equal(IncidentOutcome.Ongoing, incident.Outcome);
        Assert.Equal(EscalationLevel.FinalWarning, incident.HighestLevel);
        Assert.Equal(Conversation.Start, incident.StartedAt);
        Assert.Equal(TimeSpan.FromSeconds(6), incident.Duration);
        Assert.True(incident.SupervisorAlerted);
        Assert.False(incident.ThreatRaised);

        Assert.Equal(["customer", "customer", "customer", "agent", "customer"], incident.Timeline.Select(u => u.Speaker));
        Assert.Equal([1UL, 3UL, 5UL, 6UL, 7UL], incident.Timeline.Select(u => u.Seq));
        Assert.Equal(["swearing"], incident.Timeline[0].Categories);
        Assert.Equal(["insult", "directed"], incident.Timeline[1].Categories);
        Assert.Equal(["shouting"], incident.Timeline[2].Categories);
        Assert.Equal("bloody printer", incident.Timeline[0].Excerpt);
        Assert.Equal("oh you muppet", incident.Timeline[3].Excerpt);
        Assert.Equal(
            [EscalationLevel.None, EscalationLevel.Notice, EscalationLevel.Warning, EscalationLevel.Warning, EscalationLevel.FinalWarning],
            incident.Timeline.Select(u => u.LevelAfter));
        Assert.Equal(2000UL, incident.Timeline[1].OffsetMs);

        Assert.Equal(
            [(EscalationLevel.Notice, false), (EscalationLevel.Notice, true), (EscalationLevel.Warning, false), (EscalationLevel.FinalWarning, false)],
            incident.Warnings.Select(w => (w.Level, w.GivenByAgent)));
        Assert.Equal("asked to stop", incident.Warnings[1].Script);
        Assert.Equal("I am asking you to please stop shouting at me.", incident.Warnings[2].Script);
    }

    [Fact]
    public void Incident_AfterEnd_OutcomeAndDurationFixed()
    {
        // Arrange
        var conversation = new Conversation();
        conversation.Play($"{Insult}; {Insult}; {Insult}; +100s");

        // Act
        conversation.Escalation.End(CallEndReason.AgentEnded, conversation.Now);
        var incident = conversation.Escalation.Incident;
        conversation.Escalation.Advance(conversation.Now.AddMinutes(10));

        // Assert
        Assert.NotNull(incident);
        Assert.Equal(IncidentOutcome.EndedByAgent, incident.Outcome);
        Assert.Equal(TimeSpan.FromSeconds(103), incident.Duration);
        Assert.Equal(incident.EndedAt, conversation.Escalation.Incident!.EndedAt);
    }

    [Fact]
    public void Incident_EndAfterNoticeOnly_CreatedWithOutcome()
    {
        // Arrange
        var conversation = new Conversation();
        conversation.Play(Insult);
        Assert.Null(conversation.Escalation.Incident);

        // Act
        conversation.Play("end hung_up");

        // Assert
        var incident = conversation.Escalation.Incident;
        Assert.NotNull(incident);
        Assert.Equal(IncidentOutcome.CallerHungUp, incident.Outcome);
        Assert.Equal(EscalationLevel.Notice, incident.HighestLevel);
        Assert.Single(incident.Timeline);
        Assert.False(incident.SupervisorAlerted);
    }

    [Fact]
    public void Incident_PartialThreatThenHangUp_CreatedWithThreat()
    {
        // Arrange
        var conversation = new Conversation();

        // Act
        conversation.Play("C partial threat; end dropped");

        // Assert
        var incident = conversation.Escalation.Incident;
        Assert.NotNull(incident);
        Assert.True(incident.ThreatRaised);
        Assert.True(incident.SupervisorAlerted);
        Assert.Equal(IncidentOutcome.Dropped, incident.Outcome);
    }

    [Theory]
    [InlineData("C final clean; A final clean; end completed")]
    [InlineData("C final mild; C final mild; end completed")]
    [InlineData("C final insult+abusive; C final swearing+insult; end completed")] // someone not on the call; reported swearing
    [InlineData("A final strong; end completed")]
    [InlineData("C partial insult; end completed")]
    public void Incident_CallWithoutAbuse_IsNull(string script)
    {
        // Arrange
        var conversation = new Conversation();

        // Act
        conversation.Play(script);

        // Assert
        Assert.True(conversation.Escalation.IsEnded);
        Assert.False(conversation.Escalation.HadAbuse);
        Assert.Null(conversation.Escalation.Incident);
    }

    [Fact]
    public void Incident_AfterCalming_KeepsHighestLevel()
    {
        // Arrange
        var conversation = new Conversation();

        // Act
        conversation.Play($"{Insult}; {Insult}; {Insult}; +300s; tick; end completed");

        // Assert
        Assert.Equal(EscalationLevel.None, conversation.Escalation.Level);
        Assert.Equal(EscalationLevel.FinalWarning, conversation.Escalation.Incident!.HighestLevel);
    }

    [Fact]
    public void Incident_AgentNote_Redacted()
    {
        // Arrange
        var conversation = new Conversation();
        conversation.Play($"{Insult}; {Insult}; {Insult}");

        // Act
        conversation.Escalation.OnAgentAction(AgentActionKind.WarningGiven, 9, conversation.Now, "caller gave card 5500 0000 0000 0004");

        // Assert
        Assert.Equal("caller gave card #### #### #### ####", conversation.Escalation.Incident!.Warnings[^1].Script);
    }

    [Fact]
    public void OnSupervisorResponse_BeforeAndAfterFinalWarning_BothKeptInOrderWithWhoAndWhen()
    {
        // Arrange
        var conversation = new Conversation();
        conversation.Play(Insult);
        var acknowledgedAt = Conversation.Start.AddSeconds(30);

        // Act
        var acknowledged = conversation.Escalation.OnSupervisorResponse("Alex", joining: false, "alert-1", acknowledgedAt);
        conversation.Play($"{Insult}; {Insult}; {Insult}");
        var joined = conversation.Escalation.OnSupervisorResponse("Sam", joining: true, "", acknowledgedAt.AddSeconds(40));

        // Assert
        Assert.Equal(AlertKind.SupervisorAcknowledged, Assert.Single(acknowledged.Alerts).Kind);
        var joining = Assert.Single(joined.Alerts);
        Assert.Equal(AlertKind.SupervisorJoining, joining.Kind);
        Assert.Equal(AlertAudience.AgentAndTeam, joining.Audience);
        Assert.Equal("Sam", joining.Responder);
        Assert.Contains("Sam", joining.Reason, StringComparison.Ordinal);
        Assert.False(joined.LevelChanged);
        var incident = conversation.Escalation.Incident;
        Assert.NotNull(incident);
        Assert.Equal(
            [new IncidentSupervisorResponse("Alex", false, acknowledgedAt, "alert-1"), new IncidentSupervisorResponse("Sam", true, acknowledgedAt.AddSeconds(40), "")],
            incident.SupervisorResponses);
    }

    [Fact]
    public void OnSupervisorResponse_CallEnded_Unchanged()
    {
        // Arrange
        var conversation = new Conversation();
        conversation.Escalation.End(CallEndReason.Completed, Conversation.Start);

        // Act
        var step = conversation.Escalation.OnSupervisorResponse("Alex", joining: true, "", Conversation.Start.AddSeconds(1));

        // Assert
        Assert.Same(EscalationStep.Unchanged(EscalationLevel.None), step);
    }

    [Fact]
    public void Incident_FlaggedUtteranceWithSpans_KeepsTheFlaggedWordsRedactedForHighlighting()
    {
        // Arrange: card digits inside a flagged span are hidden there as in the excerpt.
        var conversation = new Conversation();
        const string Text = "you useless idiot, card 4111 1111";
        var chunk = new ChunkSignal(1, CallSpeaker.Customer, true, Conversation.Start.AddSeconds(1), 1000, Text, AbuseFlags.Insult | AbuseFlags.Directed,
            Evidence: [new EvidenceSpan(AbuseCategory.Insult, 4, 7, 1f), new EvidenceSpan(AbuseCategory.Insult, 12, 5, 0.9f), new EvidenceSpan(AbuseCategory.Insult, 24, 9, 0.1f)]);

        // Act
        conversation.Escalation.Observe(chunk);
        conversation.Escalation.End(CallEndReason.Completed, Conversation.Start.AddSeconds(2));

        // Assert
        var utterance = Assert.Single(conversation.Escalation.Incident!.Timeline);
        Assert.Equal(["useless", "idiot", "#### ####"], utterance.Evidence);
    }
}
