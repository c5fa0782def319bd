using System.Text;
using AbuseDetector.Alerts.Redis.Internal;
using AbuseDetector.Escalation;
using AbuseDetector.Monitoring;

namespace AbuseDetector.Alerts.Redis.Tests;

/// <summary>
/// The outbox journal across crashes. A crash is <see cref="RedisAlertPublisher.AbandonAsync"/>: the loop stops where it
/// is and the file is closed with no completion records, which is what a kill -9 leaves on disk (the process's writes
/// are in the file, not in a buffer). A real kill -9 would end this test run, so the service's end-to-end tests do that
/// one with the service in its own process.
/// </summary>
public sealed class RedisAlertPublisherJournalTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("abuse-journal-").FullName;

    private string JournalPath => Path.Combine(_dir, "outbox.journal");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData(JournalFlushPolicy.EveryWrite)]
    [InlineData(JournalFlushPolicy.EverySecond)]
    [InlineData(JournalFlushPolicy.OperatingSystem)]
    public async Task StartAsync_AfterACrashWhileRedisWasDown_DeliversEveryAlertOnceInOrder(JournalFlushPolicy flush)
    {
        // Arrange: Redis is down while 200 alerts are raised, then the process dies.
        await using var server = await RedisServerProcess.StartNewAsync();
        await server.StopAsync();
        var options = Options(server, o => o.JournalFlush = flush);
        await using (var before = await RedisStack.ConnectAsync(options, waitUntilConnected: false))
        {
            var crashed = await before.StartPublisherAsync();
            using var metrics = new MetricsRecorder(crashed);
            for (var i = 1; i <= 200; i++)
            {
                Assert.True(crashed.TryEnqueue(TestAlerts.Make("acme", i)));
            }

            await Eventually.TrueAsync(() => metrics.Sum("abuse_detector.alerts.publish_retries") >= 1, "the outbox retried");
            await crashed.AbandonAsync();
        }

        // Act: Redis is back, and the service starts again on the same journal.
        await server.StartAsync();
        await using var raw = await RawSubscriber.StartAsync(server.Configuration, "abuse:acme:team:team-1", "abuse:acme:agent:agent-1");
        await using var after = await RedisStack.ConnectAsync(options);
        var restarted = await after.StartPublisherAsync();

        // Assert
        Assert.True(await restarted.FlushAsync(TimeSpan.FromSeconds(30)));
        var expected = Enumerable.Range(1, 200).Select(i => $"acme-alert-{i}").ToList();
        await Eventually.TrueAsync(() => raw.Messages.Count >= 400, "every alert reached both channels");
        await Task.Delay(100);
        Assert.Equal(expected, raw.On("abuse:acme:team:team-1").Select(a => a.AlertId));
        Assert.Equal(expected, raw.On("abuse:acme:agent:agent-1").Select(a => a.AlertId));
        Assert.Equal(expected, (await after.Feed().ReadHistoryAsync(AlertScope.Team("acme", "team-1"), HistoryId.Start, 1000)).Select(e => e.Alert.AlertId));
        Assert.StartsWith("Put 200 alerts from the outbox journal back", Assert.Single(after.Logs.Messages("OutboxJournalReplayed")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_JournalOfAlertsThatReachedRedisBeforeTheCrash_PublishesNoneTwice()
    {
        // Arrange: the crash came after Redis ran the script for alerts 1 to 5 and before their completion record.
        await using var server = await RedisServerProcess.StartNewAsync();
        var options = Options(server);
        var items = Enumerable.Range(1, 10).Select(i => Item(TestAlerts.Make("acme", i, AlertAudience.Team))).ToList();
        var (journal, _) = OutboxJournal.Open(JournalPath, JournalFlushPolicy.EveryWrite, options.MaxJournalBytes, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        using (journal)
        {
            items.ForEach(journal.Append);
        }

        await using var raw = await RawSubscriber.StartAsync(server.Configuration, "abuse:acme:team:team-1");
        using (var admin = await RedisTestConnection.AdminAsync(server))
        {
            var (keys, values) = Scripts.PublishAlertsArguments(new RedisKeys("abuse"), options, items[..5], sharded: false);
            await admin.GetDatabase().ScriptEvaluateAsync(Scripts.PublishAlerts, keys, values);
        }

        // Act
        await using var stack = await RedisStack.ConnectAsync(options);
        var publisher = await stack.StartPublisherAsync();
        using var metrics = new MetricsRecorder(publisher);

        // Assert: the replay of 1 to 5 is its own retry (same tokens), so they count as published, not duplicates.
        Assert.True(await publisher.FlushAsync(TimeSpan.FromSeconds(15)));
        await Eventually.TrueAsync(() => raw.Messages.Count >= 10, "every alert reached the team channel");
        await Task.Delay(100);
        Assert.Equal(Enumerable.Range(1, 10).Select(i => $"acme-alert-{i}"), raw.Ids());
        Assert.Equal(10, metrics.Sum("abuse_detector.alerts.published"));
        Assert.Equal(0, metrics.Sum("abuse_detector.alerts.duplicates"));
    }

    [Fact]
    public async Task StartAsync_TornLastLine_SkipsItAndDeliversTheRest()
    {
        // Arrange: ten alerts journaled, then a crash in the middle of writing the eleventh.
        await using var server = await RedisServerProcess.StartNewAsync();
        await server.StopAsync();
        var options = Options(server);
        await using (var before = await RedisStack.ConnectAsync(options, waitUntilConnected: false))
        {
            var crashed = await before.StartPublisherAsync();
            for (var i = 1; i <= 10; i++)
            {
                crashed.TryEnqueue(TestAlerts.Make("acme", i, AlertAudience.Team));
            }

            await crashed.AbandonAsync();
        }

        await File.AppendAllTextAsync(JournalPath, "+ 11 0123456789abcdef {\"alert_id\":\"acme-alert-11\",\"tenant_id\":\"ac");
        await server.StartAsync();
        await using var raw = await RawSubscriber.StartAsync(server.Configuration, "abuse:acme:team:team-1");

        // Act
        await using var stack = await RedisStack.ConnectAsync(options);
        var publisher = await stack.StartPublisherAsync();
        Assert.True(publisher.TryEnqueue(TestAlerts.Make("acme", 12, AlertAudience.Team)));

        // Assert
        Assert.True(await publisher.FlushAsync(TimeSpan.FromSeconds(15)));
        await publisher.DisposeAsync();
        await Eventually.TrueAsync(() => raw.Messages.Count >= 11, "the ten journaled alerts and the new one arrived");
        Assert.Equal([.. Enumerable.Range(1, 10).Select(i => $"acme-alert-{i}"), "acme-alert-12"], raw.Ids());
        Assert.Contains("Skipped 1 unreadable lines", Assert.Single(stack.Logs.Messages("OutboxJournalLinesSkipped")), StringComparison.Ordinal);
        Assert.All(await File.ReadAllLinesAsync(JournalPath), line => Assert.DoesNotContain("acme-alert-11", line, StringComparison.Ordinal));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task StartAsync_NewJournal_ReadableAndWritableByItsOwnerOnly()
    {
        await using var server = await RedisServerProcess.StartNewAsync();
        await using var stack = await RedisStack.ConnectAsync(Options(server));

        await stack.StartPublisherAsync();

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(JournalPath));
    }

    [Fact]
    public async Task StartAsync_SecondPublisherOnTheSameJournal_FailsWithASentenceNamingTheSetting()
    {
        await using var server = await RedisServerProcess.StartNewAsync();
        await using var stack = await RedisStack.ConnectAsync(Options(server));
        var first = await stack.StartPublisherAsync();
        var second = new RedisAlertPublisher(stack.Redis, stack.Options, stack.Retry);

        var error = await Assert.ThrowsAsync<IOException>(() => second.StartAsync());

        Assert.Contains($"The outbox journal '{JournalPath}' (OutboxJournalPath) cannot be used", error.Message, StringComparison.Ordinal);
        Assert.Contains("Each instance needs its own OutboxJournalPath", error.Message, StringComparison.Ordinal);
        Assert.True(first.TryEnqueue(TestAlerts.Make("acme", 1)));
        Assert.True(await first.FlushAsync(TimeSpan.FromSeconds(15)));
        await second.DisposeAsync();
    }

    [Fact]
    public async Task StartAsync_FileThatIsNotAJournal_FailsAndLeavesItAlone()
    {
        await File.WriteAllTextAsync(JournalPath, "somebody's notes\n");
        await using var server = await RedisServerProcess.StartNewAsync();
        await using var stack = await RedisStack.ConnectAsync(Options(server));
        var publisher = new RedisAlertPublisher(stack.Redis, stack.Options, stack.Retry);

        var error = await Assert.ThrowsAsync<IOException>(() => publisher.StartAsync());

        Assert.Contains("named by OutboxJournalPath is not an outbox journal", error.Message, StringComparison.Ordinal);
        Assert.Equal("somebody's notes\n", await File.ReadAllTextAsync(JournalPath));
        await publisher.DisposeAsync();
    }

    [Fact]
    public async Task TryEnqueue_JournalPastItsLimit_CompactsAndKeepsThePendingAlerts()
    {
        // Arrange: a 16 KiB limit; an alert line is about 600 bytes.
        await using var server = new RedisServerProcess(extraArguments: ["--appendonly", "yes", "--appendfsync", "always", "--dir", _dir]);
        await server.StartAsync();
        var options = Options(server, o => o.MaxJournalBytes = 16 * 1024);
        await using var raw = await RawSubscriber.StartAsync(server.Configuration, "abuse:acme:team:team-1");
        await using (var before = await RedisStack.ConnectAsync(options))
        {
            var crashed = await before.StartPublisherAsync();
            using var metrics = new MetricsRecorder(crashed);

            // Act: 300 published, then 100 raised while Redis is away, and the process dies.
            for (var i = 1; i <= 300; i++)
            {
                crashed.TryEnqueue(TestAlerts.Make("acme", i, AlertAudience.Team));
                Assert.True(await crashed.FlushAsync(TimeSpan.FromSeconds(15)));
            }

            var compactedWhilePublishing = before.Logs.Messages("OutboxJournalCompacted").Count;
            Assert.True(compactedWhilePublishing >= 2, "the journal was compacted while alerts were published");
            await server.StopAsync();
            for (var i = 301; i <= 400; i++)
            {
                crashed.TryEnqueue(TestAlerts.Make("acme", i, AlertAudience.Team));
            }

            await Eventually.TrueAsync(() => metrics.Sum("abuse_detector.alerts.publish_retries") >= 1, "the outbox retried");
            await Eventually.TrueAsync(() => before.Logs.Messages("OutboxJournalCompacted").Count > compactedWhilePublishing, "the journal was compacted while alerts waited");
            await crashed.AbandonAsync();
            Assert.True(new FileInfo(JournalPath).Length < 150 * 1024, "the journal holds about the 100 alerts waiting, not all 400");
        }

        await server.StartAsync();
        await Subscriptions.WaitAsync(server.Configuration, "abuse:acme:team:team-1"); // the subscriber is back
        await using var after = await RedisStack.ConnectAsync(options);
        var restarted = await after.StartPublisherAsync();

        // Assert: the 100 waiting arrive, and none of the 300 twice.
        Assert.True(await restarted.FlushAsync(TimeSpan.FromSeconds(30)));
        await Eventually.TrueAsync(async () => (await after.Feed().ReadHistoryAsync(AlertScope.Team("acme", "team-1"), HistoryId.Start, 1000)).Count >= 400, "all 400 are in the history");
        Assert.Equal(Enumerable.Range(1, 400).Select(i => $"acme-alert-{i}"), (await after.Feed().ReadHistoryAsync(AlertScope.Team("acme", "team-1"), HistoryId.Start, 1000)).Select(e => e.Alert.AlertId));
        await Eventually.TrueAsync(() => raw.Messages.Count >= 400, "the 100 reached the subscriber");
        await Task.Delay(100);
        Assert.Equal(Enumerable.Range(1, 400).Select(i => $"acme-alert-{i}"), raw.Ids());
    }

    [Fact]
    public async Task DisposeAsync_RedisDownWithAJournal_LeavesTheAlertsForTheNextStartNotDropped()
    {
        await using var server = await RedisServerProcess.StartNewAsync();
        await server.StopAsync();
        var options = Options(server, o => o.ShutdownFlushTimeout = TimeSpan.FromMilliseconds(200));
        await using (var before = await RedisStack.ConnectAsync(options, waitUntilConnected: false))
        {
            var stopped = await before.StartPublisherAsync();
            using var metrics = new MetricsRecorder(stopped);
            for (var i = 1; i <= 5; i++)
            {
                stopped.TryEnqueue(TestAlerts.Make("acme", i, AlertAudience.Team));
            }

            await stopped.DisposeAsync();

            Assert.Equal(0, stopped.DroppedCount);
            Assert.Equal(0, metrics.Sum("abuse_detector.alerts.dropped"));
            Assert.Contains("Shutting down with 5 alerts still in the outbox", Assert.Single(before.Logs.Messages("OutboxLeftInJournal")), StringComparison.Ordinal);
        }

        await server.StartAsync();
        await using var after = await RedisStack.ConnectAsync(options);
        var restarted = await after.StartPublisherAsync();

        Assert.True(await restarted.FlushAsync(TimeSpan.FromSeconds(15)));
        Assert.Equal(Enumerable.Range(1, 5).Select(i => $"acme-alert-{i}"), (await after.Feed().ReadHistoryAsync(AlertScope.Team("acme", "team-1"), HistoryId.Start, 10)).Select(e => e.Alert.AlertId));
    }

    [Fact]
    public async Task StartAsync_AlertsRaisedBeforeStart_FollowTheReplayedOnes()
    {
        await using var server = await RedisServerProcess.StartNewAsync();
        var options = Options(server);
        var (journal, _) = OutboxJournal.Open(JournalPath, JournalFlushPolicy.EveryWrite, options.MaxJournalBytes, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        using (journal)
        {
            journal.Append(Item(TestAlerts.Make("acme", 1, AlertAudience.Team)));
            journal.Append(Item(TestAlerts.Make("acme", 2, AlertAudience.Team)));
        }

        await using var stack = await RedisStack.ConnectAsync(options);
        await using var publisher = new RedisAlertPublisher(stack.Redis, options, stack.Retry);

        Assert.True(publisher.TryEnqueue(TestAlerts.Make("acme", 3, AlertAudience.Team)));
        await publisher.StartAsync();

        Assert.True(await publisher.FlushAsync(TimeSpan.FromSeconds(15)));
        Assert.Equal(["acme-alert-1", "acme-alert-2", "acme-alert-3"], (await stack.Feed().ReadHistoryAsync(AlertScope.Team("acme", "team-1"), HistoryId.Start, 10)).Select(e => e.Alert.AlertId));
    }

    [Fact]
    public void Open_CompletedAndTornRecords_ReplaysOnlyWhatIsPendingInOrder()
    {
        var header = "# abuse-detector outbox journal 1\n";
        string Line(int n) => $"+ {n} token{n} {TestAlerts.Json(TestAlerts.Make("acme", n))}\n";
        File.WriteAllText(JournalPath, header + Line(1) + Line(2) + "- 1\n" + Line(3) + "garbage\n" + Line(4) + "- 4 2\n" + Line(5) + "- 5 x\n" + "+ 6 tok", new UTF8Encoding(false));

        var (journal, pending) = OutboxJournal.Open(JournalPath, JournalFlushPolicy.OperatingSystem, 1 << 20, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        journal.Dispose();

        Assert.Equal(["acme-alert-3", "acme-alert-5"], pending.Select(p => p.Alert.AlertId));
        Assert.Equal(["token3", "token5"], pending.Select(p => p.Token));
        Assert.Equal(header + Line(3) + Line(5), File.ReadAllText(JournalPath));
    }

    private RedisAlertsOptions Options(RedisServerProcess server, Action<RedisAlertsOptions>? configure = null) =>
        RedisTestOptions.For(server, o =>
        {
            o.OutboxJournalPath = JournalPath;
            configure?.Invoke(o);
        });

    private static OutboxItem Item(Alert alert) => new(alert, AlertJson.Serialize(alert), OutboxItem.NewToken(), TimeProvider.System.GetTimestamp());
}
