using Microsoft.Extensions.Time.Testing;

namespace AbuseDetector.Monitoring.Tests;

public sealed class CallClockTests
{
    private static readonly DateTimeOffset Start = Monitors.CallStart;

    private readonly FakeTimeProvider _time = new(Start);
    private readonly CallClock _clock;

    public CallClockTests()
    {
        _clock = new CallClock(_time, Start);
    }

    [Fact]
    public void At_NoOffset_FollowsTheClock()
    {
        // Arrange
        _time.Advance(TimeSpan.FromSeconds(2));

        // Act
        var at = _clock.At(0);

        // Assert
        Assert.Equal(Start.AddSeconds(2), at);
    }

    [Fact]
    public void At_Offset_WinsOverTheClock()
    {
        // Arrange: the event reaches the service a minute late.
        _time.Advance(TimeSpan.FromMinutes(1));

        // Act
        var at = _clock.At(3_000);

        // Assert
        Assert.Equal(Start.AddSeconds(3), at);
    }

    [Fact]
    public void At_OffsetBeforeAnEarlierOne_DoesNotGoBackwards()
    {
        // Arrange
        _clock.At(5_000);

        // Act
        var at = _clock.At(3_000);

        // Assert
        Assert.Equal(Start.AddSeconds(5), at);
    }

    [Fact]
    public void At_NoOffsetAfterAnOffsetAheadOfTheClock_DoesNotGoBackwards()
    {
        // Arrange: the platform says 30 s while the clock has moved 1 s.
        _clock.At(30_000);
        _time.Advance(TimeSpan.FromSeconds(1));

        // Act
        var at = _clock.At(0);

        // Assert
        Assert.Equal(Start.AddSeconds(31), at);
    }

    [Fact]
    public void At_OffsetPastOneDay_CappedAtOneDay()
    {
        // Act
        var at = _clock.At(ulong.MaxValue);

        // Assert
        Assert.Equal(Start.AddDays(1), at);
    }

    [Fact]
    public void Now_NoEvents_FollowsTheClock()
    {
        // Arrange
        _time.Advance(TimeSpan.FromSeconds(7));

        // Act
        var now = _clock.Now();

        // Assert
        Assert.Equal(Start.AddSeconds(7), now);
    }

    [Fact]
    public void Now_AfterPlatformTimedEvent_AdvancesWithTheClockFromThatEvent()
    {
        // Arrange: the event ended 5 s into the call, delivered 20 s after the start.
        _time.Advance(TimeSpan.FromSeconds(20));
        _clock.At(5_000);

        // Act
        _time.Advance(TimeSpan.FromSeconds(3));
        var now = _clock.Now();

        // Assert
        Assert.Equal(Start.AddSeconds(8), now);
    }

    [Fact]
    public void At_OffsetBehindTheCallTimeNowReported_DoesNotGoBackwards()
    {
        // Arrange: after an event at 5 s, 10 s pass on the clock, so call time is reported as 15 s (a calm step may be
        // taken then); the next utterance the platform places at 6 s.
        _clock.At(5_000);
        _time.Advance(TimeSpan.FromSeconds(10));
        var reported = _clock.Now();

        // Act
        var at = _clock.At(6_000);

        // Assert
        Assert.Equal(Start.AddSeconds(15), reported);
        Assert.True(at >= reported, $"call time went back from {reported:HH:mm:ss.fff} to {at:HH:mm:ss.fff}");
    }
}
