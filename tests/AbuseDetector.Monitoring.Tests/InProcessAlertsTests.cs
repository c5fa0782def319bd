using AbuseDetector.Escalation;

namespace AbuseDetector.Monitoring.Tests;

public sealed class InProcessAlertsTests
{
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(10);

    private readonly InProcessAlerts _alerts = new();

    [Fact]
    public async Task WatchAsync_TeamScope_GetsOnlyItsTenantsTeamAlerts()
    {
        // Arrange
        await using var opened = await _alerts.WatchAsync(AlertScope.Team("acme", "t1"), null);
        await using var watch = opened.ReadAllAsync().GetAsyncEnumerator();
        _alerts.Raise(Alerts.For("globex", "t1", "a1", AlertAudience.AgentAndTeam));
        _alerts.Raise(Alerts.For("acme", "t2", "a1", AlertAudience.Team));
        _alerts.Raise(Alerts.For("acme", "t1", "a1", AlertAudience.Agent));
        var mine = Alerts.For("acme", "t1", "a1", AlertAudience.Team);
        var both = Alerts.For("acme", "t1", "a2", AlertAudience.AgentAndTeam);

        // Act
        _alerts.Raise(mine);
        _alerts.Raise(both);

        // Assert
        Assert.Equal([mine, both], [await NextAsync(watch), await NextAsync(watch)]);
    }

    [Fact]
    public async Task WatchAsync_AgentScope_GetsOnlyItsTenantsAgentAlerts()
    {
        // Arrange
        await using var opened = await _alerts.WatchAsync(AlertScope.Agent("acme", "a1"), null);
        await using var watch = opened.ReadAllAsync().GetAsyncEnumerator();
        _alerts.Raise(Alerts.For("globex", "t1", "a1", AlertAudience.AgentAndTeam));
        _alerts.Raise(Alerts.For("acme", "t1", "a2", AlertAudience.Agent));
        _alerts.Raise(Alerts.For("acme", "t1", "a1", AlertAudience.Team));
        var mine = Alerts.For("acme", "t1", "a1", AlertAudience.Agent);
        var both = Alerts.For("acme", "t9", "a1", AlertAudience.AgentAndTeam);

        // Act
        _alerts.Raise(mine);
        _alerts.Raise(both);

        // Assert
        Assert.Equal([mine, both], [await NextAsync(watch), await NextAsync(watch)]);
    }

    [Fact]
    public async Task WatchAsync_AlertRaisedBeforeTheFirstRead_Delivered()
    {
        // Arrange: the watch is in place when WatchAsync returns, before anyone enumerates it.
        await using var watch = await _alerts.WatchAsync(AlertScope.Team("acme", "t1"), null);
        var alert = Alerts.For("acme", "t1", "a1", AlertAudience.Team);
        _alerts.Raise(alert);

        // Act
        await using var reading = watch.ReadAllAsync().GetAsyncEnumerator();
        var first = await reading.MoveNextAsync().AsTask().WaitAsync(ReadTimeout);

        // Assert
        Assert.True(first);
        Assert.Same(alert, reading.Current.Alert);
        Assert.Equal("", reading.Current.HistoryId);
    }

    [Fact]
    public void KeepsHistory_InProcessOnly_False()
    {
        Assert.False(_alerts.KeepsHistory);
    }

    [Theory]
    [InlineData(0UL, 0UL)]
    [InlineData(1_700_000_000_000UL, 3UL)]
    public async Task WatchAsync_SinceGiven_AlertHistoryNotKept(ulong milliseconds, ulong sequence)
    {
        // Act
        var thrown = await Record.ExceptionAsync(() => _alerts.WatchAsync(AlertScope.Team("acme", "t1"), new HistoryId(milliseconds, sequence)));

        // Assert
        Assert.IsType<AlertHistoryNotKeptException>(thrown);
        Assert.Equal(0, _alerts.WatcherCount);
    }

    [Fact]
    public async Task Raise_WatcherFallsTooFarBehind_EndsThatWatcherOnlyWithOverflow()
    {
        // Arrange: the slow watcher never reads while the buffer fills; the other reads everything.
        var scope = AlertScope.Team("acme", "t1");
        await using var slowWatch = await _alerts.WatchAsync(scope, null);
        await using var keenWatch = await _alerts.WatchAsync(scope, null);
        await using var slow = slowWatch.ReadAllAsync().GetAsyncEnumerator();
        await using var keen = keenWatch.ReadAllAsync().GetAsyncEnumerator();
        for (var i = 0; i < InProcessAlerts.WatcherBufferSize; i++)
        {
            _alerts.Raise(Alerts.For("acme", "t1", "a1", AlertAudience.Team));
            await NextAsync(keen);
        }

        // Act
        var oneTooMany = Alerts.For("acme", "t1", "a1", AlertAudience.Team);
        _alerts.Raise(oneTooMany);
        var afterwards = Alerts.For("acme", "t1", "a1", AlertAudience.Team);
        _alerts.Raise(afterwards);

        // Assert: the slow watcher gets what it held, then the overflow; the keen one goes on.
        Assert.Equal([oneTooMany, afterwards], [await NextAsync(keen), await NextAsync(keen)]);
        for (var i = 0; i < InProcessAlerts.WatcherBufferSize; i++)
        {
            await NextAsync(slow);
        }

        var overflow = await Assert.ThrowsAsync<AlertFeedOverflowException>(() => slow.MoveNextAsync().AsTask().WaitAsync(ReadTimeout));
        Assert.Equal(InProcessAlerts.WatcherBufferSize, overflow.Buffered);
        var stillLive = Alerts.For("acme", "t1", "a1", AlertAudience.Team);
        _alerts.Raise(stillLive);
        Assert.Same(stillLive, await NextAsync(keen));
    }

    [Fact]
    public async Task ReadAllAsync_CancelledWhileWaiting_ReadingEndsAndDisposingRemovesTheWatcher()
    {
        // Arrange
        using var cancel = new CancellationTokenSource();
        var watch = await _alerts.WatchAsync(AlertScope.Agent("acme", "a1"), null);
        var waiting = watch.ReadAllAsync(cancel.Token).GetAsyncEnumerator(cancel.Token).MoveNextAsync().AsTask();
        Assert.Equal(1, _alerts.WatcherCount);

        // Act
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(ReadTimeout));
        await watch.DisposeAsync();

        // Assert
        Assert.Equal(0, _alerts.WatcherCount);
    }

    [Fact]
    public async Task DisposeAsync_AfterReading_WatcherRemovedAndReadingEnds()
    {
        // Arrange
        var watch = await _alerts.WatchAsync(AlertScope.Team("acme", "t1"), null);
        await using var reading = watch.ReadAllAsync().GetAsyncEnumerator();
        _alerts.Raise(Alerts.For("acme", "t1", "a1", AlertAudience.Team));
        await NextAsync(reading);

        // Act
        await watch.DisposeAsync();

        // Assert
        Assert.Equal(0, _alerts.WatcherCount);
        Assert.False(await reading.MoveNextAsync().AsTask().WaitAsync(ReadTimeout));
    }

    [Fact]
    public async Task DisposeAsync_BeforeAnyRead_WatcherRemoved()
    {
        // Arrange: WatchAlerts opens the watch, then writes the response headers; a client gone by then ends the call
        // before anything reads the watch.
        var watch = await _alerts.WatchAsync(AlertScope.Team("acme", "t1"), null);

        // Act
        await watch.DisposeAsync();

        // Assert
        Assert.Equal(0, _alerts.WatcherCount);
    }

    private static async Task<Alert> NextAsync(IAsyncEnumerator<WatchedAlert> watch)
    {
        Assert.True(await watch.MoveNextAsync().AsTask().WaitAsync(ReadTimeout), "The watch ended.");
        return watch.Current.Alert;
    }
}
