using AbuseDetector.Detection;

namespace AbuseDetector.Escalation.Tests;

/// <summary>
/// <see cref="CallEscalation.Capture"/> and <see cref="CallEscalation.Restore"/>: a call captured anywhere and restored
/// goes on exactly as the call it came from, down to its alert ids (made from the call and the alert's ordinal).
/// </summary>
public sealed class CallEscalationStateTests
{
    private static readonly DateTimeOffset Start = new(2026, 5, 6, 14, 0, 0, TimeSpan.Zero);
    private static readonly CallParticipants Call = new("acme", "call-77", "agent-7", "team-3", "cust-9", "en-GB");

    /// <summary>
    /// One call through the protocol: abuse to warning with the agent's warning between, the agent abusing the caller, a
    /// threat in a partial then its final, a supervisor joining, calm long enough for a drop on time, then the end.
    /// </summary>
    private static readonly Func<CallEscalation, EscalationStep>[] Events =
    [
        e => e.Observe(Customer(1, 2, "you are useless", AbuseFlags.Insult | AbuseFlags.Directed, [new EvidenceSpan(AbuseCategory.Insult, 8, 7, 1f)])),
        e => e.OnAgentAction(AgentActionKind.WarningGiven, 2, Start.AddSeconds(4), "asked to stop"),
        e => e.Observe(Customer(3, 6, "you fucking idiot", AbuseFlags.Swearing | AbuseFlags.Directed, profanity: ProfanityStrength.Strong)),
        e => e.Observe(new ChunkSignal(4, CallSpeaker.Agent, true, Start.AddSeconds(8), 8000, "you are an idiot too", AbuseFlags.Insult | AbuseFlags.Directed)),
        e => e.Observe(Customer(5, 10, "I will smash", AbuseFlags.Threat, isFinal: false, offsetMs: 10_000)),
        e => e.Observe(Customer(6, 11, "I will smash your face in", AbuseFlags.Threat | AbuseFlags.Directed, offsetMs: 10_000)),
        e => e.OnAgentAction(AgentActionKind.SupervisorRequested, 7, Start.AddSeconds(12)),
        e => e.OnSupervisorResponse("Sam", joining: true, "", Start.AddSeconds(13)),
        e => e.Advance(Start.AddSeconds(13 + 61)),
        e => e.Observe(Customer(8, 80, "fine, whatever", AbuseFlags.None)),
        e => e.End(CallEndReason.CallerHungUp, Start.AddSeconds(85)),
    ];

    public static TheoryData<int> CapturePoints => [.. Enumerable.Range(0, Events.Length + 1)];

    [Theory]
    [MemberData(nameof(CapturePoints))]
    public void Restore_CapturedAfterAnyEvent_GoesOnExactlyLikeTheOriginal(int eventsBeforeCapture)
    {
        // Arrange
        var options = new EscalationOptions();
        var original = new CallEscalation(Call, Start, options, ScriptBook.Default);
        foreach (var play in Events.Take(eventsBeforeCapture))
        {
            play(original);
        }

        var restored = CallEscalation.Restore(Call, original.Capture(), options, ScriptBook.Default);

        // Act
        var originalSteps = Events.Skip(eventsBeforeCapture).Select(play => play(original)).ToList();
        var restoredSteps = Events.Skip(eventsBeforeCapture).Select(play => play(restored)).ToList();

        // Assert: the same steps and alerts, ids included, the same notes and the same state at the end.
        Assert.Equivalent(originalSteps, restoredSteps, strict: true);
        Assert.Equivalent(original.Incident, restored.Incident, strict: true);
        Assert.Equivalent(original.Capture(), restored.Capture(), strict: true);
        Assert.Equal(original.Level, restored.Level);
        Assert.Equal(original.HighestLevel, restored.HighestLevel);
        Assert.Equal(original.IsEnded, restored.IsEnded);
        Assert.Equal(original.NextCalmStepAt, restored.NextCalmStepAt);
    }

    [Fact]
    public void Events_WholeCall_ReachEveryPartOfTheProtocol()
    {
        // Arrange: the call above must really exercise what the restore test claims, or that test proves little.
        var escalation = new CallEscalation(Call, Start, new EscalationOptions(), ScriptBook.Default);

        // Act
        var steps = Events.Select(play => play(escalation)).ToList();

        // Assert
        var kinds = steps.SelectMany(s => s.Alerts).Select(a => a.Kind).ToList();
        Assert.Equal(
            [EscalationLevel.Notice, EscalationLevel.Notice, EscalationLevel.Warning, EscalationLevel.Warning, EscalationLevel.Warning, EscalationLevel.EndCallPermitted, EscalationLevel.EndCallPermitted, EscalationLevel.EndCallPermitted, EscalationLevel.FinalWarning, EscalationLevel.FinalWarning, EscalationLevel.FinalWarning],
            steps.Select(s => s.Level));
        Assert.Single(kinds, AlertKind.Threat);
        Assert.Contains(AlertKind.Coaching, kinds);
        Assert.Contains(AlertKind.SupervisorNeeded, kinds);
        Assert.Contains(AlertKind.SupervisorJoining, kinds);
        Assert.Contains(AlertKind.CallEnded, kinds);
        var incident = escalation.Incident;
        Assert.NotNull(incident);
        Assert.Contains(incident.Warnings, w => w.GivenByAgent);
        Assert.Single(incident.SupervisorResponses);
        Assert.Equal(IncidentOutcome.CallerHungUp, incident.Outcome);
    }

    [Fact]
    public void Capture_LaterEvents_DoNotChangeTheCapturedState()
    {
        // Arrange
        var escalation = new CallEscalation(Call, Start, new EscalationOptions(), ScriptBook.Default);
        Events[0](escalation);
        var state = escalation.Capture();

        // Act
        foreach (var play in Events.Skip(1))
        {
            play(escalation);
        }

        // Assert
        Assert.Equal(EscalationLevel.Notice, state.Level);
        Assert.Equal(IncidentOutcome.Ongoing, state.Outcome);
        Assert.Single(state.Timeline);
        Assert.Single(state.Warnings);
        Assert.Empty(state.SupervisorResponses);
        Assert.Equal(1, state.AlertsRaised);
    }

    [Fact]
    public void Restore_StateWithLongerTimelineThanTheLimit_TimelineCappedAndStaysCapped()
    {
        // Arrange: six flagged utterances saved under a limit of ten, restored under a limit of four.
        var wide = new EscalationOptions { MaxIncidentUtterances = 10 };
        var original = Insulted(wide, 6);

        var narrow = new EscalationOptions { MaxIncidentUtterances = 4 };

        // Act
        var restored = CallEscalation.Restore(Call, original.Capture(), narrow, ScriptBook.Default);
        restored.Observe(Insult(7));
        restored.OnAgentAction(AgentActionKind.WarningGiven, 8, Start.AddSeconds(15), "stop");

        // Assert
        Assert.Equal(6, original.Capture().Timeline.Count);
        var incident = restored.Incident;
        Assert.NotNull(incident);
        Assert.Equal([1UL, 2UL, 3UL, 4UL], incident.Timeline.Select(u => u.Seq));
        Assert.Equal(4, incident.Warnings.Count);
        Assert.Equal(4, restored.Capture().Timeline.Count);
    }

    [Fact]
    public void Restore_OriginalAtTheLimit_NeitherGrowsPastIt()
    {
        // Arrange
        var options = new EscalationOptions { MaxIncidentUtterances = 3 };
        var original = Insulted(options, 3);

        var restored = CallEscalation.Restore(Call, original.Capture(), options, ScriptBook.Default);

        // Act
        original.Observe(Insult(4));
        restored.Observe(Insult(4));

        // Assert
        Assert.Equal(3, original.Incident!.Timeline.Count);
        Assert.Equal(3, restored.Incident!.Timeline.Count);
        Assert.Equivalent(original.Incident, restored.Incident, strict: true);
    }

    [Fact]
    public void Alerts_DefaultIds_ThirtyTwoHexDigitsAllDifferentAndTheSameOnEveryInstance()
    {
        // Arrange: two instances that see the same call from the same start.
        var first = new CallEscalation(Call, Start, new EscalationOptions(), ScriptBook.Default);
        var second = new CallEscalation(Call, Start, new EscalationOptions(), ScriptBook.Default);

        // Act
        var firstIds = Events.SelectMany(play => play(first).Alerts).Select(a => a.AlertId).ToList();
        var secondIds = Events.SelectMany(play => play(second).Alerts).Select(a => a.AlertId).ToList();

        // Assert
        Assert.True(firstIds.Count >= 8, $"Only {firstIds.Count} alerts were raised.");
        Assert.All(firstIds, id => Assert.Matches("^[0-9a-f]{32}$", id));
        Assert.Equal(firstIds.Count, firstIds.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(firstIds, secondIds);
    }

    [Theory]
    [InlineData("acme", "call-78", 0)]
    [InlineData("acme", "call-77", 1)]
    [InlineData("other", "call-77", 0)]
    public void Alerts_DefaultIds_DifferForAnotherCallStartOrTenant(string tenant, string callId, int secondsLater)
    {
        // Arrange
        var other = Call with { TenantId = tenant, CallId = callId };
        var first = new CallEscalation(Call, Start, new EscalationOptions(), ScriptBook.Default);
        var second = new CallEscalation(other, Start.AddSeconds(secondsLater), new EscalationOptions(), ScriptBook.Default);

        // Act
        var firstIds = Events.SelectMany(play => play(first).Alerts).Select(a => a.AlertId).ToList();
        var secondIds = Events.SelectMany(play => play(second).Alerts).Select(a => a.AlertId).ToList();

        // Assert
        Assert.Equal(firstIds.Count, secondIds.Count);
        Assert.Empty(firstIds.Intersect(secondIds, StringComparer.Ordinal));
    }

    [Fact]
    public void Restore_AfterOneAlert_NextAlertIdCarriesOnFromTheSavedOrdinal()
    {
        // Arrange
        var original = new CallEscalation(Call, Start, new EscalationOptions(), ScriptBook.Default);
        var reference = new CallEscalation(Call, Start, new EscalationOptions(), ScriptBook.Default);
        var firstAlert = Assert.Single(Events[0](original).Alerts);
        Events[0](reference);

        // Act
        var restored = CallEscalation.Restore(Call, original.Capture(), new EscalationOptions(), ScriptBook.Default);
        var restoredAlert = Assert.Single(Events[2](restored).Alerts);

        // Assert: the call's second alert has the second ordinal's id, not the first's again.
        Assert.Equal(Assert.Single(Events[2](reference).Alerts).AlertId, restoredAlert.AlertId);
        Assert.NotEqual(firstAlert.AlertId, restoredAlert.AlertId);
    }

    /// <summary>A call whose caller insulted the agent <paramref name="times"/> times, two seconds apart (seqs 1 on).</summary>
    private static CallEscalation Insulted(EscalationOptions options, int times)
    {
        var escalation = new CallEscalation(Call, Start, options, ScriptBook.Default);
        for (ulong seq = 1; seq <= (ulong)times; seq++)
        {
            escalation.Observe(Insult(seq));
        }

        return escalation;
    }

    private static ChunkSignal Insult(ulong seq) => Customer(seq, (int)seq * 2, "you idiot", AbuseFlags.Insult | AbuseFlags.Directed);

    private static ChunkSignal Customer(
        ulong seq,
        int second,
        string text,
        AbuseFlags flags,
        IReadOnlyList<EvidenceSpan>? evidence = null,
        bool isFinal = true,
        ulong? offsetMs = null,
        ProfanityStrength profanity = ProfanityStrength.None) =>
        new(seq, CallSpeaker.Customer, isFinal, Start.AddSeconds(second), offsetMs ?? (ulong)second * 1000, text, flags, Evidence: evidence, Profanity: profanity);
}
