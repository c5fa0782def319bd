namespace AbuseDetector.Monitoring.Tests;

public sealed class LiveCallRegistryTests
{
    private readonly LiveCallRegistry _registry = new();

    [Fact]
    public void TryAdd_NewCall_AddedAndCounted()
    {
        // Act
        var registration = _registry.TryAdd("acme", "c1", maxCalls: 10, maxCallsPerTenant: 10);

        // Assert
        Assert.Equal(CallRegistration.Added, registration);
        Assert.Equal(1, _registry.Count);
    }

    [Fact]
    public void TryAdd_SameCallIdTwice_AlreadyLive()
    {
        // Arrange
        _registry.TryAdd("acme", "c1", 10, 10);

        // Act
        var registration = _registry.TryAdd("acme", "c1", 10, 10);

        // Assert
        Assert.Equal(CallRegistration.AlreadyLive, registration);
        Assert.Equal(1, _registry.Count);
    }

    [Fact]
    public void TryAdd_SameCallIdOtherTenant_Added()
    {
        // Arrange
        _registry.TryAdd("acme", "c1", 10, 10);

        // Act
        var registration = _registry.TryAdd("globex", "c1", 10, 10);

        // Assert
        Assert.Equal(CallRegistration.Added, registration);
        Assert.Equal(2, _registry.Count);
    }

    [Fact]
    public void TryAdd_GlobalLimitReached_TooMany()
    {
        // Arrange
        _registry.TryAdd("acme", "c1", 2, 10);
        _registry.TryAdd("globex", "c2", 2, 10);

        // Act
        var registration = _registry.TryAdd("initech", "c3", 2, 10);

        // Assert
        Assert.Equal(CallRegistration.TooMany, registration);
        Assert.Equal(2, _registry.Count);
    }

    [Fact]
    public void TryAdd_TenantLimitReached_TooManyForTenantWhileOthersStillGetIn()
    {
        // Arrange
        _registry.TryAdd("acme", "c1", 10, 2);
        _registry.TryAdd("acme", "c2", 10, 2);

        // Act
        var refused = _registry.TryAdd("acme", "c3", 10, 2);
        var other = _registry.TryAdd("globex", "c3", 10, 2);

        // Assert
        Assert.Equal(CallRegistration.TooManyForTenant, refused);
        Assert.Equal(CallRegistration.Added, other);
    }

    [Fact]
    public void Remove_LiveCall_FreesRoomUnderBothLimits()
    {
        // Arrange
        _registry.TryAdd("acme", "c1", 1, 1);

        // Act
        _registry.Remove("acme", "c1");

        // Assert
        Assert.Equal(0, _registry.Count);
        Assert.Equal(CallRegistration.Added, _registry.TryAdd("acme", "c1", 1, 1));
    }

    [Fact]
    public void Remove_TenantsLastCall_DropsTheTenantCount()
    {
        // Arrange: a tenant count left at zero (or below) would let the tenant one call too many, or too few.
        _registry.TryAdd("acme", "c1", 10, 2);
        _registry.Remove("acme", "c1");
        _registry.Remove("acme", "c1");

        // Act
        var first = _registry.TryAdd("acme", "c2", 10, 2);
        var second = _registry.TryAdd("acme", "c3", 10, 2);
        var third = _registry.TryAdd("acme", "c4", 10, 2);

        // Assert
        Assert.Equal([CallRegistration.Added, CallRegistration.Added, CallRegistration.TooManyForTenant], [first, second, third]);
    }

    [Fact]
    public void Remove_UnknownCall_ChangesNothing()
    {
        // Arrange
        _registry.TryAdd("acme", "c1", 10, 1);

        // Act
        _registry.Remove("acme", "other");
        _registry.Remove("globex", "c1");

        // Assert
        Assert.Equal(1, _registry.Count);
        Assert.Equal(CallRegistration.TooManyForTenant, _registry.TryAdd("acme", "c2", 10, 1));
    }

    [Fact]
    public void Show_RegisteredCalls_FoundByIdTeamAndAgent()
    {
        // Arrange
        var red1 = Register(new("acme", "c1", "ann", "red", "", ""), Minutes(1));
        var red2 = Register(new("acme", "c2", "bob", "red", "", ""), Minutes(2));
        Register(new("acme", "c3", "cid", "blue", "", ""), Minutes(3));
        Register(new("globex", "c4", "ann", "red", "", ""), Minutes(4));

        // Act
        var team = _registry.OfTeam("acme", "red");

        // Assert
        Assert.Equal(["c1", "c2"], team.Select(c => c.Call.CallId).Order(StringComparer.Ordinal));
        Assert.Same(red2, _registry.Find("acme", "c2"));
        Assert.Null(_registry.Find("acme", "c4"));
        Assert.Same(red1, _registry.OfAgent("acme", "red", "ann"));
        Assert.Null(_registry.OfAgent("acme", "blue", "ann"));
    }

    [Fact]
    public void OfAgent_TwoLiveCalls_TheOneStartedLast()
    {
        // Arrange
        Register(new("acme", "c1", "ann", "red", "", ""), Minutes(1));
        var later = Register(new("acme", "c2", "ann", "red", "", ""), Minutes(5));

        // Act, Assert
        Assert.Same(later, _registry.OfAgent("acme", "red", "ann"));
    }

    [Fact]
    public void Find_RegisteredButNotShownYet_Null()
    {
        // Arrange
        _registry.TryAdd("acme", "c1", 10, 10);

        // Act, Assert
        Assert.Null(_registry.Find("acme", "c1"));
        Assert.Empty(_registry.OfTeam("acme", "red"));
    }

    [Fact]
    public void Show_CallNeverRegistered_Throws()
    {
        Assert.Throws<InvalidOperationException>(() => _registry.Show(new LiveCall(new("acme", "c9", "ann", "red", "", ""), Minutes(0))));
    }

    [Fact]
    public async Task Remove_RequestWaiting_AnsweredNotTakenAndNoMoreAccepted()
    {
        // Arrange
        var call = Register(new("acme", "c1", "ann", "red", "", ""), Minutes(1));
        var waiting = new SupervisorRequestFromPanel();
        Assert.True(call.TrySend(waiting));

        // Act
        _registry.Remove("acme", "c1");

        // Assert
        Assert.False(await waiting.Done);
        Assert.False(call.TrySend(new SupervisorRequestFromPanel()));
        Assert.Null(_registry.Find("acme", "c1"));
    }

    private static DateTimeOffset Minutes(int minutes) => new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero).AddMinutes(minutes);

    private LiveCall Register(Escalation.CallParticipants call, DateTimeOffset startedAt)
    {
        Assert.Equal(CallRegistration.Added, _registry.TryAdd(call.TenantId, call.CallId, 10, 10));
        var live = new LiveCall(call, startedAt);
        _registry.Show(live);
        return live;
    }
}
