using AbuseDetector.Detection;
using AbuseDetector.Escalation;

namespace AbuseDetector.Monitoring.Tests;

public sealed class CallMonitoringTests(DefaultModel model) : IClassFixture<DefaultModel>
{
    private static readonly CallParticipants KnownCaller = Monitors.Call with { CustomerId = "cust-9" };
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(10);

    private static readonly CustomerHistory TwoIncidents =
        new(2, IncidentOutcome.EndedByAgent, EscalationLevel.EndCallPermitted, Monitors.CallStart.AddDays(-2));

    [Fact]
    public async Task StartAsync_NoIncidentStoreUnknownCaller_NoHeadsUp()
    {
        // Arrange
        var monitors = new Monitors(model.Classifier);
        await using var agent = AlertInbox.Agent(monitors.Alerts, Monitors.Call);

        // Act
        var monitor = await monitors.StartAsync();

        // Assert
        Assert.Null(monitor.RepeatCallerAlert);
        Assert.Empty(await agent.DrainAsync());
    }

    [Fact]
    public async Task StartAsync_NoIncidentStoreKnownCaller_NoHeadsUp()
    {
        // Arrange
        var monitors = new Monitors(model.Classifier);
        await using var agent = AlertInbox.Agent(monitors.Alerts, KnownCaller);

        // Act
        var monitor = await monitors.StartAsync(KnownCaller);

        // Assert
        Assert.Null(monitor.RepeatCallerAlert);
        Assert.Empty(await agent.DrainAsync());
    }

    [Fact]
    public async Task StartAsync_NewCall_OpensAMonitorAtLevelNoneForTheCall()
    {
        // Arrange
        var monitors = new Monitors(model.Classifier);

        // Act
        var monitor = await monitors.StartAsync(KnownCaller);

        // Assert
        Assert.Same(KnownCaller, monitor.Call);
        Assert.Same(model.Classifier, monitor.Classifier);
        Assert.Equal(EscalationLevel.None, monitor.Level);
        Assert.False(monitor.IsEnded);
    }

    [Fact]
    public async Task StartAsync_EachCall_AsksForTheClassifierThenKeepsIt()
    {
        // Arrange: a reloaded model reaches calls that start after it, never a call under way.
        var loaded = model.Classifier;
        var monitors = new Monitors(model.Classifier);
        var monitoring = new CallMonitoring(
            () => loaded, monitors.Escalation, ScriptBook.Default, new ShoutingOptions(), Monitors.MaxTextLength,
            monitors.Alerts, new NoIncidentStore(), new CallHistoryOptions(), new NoCallStateStore(), monitors.Time);
        var first = await monitoring.StartAsync(Monitors.Call);

        // Act
        loaded = AbuseClassifier.Load(RepositoryFiles.Find("models/default.model"));
        var second = await monitoring.StartAsync(Monitors.Call with { CallId = "call-2" });

        // Assert
        Assert.Same(model.Classifier, first.Classifier);
        Assert.Same(loaded, second.Classifier);
    }

    [Fact]
    public async Task StartAsync_CallerWithIncidents_HeadsUpOnTheMonitorAndRaisedForTheAgent()
    {
        // Arrange
        var store = new InMemoryIncidentStore { AnswerHistory = _ => Task.FromResult(TwoIncidents) };
        var monitors = new Monitors(model.Classifier, store);
        await using var agent = AlertInbox.Agent(monitors.Alerts, KnownCaller);

        // Act
        var monitor = await monitors.StartAsync(KnownCaller);

        // Assert
        Assert.NotNull(monitor.RepeatCallerAlert);
        Assert.Equal(AlertKind.RepeatCaller, monitor.RepeatCallerAlert.Kind);
        Assert.Equal([monitor.RepeatCallerAlert], await agent.DrainAsync());
    }

    [Fact]
    public async Task StartAsync_StoreUnavailable_CallStartsWithoutHeadsUp()
    {
        // Arrange
        var store = new InMemoryIncidentStore { AnswerHistory = _ => Task.FromException<CustomerHistory>(new IncidentStoreUnavailableException("The store did not answer.")) };
        var monitors = new Monitors(model.Classifier, store);
        await using var agent = AlertInbox.Agent(monitors.Alerts, KnownCaller);

        // Act
        var monitor = await monitors.StartAsync(KnownCaller).WaitAsync(StartTimeout);

        // Assert
        Assert.Null(monitor.RepeatCallerAlert);
        Assert.Empty(await agent.DrainAsync());
        Assert.IsType<ChunkAssessment>(monitor.Assess(Monitors.Said(1, Monitors.Clean)));
    }

    [Fact]
    public async Task StartAsync_StoreAnswersAfterTheLookupTimeout_CallStartsWithoutHeadsUpEvenOnceTheAnswerComes()
    {
        // Arrange: the store ignores the timeout and answers when the test says, after the call started.
        var answer = new TaskCompletionSource<CustomerHistory>(TaskCreationOptions.RunContinuationsAsynchronously);
        var store = new InMemoryIncidentStore { AnswerHistory = _ => answer.Task };
        var monitors = new Monitors(model.Classifier, store, new CallHistoryOptions { HistoryLookupTimeout = TimeSpan.FromMilliseconds(50) });
        await using var agent = AlertInbox.Agent(monitors.Alerts, KnownCaller);

        // Act: the lookup timeout runs on the service's clock, so the fake clock passing it gives up the wait.
        var starting = monitors.StartAsync(KnownCaller);
        monitors.Time.Advance(TimeSpan.FromMilliseconds(50));
        var monitor = await starting.WaitAsync(StartTimeout);
        answer.SetResult(TwoIncidents);

        // Assert
        Assert.Null(monitor.RepeatCallerAlert);
        Assert.Empty(await agent.DrainAsync());
        Assert.IsType<ChunkAssessment>(monitor.Assess(Monitors.Said(1, Monitors.Clean)));
    }

    [Fact]
    public void Constructor_MaxTextLengthBelowOne_Throws()
    {
        // Arrange
        var monitors = new Monitors(model.Classifier);

        // Act
        var thrown = Record.Exception(() => new CallMonitoring(
            () => model.Classifier, monitors.Escalation, ScriptBook.Default, new ShoutingOptions(), 0,
            monitors.Alerts, new NoIncidentStore(), new CallHistoryOptions(), new NoCallStateStore(), monitors.Time));

        // Assert
        Assert.IsType<ArgumentOutOfRangeException>(thrown);
    }
}
