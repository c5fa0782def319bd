using AbuseDetector.Escalation;

namespace AbuseDetector.Monitoring.Tests;

public sealed class LiveCallTests(DefaultModel model) : IClassFixture<DefaultModel>
{
    private readonly Monitors _monitors = new(model.Classifier);

    [Fact]
    public async Task Snapshot_CallerThreatens_ShowsLevelThreatLastCategoryAndTheLineToSay()
    {
        // Arrange
        var monitor = await _monitors.StartAsync();
        var before = monitor.Live.Version;

        // Act
        monitor.Assess(Monitors.Said(1, Monitors.Clean));
        monitor.Assess(Monitors.Said(2, Monitors.Threat));
        var view = monitor.Live.Snapshot();

        // Assert
        Assert.NotEqual(before, monitor.Live.Version);
        Assert.Equal(EscalationLevel.EndCallPermitted, view.Level);
        Assert.True(view.Threat);
        Assert.Equal("threat", view.LastCategory);
        Assert.NotEmpty(view.RecommendedScript);
        Assert.Equal(2, view.Scores.Count);
        Assert.True(view.Scores[0] < 0.5f && view.Scores[1] > 0.5f, $"scores {string.Join(", ", view.Scores)}");
        Assert.Equal(Monitors.CallStart, view.StartedAt);
    }

    [Fact]
    public async Task Snapshot_MoreUtterancesThanKept_KeepsTheNewestInOrder()
    {
        // Arrange
        var monitor = await _monitors.StartAsync();

        // Act: one abusive utterance, then more calm ones than the timeline keeps.
        monitor.Assess(Monitors.Said(1, Monitors.Insult));
        for (ulong seq = 2; seq <= LiveCall.MostScores + 1; seq++)
        {
            monitor.Assess(Monitors.Said(seq, Monitors.Clean));
        }

        // Assert: the abusive one has left the timeline.
        var scores = monitor.Live.Snapshot().Scores;
        Assert.Equal(LiveCall.MostScores, scores.Count);
        Assert.All(scores, s => Assert.True(s < 0.5f));
    }

    [Fact]
    public async Task Snapshot_AgentAndPartialChunks_NotInTheTimeline()
    {
        // Arrange
        var monitor = await _monitors.StartAsync();

        // Act
        monitor.Assess(Monitors.Said(1, Monitors.Insult, CallSpeaker.Agent));
        monitor.Assess(new ChunkInput(2, CallSpeaker.Customer, IsFinal: false, Monitors.Insult, 0, 0, null, ReadOnlyMemory<byte>.Empty));

        // Assert
        Assert.Empty(monitor.Live.Snapshot().Scores);
    }

    [Fact]
    public async Task Handle_SupervisorJoining_TakenAlertForAgentAndTeamAndShownLive()
    {
        // Arrange: a call at final_warning, so it has notes.
        var monitor = await _monitors.StartAsync();
        await using var agent = AlertInbox.Agent(_monitors.Alerts, Monitors.Call);
        monitor.Assess(Monitors.Said(1, Monitors.Threat));
        await agent.DrainAsync();
        var answer = new SupervisorAnswer("Alex", joining: true, "alert-1");

        // Act
        Assert.True(monitor.Live.TrySend(answer));
        Assert.True(monitor.Live.Requests.TryRead(out var request));
        var step = monitor.Handle(request);

        // Assert
        Assert.True(await answer.Done);
        var joining = Assert.Single(step.Alerts);
        Assert.Equal(AlertKind.SupervisorJoining, joining.Kind);
        Assert.Equal("Alex", joining.Responder);
        Assert.Equal(AlertAudience.AgentAndTeam, joining.Audience);
        Assert.Contains(await agent.DrainAsync(), a => a.AlertId == joining.AlertId);
        Assert.Equal(new SupervisorResponseExpectation("Alex", true, "alert-1"), SupervisorResponseExpectation.Of(monitor.Live.Snapshot().SupervisorResponse));
        monitor.End(CallEndReason.Completed);
    }

    [Fact]
    public async Task Handle_AgentRequestsSupervisorFromThePanel_TeamToldAsForThePlatformsAction()
    {
        // Arrange
        var monitor = await _monitors.StartAsync();
        await using var team = AlertInbox.Team(_monitors.Alerts, Monitors.Call);
        var request = new SupervisorRequestFromPanel();

        // Act
        var step = monitor.Handle(request);

        // Assert
        Assert.True(await request.Done);
        var needed = Assert.Single(step.Alerts);
        Assert.Equal(AlertKind.SupervisorNeeded, needed.Kind);
        Assert.Contains(await team.DrainAsync(), a => a.AlertId == needed.AlertId);
    }

    [Fact]
    public async Task Handle_CallAlreadyEnded_NotTakenAndNoAlert()
    {
        // Arrange
        var monitor = await _monitors.StartAsync();
        monitor.End(CallEndReason.Completed);
        var answer = new SupervisorAnswer("Alex", joining: false, "");

        // Act
        var step = monitor.Handle(answer);

        // Assert
        Assert.False(await answer.Done);
        Assert.Empty(step.Alerts);
    }

    [Fact]
    public void TrySend_QueueFull_RefusedWithoutWaiting()
    {
        // Arrange
        var live = new LiveCall(Monitors.Call, Monitors.CallStart);
        var sent = 0;

        // Act: nobody reads, as when the call's stream is stuck.
        while (live.TrySend(new SupervisorRequestFromPanel()) && sent < 100)
        {
            sent++;
        }

        // Assert
        Assert.InRange(sent, 1, 99);
    }

    [Fact]
    public async Task Handle_RequestThePersonGaveUp_SkippedWithoutAlert()
    {
        // Arrange
        var monitor = await _monitors.StartAsync();
        var answer = new SupervisorAnswer("Alex", joining: true, "");

        // Act
        var abandoned = answer.TryAbandon();
        var step = monitor.Handle(answer);

        // Assert
        Assert.True(abandoned);
        Assert.False(await answer.Done);
        Assert.Empty(step.Alerts);
        Assert.Null(monitor.Live.Snapshot().SupervisorResponse);
    }

    [Fact]
    public async Task TryAbandon_AfterTheCallTookIt_RefusedAndTheAnswerStands()
    {
        // Arrange
        var monitor = await _monitors.StartAsync();
        var answer = new SupervisorAnswer("Alex", joining: false, "");
        monitor.Handle(answer);

        // Act, Assert
        Assert.False(answer.TryAbandon());
        Assert.True(await answer.Done);
    }

    private sealed record SupervisorResponseExpectation(string Supervisor, bool Joining, string AlertId)
    {
        public static SupervisorResponseExpectation? Of(IncidentSupervisorResponse? response) =>
            response is null ? null : new(response.Supervisor, response.Joining, response.AlertId);
    }
}
