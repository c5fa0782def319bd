using System.Collections.Concurrent;
using AbuseDetector.Contracts.V1;
using AbuseDetector.Monitoring;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;

namespace AbuseDetector.Service.Tests;

/// <summary>With --redis none, WatchAlerts streams the alerts raised on this instance; history and incidents say they need Redis.</summary>
public sealed class WatchAlertsWithoutRedisTests
{
    [Fact]
    public async Task WatchAlerts_Agent_SeesItsCallsAlertsOnly()
    {
        // Arrange
        await using var service = await ServiceInstance.StartAsync();
        var client = service.NewClient();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var seen = new ConcurrentQueue<Alert>();
        var watching = Task.Run(async () =>
        {
            await foreach (var alert in client.WatchAlerts(new WatchAlertsRequest { TenantId = "demo", AgentId = "agent-7" }, cancellationToken: stop.Token).ResponseStream.ReadAllAsync(stop.Token))
            {
                seen.Enqueue(alert);
            }
        });
        var hub = service.Services.GetRequiredService<InProcessAlerts>();
        await Eventually.TrueAsync(() => hub.WatcherCount == 1, "the watch was in place");

        // Act: one call for agent 7, one for another agent of the same tenant, one for agent 7 of another tenant.
        await SampleCalls.ReplayAsync(client, "persistent-swearing", "demo");
        await SampleCalls.ReplayAsync(client, "threat", "other-tenant");

        // Assert
        await Eventually.TrueAsync(() => seen.Count >= 4, "agent 7's four level changes arrived");
        await Task.Delay(300);
        Assert.Equal(
            [EscalationLevel.Notice, EscalationLevel.Warning, EscalationLevel.FinalWarning, EscalationLevel.EndCallPermitted],
            seen.Select(a => a.Level));
        Assert.All(seen, a => Assert.Equal("demo", a.TenantId));
        Assert.All(seen, a => Assert.True(a.ForAgent));
        stop.Cancel();
        await WatchAssert.EndsCancelledAsync(watching);
        await Eventually.TrueAsync(() => hub.WatcherCount == 0, "the ended watch was removed");
    }

    [Theory]
    [InlineData("", "x", "", "", "InvalidArgument")]
    [InlineData("demo", "", "", "", "InvalidArgument")]
    [InlineData("demo", "team-1", "", "1700000000000-0", "FailedPrecondition")]
    [InlineData("demo", "", "agent-7", "1700000000000-0", "FailedPrecondition")]
    [InlineData("demo", "", "agent-7", "0", "FailedPrecondition")]
    [InlineData("demo", "", "agent-7", "yesterday", "InvalidArgument")]
    public async Task WatchAlerts_BadOrUnservable_ClearStatus(string tenant, string team, string agent, string since, string expected)
    {
        // Arrange
        await using var service = await ServiceInstance.StartAsync();
        var client = service.NewClient();
        var request = new WatchAlertsRequest { TenantId = tenant, SinceHistoryId = since };
        if (team.Length > 0)
        {
            request.TeamId = team;
        }

        if (agent.Length > 0)
        {
            request.AgentId = agent;
        }

        // Act
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await foreach (var alert in client.WatchAlerts(request).ResponseStream.ReadAllAsync())
            {
                Assert.Fail("no alert was expected, got " + alert);
            }
        });

        // Assert
        Assert.Equal(expected, error.StatusCode.ToString());
        Assert.False(string.IsNullOrEmpty(error.Status.Detail));
    }

    [Fact]
    public async Task Incidents_WithoutRedis_FailedPreconditionSaysWhy()
    {
        // Arrange
        await using var service = await ServiceInstance.StartAsync();
        var client = service.NewClient();

        // Act
        var get = await Assert.ThrowsAsync<RpcException>(() => client.GetIncidentAsync(new GetIncidentRequest { TenantId = "demo", CallId = "c" }).ResponseAsync);
        var list = await Assert.ThrowsAsync<RpcException>(() => client.ListIncidentsAsync(new ListIncidentsRequest { TenantId = "demo" }).ResponseAsync);

        // Assert
        Assert.Equal(StatusCode.FailedPrecondition, get.StatusCode);
        Assert.Equal(StatusCode.FailedPrecondition, list.StatusCode);
        Assert.Contains("--redis none", get.Status.Detail, StringComparison.Ordinal);
    }
}
