using AbuseDetector.Escalation;

namespace AbuseDetector.Monitoring.Tests;

/// <summary>
/// <see cref="CallMonitor.Capture"/> and <see cref="CallMonitoring.Resume"/>: a call resumed from its snapshot goes on as
/// the monitor it came from would have, and the monitor saves its state whenever it changed.
/// </summary>
public sealed class CallMonitorResumeTests(DefaultModel model) : IClassFixture<DefaultModel>
{
    private static readonly CallParticipants KnownCaller = Monitors.Call with { CustomerId = "cust-9" };

    /// <summary>
    /// A call through the monitor: warm-up, an insult, the agent's warning, shouting, a threat in a partial then its
    /// final, calm long enough for a drop on time, the agent, then the end. Each event comes a second after the last.
    /// </summary>
    private static readonly Func<CallMonitor, object>[] Events =
    [
        m => m.Assess(Monitors.Heard(1, -30f)),
        m => m.Assess(Monitors.Heard(2, -30f)),
        m => m.Assess(Monitors.Heard(3, -30f)),
        m => m.Assess(Monitors.Said(4, Monitors.Insult)),
        m => m.Act(AgentActionKind.WarningGiven, 5, "asked to stop"),
        m => m.Assess(Monitors.Heard(6, -12f)),
        m => m.Assess(Monitors.Heard(7, -12f)),
        m => m.Assess(Monitors.Said(8, Monitors.Threat) with { IsFinal = false }),
        m => m.Assess(Monitors.Said(9, Monitors.Threat)),
        m => m.LetTimePass(),
        m => m.Assess(Monitors.Said(10, Monitors.Clean, CallSpeaker.Agent)),
        m => m.End(CallEndReason.CallerHungUp),
    ];

    public static TheoryData<int> CapturePoints => [0, 3, 4, 5, 6, 8, 9, 10, 11];

    [Theory]
    [MemberData(nameof(CapturePoints))]
    public async Task Resume_CapturedAfterAnyEvent_SameOutcomesAsTheMonitorThatWentOn(int eventsBeforeCapture)
    {
        // Arrange
        var monitors = new Monitors(model.Classifier);
        var original = await monitors.StartAsync();
        foreach (var play in Events.Take(eventsBeforeCapture))
        {
            Pass(monitors, play);
            play(original);
        }

        var resumed = monitors.Monitoring.Resume(original.Capture());

        // Act: both monitors take the rest of the call at the same moments.
        var fromOriginal = new List<object>();
        var fromResumed = new List<object>();
        foreach (var play in Events.Skip(eventsBeforeCapture))
        {
            Pass(monitors, play);
            fromOriginal.Add(play(original));
            fromResumed.Add(play(resumed));
        }

        // Assert
        Assert.Equal(fromOriginal.Count, fromResumed.Count);
        for (var i = 0; i < fromOriginal.Count; i++)
        {
            AssertSameOutcome(fromOriginal[i], fromResumed[i]);
        }

        Assert.Equal(original.Level, resumed.Level);
        Assert.Equal(original.HighestLevel, resumed.HighestLevel);
        Assert.Equal(original.IsEnded, resumed.IsEnded);
        Assert.Equal(original.LastSeq, resumed.LastSeq);
        Assert.Equivalent(original.Capture() with { Version = 0 }, resumed.Capture() with { Version = 0 }, strict: true);
    }

    [Fact]
    public async Task Events_WholeCall_ShoutThreatAndDropOnTime()
    {
        // Arrange: the call above must really reach what the resume test claims.
        var monitors = new Monitors(model.Classifier);
        var monitor = await monitors.StartAsync();

        // Act
        var outcomes = new List<object>();
        foreach (var play in Events)
        {
            Pass(monitors, play);
            outcomes.Add(play(monitor));
        }

        // Assert
        var steps = outcomes.Select(StepOf).ToList();
        Assert.Equal(EscalationLevel.Warning, steps[6].Level);
        Assert.True(Assert.IsType<ChunkAssessment>(outcomes[6]).Shouting.IsShouting);
        Assert.Single(steps[7].Alerts, a => a.Kind == AlertKind.Threat);
        Assert.Equal(EscalationLevel.EndCallPermitted, steps[8].Level);
        Assert.True(steps[9].LevelChanged);
        Assert.Equal(EscalationLevel.FinalWarning, steps[9].Level);
        Assert.Contains(steps[11].Alerts, a => a.Kind == AlertKind.CallEnded);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    public async Task Resume_PlatformSendsOffsets_DropsOnTimeLikeTheMonitorThatWentOn(int quietSecondsBeforeCapture)
    {
        // Arrange: the platform's offsets put the call half a minute ahead of the service's clock (a replay, or a call
        // whose audio started before its stream), so call time runs on from the last offset; the original may have let
        // some of the calm period pass before the capture.
        var monitors = new Monitors(model.Classifier);
        var original = await monitors.StartAsync();
        original.Assess(Monitors.SaidAt(1, Monitors.Insult, 30_000, 31_000));
        monitors.Time.Advance(TimeSpan.FromSeconds(quietSecondsBeforeCapture));
        Assert.False(original.LetTimePass().LevelChanged);
        var resumed = monitors.Monitoring.Resume(original.Capture());

        // Act
        monitors.Time.Advance(Monitors.CalmPeriod - TimeSpan.FromSeconds(quietSecondsBeforeCapture));
        var originalStep = original.LetTimePass();
        var resumedStep = resumed.LetTimePass();

        // Assert
        Assert.Equal(EscalationLevel.None, originalStep.Level);
        Assert.Equivalent(originalStep, resumedStep, strict: true);
        Assert.Equal(original.TimeUntilNextCalmStep(), resumed.TimeUntilNextCalmStep());
    }

    [Fact]
    public async Task LastSeq_ChunksActionsAndPartials_HighestSeqTakenIn()
    {
        // Arrange
        var monitor = await new Monitors(model.Classifier).StartAsync();
        var before = monitor.LastSeq;

        // Act
        monitor.Assess(Monitors.Said(2, Monitors.Clean));
        monitor.Act(AgentActionKind.CallerOnHold, 3, null);
        monitor.Assess(Monitors.Said(5, Monitors.Clean) with { IsFinal = false });
        var rejected = monitor.Assess(Monitors.Said(1, Monitors.Clean));

        // Assert: the rejected chunk (seq went backwards) was not taken in.
        Assert.Equal(0UL, before);
        Assert.IsType<ChunkRejection>(rejected);
        Assert.Equal(5UL, monitor.LastSeq);
        Assert.Equal(5UL, monitor.Capture().LastSeq);
        Assert.Equal(2UL, monitor.Capture().LastFinalSeq);
    }

    [Theory]
    [InlineData(6UL)]
    [InlineData(5UL)]
    public async Task Resume_FinalChunkNotPastTheSavedLastFinal_Rejected(ulong seq)
    {
        // Arrange
        var monitors = new Monitors(model.Classifier);
        var original = await monitors.StartAsync();
        original.Assess(Monitors.Said(6, Monitors.Clean));
        original.Assess(Monitors.Said(7, Monitors.Clean) with { IsFinal = false });
        var resumed = monitors.Monitoring.Resume(original.Capture());

        // Act
        var outcome = resumed.Assess(Monitors.Said(seq, Monitors.Threat));

        // Assert
        var rejection = Assert.IsType<ChunkRejection>(outcome);
        Assert.Contains("seq went backwards", rejection.Reason, StringComparison.Ordinal);
        Assert.Equal(EscalationLevel.None, resumed.Level);
        Assert.Equal(7UL, resumed.LastSeq);
    }

    [Fact]
    public async Task Resume_FinalChunkAfterASavedPartial_Accepted()
    {
        // Arrange: the partial's seq is taken in, but only a final moves the floor.
        var monitors = new Monitors(model.Classifier);
        var original = await monitors.StartAsync();
        original.Assess(Monitors.Said(6, Monitors.Clean));
        original.Assess(Monitors.Said(7, Monitors.Clean) with { IsFinal = false });
        var resumed = monitors.Monitoring.Resume(original.Capture());

        // Act
        var outcome = resumed.Assess(Monitors.Said(7, Monitors.Threat));

        // Assert
        Assert.IsType<ChunkAssessment>(outcome);
        Assert.Equal(EscalationLevel.EndCallPermitted, resumed.Level);
    }

    [Fact]
    public async Task Resume_CallerWithIncidentsOnRecord_NoSecondRepeatCallerAlert()
    {
        // Arrange
        var incidents = new InMemoryIncidentStore
        {
            AnswerHistory = _ => Task.FromResult(new CustomerHistory(2, IncidentOutcome.CallerHungUp, EscalationLevel.FinalWarning, Monitors.CallStart.AddDays(-3))),
        };
        var monitors = new Monitors(model.Classifier, incidents);
        var original = await monitors.StartAsync(KnownCaller);
        await using var agent = AlertInbox.Agent(monitors.Alerts, KnownCaller);

        // Act
        var resumed = monitors.Monitoring.Resume(original.Capture());

        // Assert
        Assert.NotNull(original.RepeatCallerAlert);
        Assert.Null(resumed.RepeatCallerAlert);
        Assert.Equal(1, incidents.HistoryLookups);
        Assert.Empty(await agent.DrainAsync());
    }

    [Fact]
    public async Task Resume_LiveView_ShowsTheSavedLevelAndThreat()
    {
        // Arrange
        var monitors = new Monitors(model.Classifier);
        var original = await monitors.StartAsync();
        original.Assess(Monitors.Said(1, Monitors.Threat));

        // Act
        var resumed = monitors.Monitoring.Resume(original.Capture());

        // Assert
        var view = resumed.Live.Snapshot();
        Assert.Equal(EscalationLevel.EndCallPermitted, view.Level);
        Assert.True(view.Threat);
        Assert.Equal(original.Live.StartedAt, view.StartedAt);
    }

    [Fact]
    public async Task Save_StoreKeepsState_SavedAtStartAndAfterEveryEventThatChangedTheCall()
    {
        // Arrange
        var store = new RecordingCallStateStore();
        var monitors = new Monitors(model.Classifier, callStates: store);

        // Act
        var monitor = await monitors.StartAsync();
        var atStart = store.Saved.Count;
        monitor.Assess(Monitors.Said(1, Monitors.Clean) with { IsFinal = false });
        var afterCleanPartial = store.Saved.Count;
        monitor.Assess(Monitors.Said(2, Monitors.Threat) with { IsFinal = false });
        var afterThreatPartial = store.Saved.Count;
        monitor.Assess(Monitors.Said(3, Monitors.Clean));
        var afterFinal = store.Saved.Count;
        monitor.Act(AgentActionKind.WarningGiven, 4, null);
        var afterAction = store.Saved.Count;
        var quiet = monitor.LetTimePass();
        var afterQuiet = store.Saved.Count;
        monitor.End(CallEndReason.Completed);

        // Assert
        Assert.Equal([1, 1, 2, 3, 4, 4], [atStart, afterCleanPartial, afterThreatPartial, afterFinal, afterAction, afterQuiet]);
        Assert.False(quiet.LevelChanged);
        Assert.Equal(5, store.Saved.Count);
        Assert.Equal([1L, 2L, 3L, 4L, 5L], store.Saved.Select(s => s.Version));
        Assert.Equal([0UL, 2UL, 3UL, 4UL, 4UL], store.Saved.Select(s => s.LastSeq));
        Assert.All(store.Saved.SkipLast(1), s => Assert.False(s.IsEnded));
        Assert.True(store.Saved[^1].IsEnded);
    }

    [Fact]
    public async Task HandOverAsync_AfterSaves_HandsOverANewerSnapshotAndTheResumedMonitorNumbersOnFromIt()
    {
        // Arrange
        var store = new RecordingCallStateStore();
        var monitors = new Monitors(model.Classifier, callStates: store);
        var original = await monitors.StartAsync();
        original.Assess(Monitors.Said(1, Monitors.Insult));

        // Act
        var handedOver = await original.HandOverAsync();
        var snapshot = Assert.Single(store.HandedOver);
        var resumed = monitors.Monitoring.Resume(snapshot);
        resumed.Assess(Monitors.Said(2, Monitors.Clean));

        // Assert
        Assert.True(handedOver);
        Assert.Equal(store.Saved[1].Version + 1, snapshot.Version);
        Assert.Equal(EscalationLevel.Notice, snapshot.Escalation.Level);
        Assert.False(snapshot.IsEnded);
        Assert.Equal(snapshot.Version + 1, store.Saved[^1].Version);
        Assert.Equal(2UL, store.Saved[^1].LastSeq);
    }

    /// <summary>A second passes before each event; the calm drop's turn waits out the calm period.</summary>
    private static void Pass(Monitors monitors, Func<CallMonitor, object> play) =>
        monitors.Time.Advance(ReferenceEquals(play, Events[9]) ? Monitors.CalmPeriod + TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(1));

    private static EscalationStep StepOf(object outcome) => outcome switch
    {
        ChunkAssessment assessment => assessment.Step,
        EscalationStep step => step,
        _ => throw new InvalidOperationException($"Unexpected outcome {outcome}."),
    };

    private static void AssertSameOutcome(object expected, object actual)
    {
        Assert.Equal(expected.GetType(), actual.GetType());
        if (expected is ChunkAssessment assessment)
        {
            var other = (ChunkAssessment)actual;
            Assert.Equal(assessment.Seq, other.Seq);
            Assert.Equal(assessment.Classification.Flags, other.Classification.Flags);
            Assert.Equal(assessment.Shouting, other.Shouting);
        }

        Assert.Equivalent(StepOf(expected), StepOf(actual), strict: true);
    }
}
