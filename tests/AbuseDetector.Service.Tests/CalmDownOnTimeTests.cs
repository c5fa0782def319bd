using AbuseDetector.Client;
using AbuseDetector.Contracts.V1;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AbuseDetector.Service.Tests;

/// <summary>A quiet call's level drops when its calm period passes, with no further chunk to carry the news.</summary>
public sealed class CalmDownOnTimeTests
{
    [Fact]
    public async Task QuietCall_CalmPeriodPasses_LevelDropSentOnTheStreamWithoutAnotherChunk()
    {
        // Arrange: the service's clock is the test's, so a minute of quiet takes no minute.
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero));
        await using var service = await ServiceInstance.StartAsync(configureServices: services => services.AddSingleton<TimeProvider>(clock));
        await using var call = await service.NewClient().StartCallAsync(new CallStart { CallId = "quiet-call", TenantId = "calm", AgentId = "a", TeamId = "t" });
        await using var updates = call.ReadUpdatesAsync().GetAsyncEnumerator();
        await call.SendChunkAsync(new TranscriptChunk { Seq = 1, Speaker = Speaker.Customer, Text = "you're a useless idiot", IsFinal = true });
        var rose = await NextEscalationAsync(updates);

        // Act: a calm period of quiet, in steps, until the drop comes (the timer is armed once the updates are queued).
        var next = NextEscalationAsync(updates);
        await Eventually.TrueAsync(
            async () =>
            {
                clock.Advance(TimeSpan.FromSeconds(61));
                return await Task.WhenAny(next, Task.Delay(200)) == next;
            },
            "the level dropped without another chunk");
        var dropped = await next;
        await call.EndAsync(new CallEnd { Reason = CallEndReason.Completed });

        // Assert
        Assert.Equal(EscalationLevel.Notice, rose.Level);
        Assert.Equal(EscalationLevel.None, dropped.Level);
        Assert.Equal(EscalationLevel.Notice, dropped.PreviousLevel);
        Assert.Contains("calmed down", dropped.Reason, StringComparison.Ordinal);
    }

    private static async Task<EscalationChange> NextEscalationAsync(IAsyncEnumerator<CallUpdate> updates)
    {
        while (await updates.MoveNextAsync())
        {
            if (updates.Current.UpdateCase == CallUpdate.UpdateOneofCase.Escalation)
            {
                return updates.Current.Escalation;
            }
        }

        throw new InvalidOperationException("The call ended without an escalation change.");
    }
}
