using AbuseDetector.Alerts.Redis;
using AbuseDetector.Contracts.V1;
using AbuseDetector.Monitoring;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using EngineKind = AbuseDetector.Escalation.AlertKind;

namespace AbuseDetector.Service.Tests;

/// <summary>
/// Calls that resume (CallStart.resume) on real services sharing a real redis-server: the statuses of a resume that
/// cannot be, and a call handed over by an instance that stops and resumed on another.
/// </summary>
public sealed class CallResumeTests(RedisServiceFixture fixture) : IClassFixture<RedisServiceFixture>
{
    private const string Insult = "you are a useless fucking idiot";
    private const string AnotherInsult = "shut up you stupid moron";
    private const string Clean = "I would like to check my order please";
    private const string HandedOverMessage = "the service is shutting down: resume this call on another instance (CallStart.resume)";

    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task StreamCall_ResumeOfAnUnknownCall_NotFound()
    {
        // Arrange
        var tenant = RedisServerFixture.NewTenant();

        // Act
        var error = await ResumeErrorAsync(fixture.NewClient(), tenant, "never-started");

        // Assert
        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Equal("There is no saved state for this call: it never started, its state expired, or the service keeps none (--redis none).", error.Status.Detail);
        Assert.Empty(fixture.Errors);
    }

    [Fact]
    public async Task StreamCall_ResumeOfACallThatEnded_FailedPrecondition()
    {
        // Arrange
        var (tenant, callId) = (RedisServerFixture.NewTenant(), NewCallId());
        var client = fixture.NewClient();
        using (var call = await OpenAsync(client, NewStart(tenant, callId)))
        {
            await SendAsync(call, Chunk(1, Insult), movesTheLevel: true);
            await call.RequestStream.WriteAsync(new CallEvent { End = new CallEnd { Reason = CallEndReason.Completed } });
            await call.RequestStream.CompleteAsync();
            await ReadToEndAsync(call);
        }

        await using var admin = await RedisTestConnection.AdminAsync(fixture.Redis);
        await Eventually.TrueAsync(async () => (string?)await admin.GetDatabase().HashGetAsync(StateKey(tenant, callId), "ended") == "1", "the end was saved");

        // Act
        var error = await ResumeErrorAsync(client, tenant, callId);

        // Assert
        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Equal("This call already ended; it cannot be resumed.", error.Status.Detail);
    }

    [Fact]
    public async Task StreamCall_NewCallWhoseIdAnotherInstanceHolds_AlreadyExists()
    {
        // Arrange: another instance's store holds the call.
        var (tenant, callId) = (RedisServerFixture.NewTenant(), NewCallId());
        var options = RedisTestOptions.For(fixture.Redis);
        await using var connection = await RedisTestConnection.ConnectAsync(options);
        await using var elsewhere = new RedisCallStateStore(connection, options, () => [(tenant, callId)]);
        Assert.Equal(CallClaim.Claimed, await elsewhere.ClaimAsync(tenant, callId));

        // Act
        using var call = await OpenAsync(fixture.NewClient(), NewStart(tenant, callId));
        var error = await Assert.ThrowsAsync<RpcException>(() => ReadToEndAsync(call));

        // Assert
        Assert.Equal(StatusCode.AlreadyExists, error.StatusCode);
        Assert.Equal("A call with this call_id is live on another instance for this tenant.", error.Status.Detail);
    }

    [Fact]
    public async Task StopAsync_LiveCallWithRedis_HandedOverAndResumedOnAnotherInstanceWhereItGoesOn()
    {
        // Arrange: two instances on one Redis; a call on A reaches notice and goes on calmly.
        var settings = new Dictionary<string, string?> { ["AbuseDetector:Redis"] = fixture.Redis.Configuration };
        var a = await ServiceInstance.StartAsync(settings);
        await using var b = await ServiceInstance.StartAsync(settings);
        var (tenant, callId) = (RedisServerFixture.NewTenant(), NewCallId());
        var onA = await OpenAsync(a.NewClient(), NewStart(tenant, callId));
        var first = await SendAsync(onA, Chunk(1, Insult), movesTheLevel: true);
        var second = await SendAsync(onA, Chunk(2, Clean));

        // While A holds the call, B refuses to start it again and says to retry a resume.
        using (var duplicate = await OpenAsync(b.NewClient(), NewStart(tenant, callId)))
        {
            Assert.Equal(StatusCode.AlreadyExists, (await Assert.ThrowsAsync<RpcException>(() => ReadToEndAsync(duplicate))).StatusCode);
        }

        var held = await ResumeErrorAsync(b.NewClient(), tenant, callId);

        // Act: A stops (SIGTERM), then the client resumes the call on B.
        var reading = ReadToEndAsync(onA);
        var stopping = a.StopAsync();
        await Eventually.TrueAsync(() => a.Logs.Any(HandedOver), "A logged that it handed the call over", Generous);
        var clientSaw = await Record.ExceptionAsync(() => reading.WaitAsync(Generous));
        onA.Dispose();
        await stopping.WaitAsync(Generous);
        var aErrors = a.Errors.ToList();
        await a.DisposeAsync();

        using var onB = await OpenAsync(b.NewClient(), new CallStart { TenantId = tenant, CallId = callId, Resume = true });
        Assert.True(await onB.ResponseStream.MoveNext());
        var resumed = onB.ResponseStream.Current;
        var third = await SendAsync(onB, Chunk(3, AnotherInsult), movesTheLevel: true);
        var incidentBeforeTheEnd = await Record.ExceptionAsync(() => b.NewClient().GetIncidentAsync(new GetIncidentRequest { TenantId = tenant, CallId = callId }).ResponseAsync);
        var teamBeforeTheEnd = await TeamHistoryAsync(tenant);
        await onB.RequestStream.WriteAsync(new CallEvent { End = new CallEnd { Reason = CallEndReason.Completed } });
        await onB.RequestStream.CompleteAsync();
        await ReadToEndAsync(onB);

        // Assert: A said to resume elsewhere (the client may lose the status in the connection's close, as in
        // StreamLifetimeTests); B refused both while A held the call.
        Assert.Equal(StatusCode.Unavailable, held.StatusCode);
        Assert.Contains("Another instance still holds this call", held.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(EscalationLevel.Notice, first.Last(u => u.UpdateCase == CallUpdate.UpdateOneofCase.Escalation).Escalation.Level);
        Assert.Single(second);
        if (clientSaw is RpcException { StatusCode: StatusCode.Unavailable } status && status.Status.Detail.Length > 0)
        {
            Assert.Equal(HandedOverMessage, status.Status.Detail);
        }

        Assert.Single(a.Logs, HandedOver);
        Assert.DoesNotContain(a.Logs, l => l.EventName == "CallEnded" && l.Message.Contains("dropped", StringComparison.Ordinal));
        Assert.Empty(aErrors);

        // B went on from where A stopped: same level, the next insult one level up (not notice again).
        Assert.Equal(CallUpdate.UpdateOneofCase.Resumed, resumed.UpdateCase);
        Assert.Equal(1UL, resumed.Seq);
        Assert.Equal(2UL, resumed.Resumed.LastSeq);
        Assert.Equal(EscalationLevel.Notice, resumed.Resumed.Level);
        Assert.Equal(EscalationLevel.Warning, third.Last(u => u.UpdateCase == CallUpdate.UpdateOneofCase.Escalation).Escalation.Level);
        Assert.Equal(3UL, third[0].Assessment.Seq);

        // The hand-over neither ended the call (no call_ended alert) nor kept a dropped incident.
        Assert.Equal(StatusCode.NotFound, Assert.IsType<RpcException>(incidentBeforeTheEnd).StatusCode);
        Assert.DoesNotContain(teamBeforeTheEnd, k => k == EngineKind.CallEnded);
        Incident? incident = null;
        await Eventually.TrueAsync(
            async () =>
            {
                var listed = await b.NewClient().ListIncidentsAsync(new ListIncidentsRequest { TenantId = tenant, TeamId = "team-1" });
                incident = listed.Incidents.SingleOrDefault();
                return incident is not null;
            },
            "B kept the call's incident at its end");
        Assert.Equal(IncidentOutcome.Completed, incident!.Outcome);
        Assert.Equal(EscalationLevel.Warning, incident.HighestLevel);
        Assert.Equal([1UL, 3UL], incident.Timeline.Select(u => u.Seq));
        await Eventually.TrueAsync(async () => (await TeamHistoryAsync(tenant)).Contains(EngineKind.CallEnded), "the call_ended alert reached the team");
        Assert.Single(await TeamHistoryAsync(tenant), k => k == EngineKind.CallEnded);
        Assert.Empty(b.Errors);
    }

    [Fact]
    public async Task ClientGoneWithoutEnd_ResumedWithinTheWindow_GoesOnAtItsLevelAndEndsOnce()
    {
        // Arrange: the default window (30 s); the call reaches notice, then its client's stream breaks.
        var settings = new Dictionary<string, string?> { ["AbuseDetector:Redis"] = fixture.Redis.Configuration };
        await using var service = await ServiceInstance.StartAsync(settings);
        var (tenant, callId) = (RedisServerFixture.NewTenant(), NewCallId());
        var lost = await OpenAsync(service.NewClient(), NewStart(tenant, callId));
        await SendAsync(lost, Chunk(1, Insult), movesTheLevel: true);

        // Act
        lost.Dispose();
        await Eventually.TrueAsync(() => service.Logs.Any(KeptForAResume), "the service kept the call for a resume", Generous);
        using var resumedCall = await OpenAsync(service.NewClient(), new CallStart { TenantId = tenant, CallId = callId, Resume = true });
        Assert.True(await resumedCall.ResponseStream.MoveNext());
        var resumed = resumedCall.ResponseStream.Current;
        var next = await SendAsync(resumedCall, Chunk(2, AnotherInsult), movesTheLevel: true);
        await resumedCall.RequestStream.WriteAsync(new CallEvent { End = new CallEnd { Reason = CallEndReason.Completed } });
        await resumedCall.RequestStream.CompleteAsync();
        await ReadToEndAsync(resumedCall);

        // Assert: not ended when the client went; resumed at notice, the next insult one level up, one call_ended.
        Assert.Equal(EscalationLevel.Notice, resumed.Resumed.Level);
        Assert.Equal(1UL, resumed.Resumed.LastSeq);
        Assert.Equal(EscalationLevel.Warning, next.Last(u => u.UpdateCase == CallUpdate.UpdateOneofCase.Escalation).Escalation.Level);
        await Eventually.TrueAsync(async () => (await TeamHistoryAsync(tenant)).Contains(EngineKind.CallEnded), "the call_ended alert reached the team");
        Assert.Single(await TeamHistoryAsync(tenant), k => k == EngineKind.CallEnded);
        Assert.DoesNotContain(service.Logs, l => l.EventName == "CallEndedUnresumed");
        Assert.Empty(service.Errors);
    }

    [Fact]
    public async Task ClientGoneWithoutEnd_NotResumedWithinTheWindow_EndedAsDroppedOnce()
    {
        // Arrange: a one-second window.
        var settings = new Dictionary<string, string?> { ["AbuseDetector:Redis"] = fixture.Redis.Configuration, ["AbuseDetector:ResumeWindow"] = "00:00:01" };
        await using var service = await ServiceInstance.StartAsync(settings);
        var (tenant, callId) = (RedisServerFixture.NewTenant(), NewCallId());
        var lost = await OpenAsync(service.NewClient(), NewStart(tenant, callId));
        await SendAsync(lost, Chunk(1, Insult), movesTheLevel: true);

        // Act
        lost.Dispose();
        Incident? incident = null;
        await Eventually.TrueAsync(
            async () =>
            {
                var listed = await service.NewClient().ListIncidentsAsync(new ListIncidentsRequest { TenantId = tenant, TeamId = "team-1" });
                incident = listed.Incidents.SingleOrDefault();
                return incident is not null;
            },
            "the call was ended as dropped once the window passed",
            Generous);
        var lateResume = await ResumeErrorAsync(service.NewClient(), tenant, callId);

        // Assert
        Assert.Equal(IncidentOutcome.Dropped, incident!.Outcome);
        Assert.Equal(EscalationLevel.Notice, incident.HighestLevel);
        await Eventually.TrueAsync(async () => (await TeamHistoryAsync(tenant)).Contains(EngineKind.CallEnded), "the call_ended alert reached the team");
        Assert.Single(await TeamHistoryAsync(tenant), k => k == EngineKind.CallEnded);
        Assert.Single(service.Logs, l => l.EventName == "CallEndedUnresumed");
        Assert.Equal(StatusCode.FailedPrecondition, lateResume.StatusCode);
        Assert.Empty(service.Errors);
    }

    private static bool KeptForAResume((LogLevel Level, string? EventName, string Message) entry) =>
        entry.EventName == "CallEnded" && entry.Message.Contains("kept for a resume", StringComparison.Ordinal);

    private static bool HandedOver((LogLevel Level, string? EventName, string Message) entry) =>
        entry.EventName == "CallEnded" && entry.Message.StartsWith("Call ended (handed over)", StringComparison.Ordinal);

    private static string NewCallId() => "resume-" + Guid.NewGuid().ToString("N");

    private static string StateKey(string tenant, string callId) => $"abuse:{{{tenant}}}:call:{callId}:state";

    private static CallStart NewStart(string tenant, string callId) => new() { TenantId = tenant, CallId = callId, AgentId = "agent-7", TeamId = "team-1" };

    private static CallEvent Chunk(ulong seq, string text) => new()
    {
        Chunk = new TranscriptChunk { Seq = seq, Speaker = Speaker.Customer, Text = text, IsFinal = true },
    };

    private static async Task<AsyncDuplexStreamingCall<CallEvent, CallUpdate>> OpenAsync(Contracts.V1.AbuseDetector.AbuseDetectorClient client, CallStart start)
    {
        var call = client.StreamCall(cancellationToken: new CancellationTokenSource(Generous * 2).Token);
        await call.RequestStream.WriteAsync(new CallEvent { Start = start });
        return call;
    }

    /// <summary>Sends one chunk and reads its updates: the assessment, then the level change and its alert when the chunk moves the level.</summary>
    private static async Task<List<CallUpdate>> SendAsync(AsyncDuplexStreamingCall<CallEvent, CallUpdate> call, CallEvent chunk, bool movesTheLevel = false)
    {
        await call.RequestStream.WriteAsync(chunk);
        var updates = new List<CallUpdate>();
        for (var i = 0; i < (movesTheLevel ? 3 : 1); i++)
        {
            Assert.True(await call.ResponseStream.MoveNext());
            updates.Add(call.ResponseStream.Current);
        }

        Assert.Equal(CallUpdate.UpdateOneofCase.Assessment, updates[0].UpdateCase);
        return updates;
    }

    private static async Task<List<CallUpdate>> ReadToEndAsync(AsyncDuplexStreamingCall<CallEvent, CallUpdate> call)
    {
        var updates = new List<CallUpdate>();
        while (await call.ResponseStream.MoveNext())
        {
            updates.Add(call.ResponseStream.Current);
        }

        return updates;
    }

    private static async Task<RpcException> ResumeErrorAsync(Contracts.V1.AbuseDetector.AbuseDetectorClient client, string tenant, string callId)
    {
        using var call = await OpenAsync(client, new CallStart { TenantId = tenant, CallId = callId, Resume = true });
        return await Assert.ThrowsAsync<RpcException>(() => ReadToEndAsync(call));
    }

    private async Task<List<EngineKind>> TeamHistoryAsync(string tenant)
    {
        var options = RedisTestOptions.For(fixture.Redis);
        await using var connection = await RedisTestConnection.ConnectAsync(options);
        var feed = new RedisAlertFeed(connection, options);
        var history = await feed.ReadHistoryAsync(AlertScope.Team(tenant, "team-1"), HistoryId.Start, 100);
        return [.. history.Select(h => h.Alert.Kind)];
    }
}
