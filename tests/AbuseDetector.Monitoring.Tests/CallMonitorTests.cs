using AbuseDetector.Detection;
using AbuseDetector.Escalation;

namespace AbuseDetector.Monitoring.Tests;

public sealed class CallMonitorTests(DefaultModel model) : IClassFixture<DefaultModel>
{
    private readonly AbuseClassifier _classifier = model.Classifier;
    private readonly Monitors _monitors = new(model.Classifier);

    [Fact]
    public void StrongestSpans_OverlappingAndWeak_KeepsTheThreeStrongestApartInTextOrder()
    {
        // Arrange: "you" (0-3), "fucking" (4-11), "fucking useless" (4-19), "useless" (12-19), "idiot" (20-25), "lot" (26-29).
        EvidenceSpan[] spans =
        [
            new(AbuseCategory.Abusive, 0, 3, 0.2f),
            new(AbuseCategory.Swearing, 4, 7, 0.9f),
            new(AbuseCategory.Insult, 4, 15, 0.95f),
            new(AbuseCategory.Insult, 12, 7, 0.5f),
            new(AbuseCategory.Insult, 20, 5, 0.7f),
            new(AbuseCategory.Directed, 26, 3, 0.1f),
        ];

        // Act
        var chosen = CallMonitor.StrongestSpans(spans);

        // Assert
        Assert.Equal([(0, 3), (4, 15), (20, 5)], chosen.Select(s => (s.Start, s.Length)));
    }

    [Fact]
    public void StrongestSpans_None_Empty()
    {
        Assert.Empty(CallMonitor.StrongestSpans([]));
    }

    [Fact]
    public async Task Assess_CallerThreatens_RaisesCriticalThreatAlertAndPermitsEndingTheCall()
    {
        // Arrange
        var monitor = await _monitors.StartAsync();
        await using var team = AlertInbox.Team(_monitors.Alerts, Monitors.Call);

        // Act
        var outcome = monitor.Assess(Monitors.Said(1, Monitors.Threat));

        // Assert
        var assessment = Assert.IsType<ChunkAssessment>(outcome);
        Assert.Equal(EscalationLevel.EndCallPermitted, assessment.Step.Level);
        Assert.Equal(EscalationLevel.EndCallPermitted, monitor.Level);
        var threat = Assert.Single(await team.DrainAsync(), a => a.Kind == AlertKind.Threat);
        Assert.Equal(AlertSeverity.Critical, threat.Severity);
        Assert.Equal(AlertAudience.AgentAndTeam, threat.Audience);
        Assert.Equal(1UL, threat.Seq);
    }

    [Fact]
    public async Task Assess_CleanChunk_ChangesNothing()
    {
        // Arrange
        var monitor = await _monitors.StartAsync();
        await using var team = AlertInbox.Team(_monitors.Alerts, Monitors.Call);
        await using var agent = AlertInbox.Agent(_monitors.Alerts, Monitors.Call);

        // Act
        var assessment = Assert.IsType<ChunkAssessment>(monitor.Assess(Monitors.Said(1, Monitors.Clean)));

        // Assert
        Assert.Equal(AbuseFlags.None, assessment.Classification.Flags);
        Assert.False(assessment.Step.LevelChanged);
        Assert.Empty(assessment.Step.Alerts);
        Assert.Equal(EscalationLevel.None, monitor.Level);
        Assert.Null(monitor.TimeUntilNextCalmStep());
        Assert.Empty(await team.DrainAsync());
        Assert.Empty(await agent.DrainAsync());
    }

    [Theory]
    [InlineData(5UL)]
    [InlineData(4UL)]
    public async Task Assess_SeqNotPastLastFinal_RejectedAndCallUnchanged(ulong seq)
    {
        // Arrange
        var monitor = await _monitors.StartAsync();
        monitor.Assess(Monitors.Said(5, Monitors.Clean));
        await using var team = AlertInbox.Team(_monitors.Alerts, Monitors.Call);

        // Act
        var outcome = monitor.Assess(Monitors.Said(seq, Monitors.Threat));

        // Assert
        var rejection = Assert.IsType<ChunkRejection>(outcome);
        Assert.Equal(seq, rejection.Seq);
        Assert.Contains("seq went backwards", rejection.Reason, StringComparison.Ordinal);
        Assert.Equal(EscalationLevel.None, monitor.Level);
        Assert.Empty(await team.DrainAsync());
    }

    [Fact]
    public async Task Assess_SeqPastLastFinal_Accepted()
    {
        // Arrange
        var monitor = await _monitors.StartAsync();
        monitor.Assess(Monitors.Said(5, Monitors.Clean));

        // Act
        var outcome = monitor.Assess(Monitors.Said(6, Monitors.Threat));

        // Assert
        Assert.IsType<ChunkAssessment>(outcome);
        Assert.Equal(EscalationLevel.EndCallPermitted, monitor.Level);
    }

    [Fact]
    public async Task Assess_TextLongerThanLimit_Rejected()
    {
        // Arrange
        var monitor = await _monitors.StartAsync();

        // Act
        var outcome = monitor.Assess(Monitors.Said(1, new string('a', Monitors.MaxTextLength + 1)));

        // Assert
        var rejection = Assert.IsType<ChunkRejection>(outcome);
        Assert.Contains(Monitors.MaxTextLength.ToString(System.Globalization.CultureInfo.InvariantCulture), rejection.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Assess_TextAtLimit_Accepted()
    {
        // Arrange
        var monitor = await _monitors.StartAsync();

        // Act
        var outcome = monitor.Assess(Monitors.Said(1, new string('a', Monitors.MaxTextLength)));

        // Assert
        Assert.IsType<ChunkAssessment>(outcome);
    }

    [Fact]
    public async Task Assess_OddLengthPcm16_Rejected()
    {
        // Arrange
        var monitor = await _monitors.StartAsync();
        var chunk = Monitors.Said(1, Monitors.Clean) with { Pcm16 = new byte[3] };

        // Act
        var outcome = monitor.Assess(chunk);

        // Assert
        var rejection = Assert.IsType<ChunkRejection>(outcome);
        Assert.Contains("pcm16", rejection.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Assess_EvenLengthPcm16WithoutLevel_MeasuresTheAudio()
    {
        // Arrange: a square wave at half of full scale reads 20·log10(0.5) ≈ -6.02 dBFS.
        var monitor = await _monitors.StartAsync();
        var pcm = new byte[400];
        for (var i = 0; i < pcm.Length; i += 2)
        {
            var sample = (short)(i % 4 == 0 ? 16384 : -16384);
            pcm[i] = (byte)sample;
            pcm[i + 1] = (byte)(sample >> 8);
        }

        // Act
        var outcome = monitor.Assess(Monitors.Said(1, Monitors.Clean) with { Pcm16 = pcm });

        // Assert
        var assessment = Assert.IsType<ChunkAssessment>(outcome);
        Assert.NotNull(assessment.Shouting.LoudnessDbfs);
        Assert.Equal(-6.02f, assessment.Shouting.LoudnessDbfs.Value, 0.01f);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    [InlineData(85f)]
    [InlineData(0.5f)]
    [InlineData(-121f)]
    public async Task Assess_LoudnessNoMicrophoneCanReport_Rejected(float loudnessDbfs)
    {
        // Arrange
        var monitor = await _monitors.StartAsync();

        // Act
        var outcome = monitor.Assess(Monitors.Heard(1, loudnessDbfs));

        // Assert
        var rejection = Assert.IsType<ChunkRejection>(outcome);
        Assert.Contains("loudness_dbfs", rejection.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-120f)]
    [InlineData(0f)]
    public async Task Assess_LoudnessAtEitherEndOfTheScale_Accepted(float loudnessDbfs)
    {
        // Arrange
        var monitor = await _monitors.StartAsync();

        // Act
        var outcome = monitor.Assess(Monitors.Heard(1, loudnessDbfs));

        // Assert
        var assessment = Assert.IsType<ChunkAssessment>(outcome);
        Assert.Equal(loudnessDbfs, assessment.Shouting.LoudnessDbfs);
    }

    [Fact]
    public async Task Assess_AfterRejectedImpossibleLevel_SustainedLoudUtterancesStillShouting()
    {
        // Arrange: had +85 dBFS reached the baseline, nothing the caller said afterwards could be 10 dB above it.
        var monitor = await _monitors.StartAsync();
        var rejected = monitor.Assess(Monitors.Heard(1, 85f));
        for (ulong seq = 2; seq <= 4; seq++)
        {
            monitor.Assess(Monitors.Heard(seq, -30f));
        }

        // Act
        var firstLoud = Assert.IsType<ChunkAssessment>(monitor.Assess(Monitors.Heard(5, -12f)));
        var secondLoud = Assert.IsType<ChunkAssessment>(monitor.Assess(Monitors.Heard(6, -12f)));

        // Assert
        Assert.IsType<ChunkRejection>(rejected);
        Assert.Equal(-30f, secondLoud.Shouting.BaselineDbfs, 0.5f);
        Assert.True(firstLoud.Shouting.IsLoud);
        Assert.False(firstLoud.Shouting.IsShouting);
        Assert.True(secondLoud.Shouting.IsShouting);
        Assert.Equal(EscalationLevel.Notice, monitor.Level);
    }

    [Fact]
    public async Task Assess_PartialChunks_DoNotFeedTheBaseline()
    {
        // Arrange
        var monitor = await _monitors.StartAsync();
        for (ulong seq = 1; seq <= 4; seq++)
        {
            monitor.Assess(Monitors.Heard(seq, -30f, isFinal: false));
        }

        // Act
        var final = Assert.IsType<ChunkAssessment>(monitor.Assess(Monitors.Heard(5, -30f)));

        // Assert: the baseline before the first final utterance is still unknown.
        Assert.True(float.IsNaN(final.Shouting.BaselineDbfs));
    }

    [Fact]
    public async Task Assess_LoudPartials_DoNotCountTowardsSustainedShouting()
    {
        // Arrange: a warm baseline, then one loud utterance delivered as three partials and its final.
        var monitor = await _monitors.StartAsync();
        Monitors.WarmUp(monitor, -30f);

        var partials = new List<ChunkAssessment>();
        for (ulong seq = 4; seq <= 6; seq++)
        {
            partials.Add(Assert.IsType<ChunkAssessment>(monitor.Assess(Monitors.Heard(seq, -12f, isFinal: false))));
        }

        // Act
        var final = Assert.IsType<ChunkAssessment>(monitor.Assess(Monitors.Heard(7, -12f)));

        // Assert
        Assert.All(partials, p => Assert.True(p.Shouting.IsLoud));
        Assert.All(partials, p => Assert.False(p.Shouting.IsShouting));
        Assert.True(final.Shouting.IsLoud);
        Assert.False(final.Shouting.IsShouting);
        Assert.Equal(EscalationLevel.None, monitor.Level);
    }

    [Fact]
    public async Task Assess_AgentInsultsCaller_CallerLevelUnchangedAndTeamCoached()
    {
        // Arrange
        var monitor = await _monitors.StartAsync();
        await using var team = AlertInbox.Team(_monitors.Alerts, Monitors.Call);

        // Act
        var assessment = Assert.IsType<ChunkAssessment>(monitor.Assess(Monitors.Said(1, Monitors.Insult, CallSpeaker.Agent)));

        // Assert
        Assert.NotEqual(AbuseFlags.None, assessment.Classification.Flags);
        Assert.Equal(EscalationLevel.None, monitor.Level);
        Assert.Equal(EscalationLevel.None, monitor.HighestLevel);
        Assert.Equal([AlertKind.Coaching], (await team.DrainAsync()).Select(a => a.Kind));
    }

    [Fact]
    public async Task Assess_CallerSwearsStronglyAtASituation_NoticeForSwearing()
    {
        // Arrange
        var monitor = await _monitors.StartAsync();
        await using var agent = AlertInbox.Agent(_monitors.Alerts, Monitors.Call);

        // Act
        var assessment = Assert.IsType<ChunkAssessment>(monitor.Assess(Monitors.Said(1, "fuck this fucking printer")));

        // Assert
        Assert.Equal(ProfanityStrength.Strong, assessment.Classification.Profanity);
        Assert.Equal(EscalationLevel.Notice, monitor.Level);
        var alert = Assert.Single(await agent.DrainAsync());
        Assert.Equal("swearing", alert.Category);
        Assert.Equal("I'm happy to help you, but do you realise you are swearing?", alert.RecommendedScript);
    }

    [Fact]
    public async Task Assess_CallerVentsInMildWords_NoEscalation()
    {
        // Arrange
        var monitor = await _monitors.StartAsync();
        await using var agent = AlertInbox.Agent(_monitors.Alerts, Monitors.Call);

        // Act
        var assessments = new List<ChunkAssessment>();
        for (ulong seq = 1; seq <= 3; seq++)
        {
            assessments.Add(Assert.IsType<ChunkAssessment>(monitor.Assess(Monitors.Said(seq, "this bloody printer keeps jamming"))));
        }

        // Assert
        Assert.All(assessments, a => Assert.Equal(ProfanityStrength.Mild, a.Classification.Profanity));
        Assert.Equal(EscalationLevel.None, monitor.HighestLevel);
        Assert.Empty(await agent.DrainAsync());
    }

    [Fact]
    public async Task Assess_ThreatUnderTheProtocolsBar_FullStrikeWithoutTheCriticalPath()
    {
        // Arrange: a bar only certainty reaches, and a veiled threat the model flags without certainty.
        _monitors.Escalation.ThreatMinProbability = 1.0;
        var monitor = await _monitors.StartAsync();
        await using var team = AlertInbox.Team(_monitors.Alerts, Monitors.Call);

        // Act
        var assessment = Assert.IsType<ChunkAssessment>(monitor.Assess(Monitors.Said(1, "people like you get hurt")));

        // Assert
        Assert.True(assessment.Classification.Scores.IsFlagged(AbuseCategory.Threat));
        Assert.True(assessment.Classification.Scores[AbuseCategory.Threat] < 1f);
        Assert.Equal(EscalationLevel.Notice, monitor.Level);
        Assert.Empty(await team.DrainAsync());
    }

    [Theory]
    [InlineData("oh shit, sorry, my system just crashed")]
    [InlineData("fuck, sorry, wrong button")]
    [InlineData("bloody hell, this system is slow today, bear with me")]
    public async Task Assess_AgentSwearsAtNothingInParticular_NoCoaching(string text)
    {
        // Arrange
        var monitor = await _monitors.StartAsync();
        await using var team = AlertInbox.Team(_monitors.Alerts, Monitors.Call);

        // Act
        var assessment = Assert.IsType<ChunkAssessment>(monitor.Assess(Monitors.Said(1, text, CallSpeaker.Agent)));

        // Assert
        Assert.True(assessment.Classification.Scores.IsFlagged(AbuseCategory.Swearing));
        Assert.Empty(await team.DrainAsync());
    }

    [Theory]
    [InlineData("I'm happy to help you, but do you realise you are shouting at me?")]
    [InlineData("I'm happy to help you, but do you realise you are swearing?")]
    [InlineData("I'm happy to help you, but do you realise you are insulting me?")]
    [InlineData("I'm happy to help you, but do you realise you are being abusive?")]
    [InlineData("I'm happy to help you, but do you realise you are using that language?")]
    [InlineData("I'm happy to help you, but do you realise you are threatening me?")]
    [InlineData("I am asking you to please stop shouting at me.")]
    [InlineData("I am asking you to please stop swearing.")]
    [InlineData("I am asking you to please stop insulting me.")]
    [InlineData("I am asking you to please stop being abusive.")]
    [InlineData("I am asking you to please stop using that language.")]
    [InlineData("I am asking you to please stop threatening me.")]
    [InlineData("If you continue shouting at me, I will have no option but to end the call.")]
    [InlineData("If you continue swearing, I will have no option but to end the call.")]
    [InlineData("If you continue insulting me, I will have no option but to end the call.")]
    [InlineData("If you continue being abusive, I will have no option but to end the call.")]
    [InlineData("If you continue using that language, I will have no option but to end the call.")]
    [InlineData("If you continue threatening me, I will have no option but to end the call.")]
    [InlineData("I am going to end the call now. Please call back when you are ready to talk this through calmly.")]
    [InlineData("I understand, that must be really frustrating.")]
    [InlineData("I'm so sorry you were spoken to like that, that's not acceptable.")]
    [InlineData("I can hear you're angry, and I'm sorry we let you down.")]
    public async Task Assess_AgentSaysAProtocolOrEmpathyLine_NoCoaching(string line)
    {
        // Arrange
        var monitor = await _monitors.StartAsync();
        await using var team = AlertInbox.Team(_monitors.Alerts, Monitors.Call);

        // Act
        monitor.Assess(Monitors.Said(1, line, CallSpeaker.Agent));

        // Assert
        Assert.Empty(await team.DrainAsync());
    }

    [Theory]
    [InlineData("WHERE IS MY PARCEL I ORDERED IT WEEKS AGO")]
    [InlineData("where is my parcel!!!")]
    public async Task Assess_OneAllCapsOrExclaimedUtterance_NoShoutingStrike(string text)
    {
        // Arrange
        var monitor = await _monitors.StartAsync();

        // Act
        var assessment = Assert.IsType<ChunkAssessment>(monitor.Assess(Monitors.Said(1, text)));

        // Assert
        Assert.True(assessment.Shouting.TextLooksShouted);
        Assert.False(assessment.Shouting.IsShouting);
        Assert.Equal(EscalationLevel.None, monitor.Level);
    }

    [Fact]
    public async Task Assess_LoudUtterancesNeverTwoInARow_NoShoutingStrike()
    {
        // Arrange: a warm baseline at -30 dBFS.
        var monitor = await _monitors.StartAsync();
        Monitors.WarmUp(monitor, -30f);

        // Act: loud, calm, loud (and in capitals), calm.
        var loud = Assert.IsType<ChunkAssessment>(monitor.Assess(Monitors.Heard(4, -12f)));
        monitor.Assess(Monitors.Heard(5, -30f));
        var loudInCapitals = Assert.IsType<ChunkAssessment>(monitor.Assess(Monitors.Heard(6, -12f) with { Text = "I SAID I WANT MY MONEY BACK" }));
        monitor.Assess(Monitors.Heard(7, -30f));

        // Assert
        Assert.True(loud.Shouting.IsLoud);
        Assert.True(loudInCapitals.Shouting.IsLoud && loudInCapitals.Shouting.TextLooksShouted);
        Assert.False(loudInCapitals.Shouting.IsShouting);
        Assert.Equal(EscalationLevel.None, monitor.HighestLevel);
    }

    [Fact]
    public async Task Assess_ThreeCalmUtterances_LevelDropsBeforeTheCalmPeriod()
    {
        // Arrange: two insults take the call to warning; the clock does not move.
        var monitor = await _monitors.StartAsync();
        monitor.Assess(Monitors.Said(1, Monitors.Insult));
        monitor.Assess(Monitors.Said(2, Monitors.Insult));
        monitor.Assess(Monitors.Said(3, Monitors.Clean));
        monitor.Assess(Monitors.Said(4, Monitors.Clean));
        Assert.Equal(EscalationLevel.Warning, monitor.Level);

        // Act
        var third = Assert.IsType<ChunkAssessment>(monitor.Assess(Monitors.Said(5, Monitors.Clean)));

        // Assert
        Assert.Equal((EscalationLevel.Warning, EscalationLevel.Notice), (third.Step.PreviousLevel, third.Step.Level));
        Assert.Equal(Monitors.CalmPeriod, monitor.TimeUntilNextCalmStep());
    }

    [Fact]
    public async Task Assess_AgentLoudness_KeptApartFromCallerBaseline()
    {
        // Arrange
        var monitor = await _monitors.StartAsync();
        Monitors.WarmUp(monitor, -30f, CallSpeaker.Agent);

        // Act
        var caller = Assert.IsType<ChunkAssessment>(monitor.Assess(Monitors.Heard(4, -30f)));

        // Assert
        Assert.True(float.IsNaN(caller.Shouting.BaselineDbfs));
    }

    [Fact]
    public async Task End_AfterAbuse_RaisesCallEndedForTheTeam()
    {
        // Arrange
        var monitor = await _monitors.StartAsync();
        monitor.Assess(Monitors.Said(1, Monitors.Insult));
        await using var team = AlertInbox.Team(_monitors.Alerts, Monitors.Call);

        // Act
        var step = monitor.End(CallEndReason.CallerHungUp);

        // Assert
        Assert.True(monitor.IsEnded);
        var ended = Assert.Single(await team.DrainAsync());
        Assert.Equal(AlertKind.CallEnded, ended.Kind);
        Assert.Equal(AlertAudience.Team, ended.Audience);
        Assert.Equal([ended], step.Alerts);
    }

    [Fact]
    public async Task End_CleanCall_RaisesNothing()
    {
        // Arrange
        var monitor = await _monitors.StartAsync();
        monitor.Assess(Monitors.Said(1, Monitors.Clean));
        await using var team = AlertInbox.Team(_monitors.Alerts, Monitors.Call);

        // Act
        var step = monitor.End(CallEndReason.Completed);

        // Assert
        Assert.True(monitor.IsEnded);
        Assert.Empty(step.Alerts);
        Assert.Empty(await team.DrainAsync());
    }

    [Fact]
    public async Task End_AfterTheAgentEndedTheAbusiveCall_CountedOnceForTheAgentsWellbeing()
    {
        // Arrange: the agent ends the call, then the platform's CallEnd follows.
        var store = new InMemoryIncidentStore();
        var monitors = new Monitors(_classifier, store);
        var monitor = await monitors.StartAsync();
        monitor.Assess(Monitors.Said(1, Monitors.Insult));
        monitor.Act(AgentActionKind.CallEndedByAgent, 2, null);

        // Act
        monitor.End(CallEndReason.AgentEnded);

        // Assert
        Assert.Equal([(Monitors.Call.AgentId, true)], store.Outcomes);
    }

    [Fact]
    public async Task End_CleanCall_CountedAsCalmForTheAgentsWellbeing()
    {
        // Arrange
        var store = new InMemoryIncidentStore();
        var monitors = new Monitors(_classifier, store);
        var monitor = await monitors.StartAsync();
        monitor.Assess(Monitors.Said(1, Monitors.Clean));

        // Act
        monitor.End(CallEndReason.Completed);

        // Assert
        Assert.Equal([(Monitors.Call.AgentId, false)], store.Outcomes);
    }

    [Fact]
    public async Task Act_SupervisorRequested_RaisesSupervisorNeededForTheTeam()
    {
        // Arrange
        var monitor = await _monitors.StartAsync();
        await using var team = AlertInbox.Team(_monitors.Alerts, Monitors.Call);

        // Act
        monitor.Act(AgentActionKind.SupervisorRequested, 1, null);

        // Assert
        var alert = Assert.Single(await team.DrainAsync());
        Assert.Equal(AlertKind.SupervisorNeeded, alert.Kind);
        Assert.Equal(Monitors.CallStart, alert.At);
    }

    [Fact]
    public async Task LetTimePass_QuietCaller_DropsOneStepPerCalmPeriod()
    {
        // Arrange: two insults take the call to warning.
        var monitor = await _monitors.StartAsync();
        monitor.Assess(Monitors.Said(1, Monitors.Insult));
        monitor.Assess(Monitors.Said(2, Monitors.Insult));
        Assert.Equal(EscalationLevel.Warning, monitor.Level);

        // Act
        _monitors.Time.Advance(Monitors.CalmPeriod - TimeSpan.FromMilliseconds(1));
        var early = monitor.LetTimePass();
        _monitors.Time.Advance(TimeSpan.FromMilliseconds(1));
        var first = monitor.LetTimePass();
        _monitors.Time.Advance(Monitors.CalmPeriod);
        var second = monitor.LetTimePass();

        // Assert
        Assert.False(early.LevelChanged);
        Assert.Equal((EscalationLevel.Warning, EscalationLevel.Notice), (first.PreviousLevel, first.Level));
        Assert.Equal((EscalationLevel.Notice, EscalationLevel.None), (second.PreviousLevel, second.Level));
        Assert.Equal(EscalationLevel.None, monitor.Level);
    }

    [Fact]
    public async Task TimeUntilNextCalmStep_LevelNone_Null()
    {
        // Arrange
        var monitor = await _monitors.StartAsync();

        // Act
        _monitors.Time.Advance(TimeSpan.FromMinutes(5));

        // Assert
        Assert.Null(monitor.TimeUntilNextCalmStep());
    }

    [Fact]
    public async Task TimeUntilNextCalmStep_AfterStrike_CountsDownWithTimeAndIsZeroWhenDue()
    {
        // Arrange
        var monitor = await _monitors.StartAsync();
        monitor.Assess(Monitors.Said(1, Monitors.Insult));

        // Act
        var atStrike = monitor.TimeUntilNextCalmStep();
        _monitors.Time.Advance(TimeSpan.FromSeconds(4));
        var later = monitor.TimeUntilNextCalmStep();
        _monitors.Time.Advance(TimeSpan.FromSeconds(6));
        var due = monitor.TimeUntilNextCalmStep();
        _monitors.Time.Advance(TimeSpan.FromSeconds(3));
        var overdue = monitor.TimeUntilNextCalmStep();

        // Assert
        Assert.Equal(Monitors.CalmPeriod, atStrike);
        Assert.Equal(TimeSpan.FromSeconds(6), later);
        Assert.Equal(TimeSpan.Zero, due);
        Assert.Equal(TimeSpan.Zero, overdue);
    }

    [Fact]
    public async Task Assess_PlatformOffsets_EventTimedByOffsetNotByClock()
    {
        // Arrange: the chunk arrives a minute into the service's clock but ended 3 s into the call.
        var monitor = await _monitors.StartAsync();
        _monitors.Time.Advance(TimeSpan.FromMinutes(1));

        // Act
        var assessment = Assert.IsType<ChunkAssessment>(monitor.Assess(Monitors.SaidAt(1, Monitors.Insult, 1_000, 3_000)));

        // Assert
        var alert = Assert.Single(assessment.Step.Alerts);
        Assert.Equal(Monitors.CallStart.AddSeconds(3), alert.At);
        Assert.Equal(Monitors.CalmPeriod, monitor.TimeUntilNextCalmStep());
    }

    [Fact]
    public async Task Assess_PlatformOffsetsAheadOfClock_CallTimeFollowsOffsets()
    {
        // Arrange: a replay at full speed: 27 s of call pass between two utterances in 4 s of the service's clock.
        var monitor = await _monitors.StartAsync();
        monitor.Assess(Monitors.SaidAt(1, Monitors.Insult, 1_000, 3_000));
        _monitors.Time.Advance(TimeSpan.FromSeconds(4));

        // Act
        var assessment = Assert.IsType<ChunkAssessment>(monitor.Assess(Monitors.SaidAt(2, Monitors.Clean, 28_000, 30_000)));

        // Assert
        Assert.Equal((EscalationLevel.Notice, EscalationLevel.None), (assessment.Step.PreviousLevel, assessment.Step.Level));
    }

    [Fact]
    public async Task LetTimePass_AfterPlatformTimedStrike_MovesOnWithTheClock()
    {
        // Arrange: the strike ended 3 s into the call; call time then moves on with the service's clock.
        var monitor = await _monitors.StartAsync();
        monitor.Assess(Monitors.SaidAt(1, Monitors.Insult, 1_000, 3_000));

        // Act
        _monitors.Time.Advance(Monitors.CalmPeriod - TimeSpan.FromMilliseconds(1));
        var early = monitor.LetTimePass();
        var untilDue = monitor.TimeUntilNextCalmStep();
        _monitors.Time.Advance(TimeSpan.FromMilliseconds(1));
        var due = monitor.LetTimePass();

        // Assert
        Assert.False(early.LevelChanged);
        Assert.Equal(TimeSpan.FromMilliseconds(1), untilDue);
        Assert.Equal((EscalationLevel.Notice, EscalationLevel.None), (due.PreviousLevel, due.Level));
    }

    [Fact]
    public async Task LetTimePass_UtteranceTimedBeforeAnEarlierCalmStep_NextStepOneCalmPeriodAfterTheFirst()
    {
        // Arrange: two insults (4 s, 5 s) take the call to warning; after a calm period on the clock the level drops
        // to notice at call time 15 s; then a calm utterance arrives that the platform placed at 6 s.
        var monitor = await _monitors.StartAsync();
        monitor.Assess(Monitors.SaidAt(1, Monitors.Insult, 3_000, 4_000));
        monitor.Assess(Monitors.SaidAt(2, Monitors.Insult, 4_500, 5_000));
        _monitors.Time.Advance(Monitors.CalmPeriod);
        var firstStep = monitor.LetTimePass();
        monitor.Assess(Monitors.SaidAt(3, Monitors.Clean, 5_500, 6_000));

        // Act: another calm period of quiet.
        var untilNext = monitor.TimeUntilNextCalmStep();
        _monitors.Time.Advance(Monitors.CalmPeriod);
        var secondStep = monitor.LetTimePass();

        // Assert
        Assert.Equal((EscalationLevel.Warning, EscalationLevel.Notice), (firstStep.PreviousLevel, firstStep.Level));
        Assert.Equal(Monitors.CalmPeriod, untilNext);
        Assert.Equal((EscalationLevel.Notice, EscalationLevel.None), (secondStep.PreviousLevel, secondStep.Level));
    }
}
