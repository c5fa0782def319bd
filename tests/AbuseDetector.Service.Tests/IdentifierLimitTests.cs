using AbuseDetector.Client;
using AbuseDetector.Contracts.V1;
using Grpc.Core;

namespace AbuseDetector.Service.Tests;

/// <summary>Identifiers longer than MaxIdLength (128 UTF-8 bytes by default) are refused with INVALID_ARGUMENT before anything is kept.</summary>
[Collection(ServiceCollection.Name)]
public sealed class IdentifierLimitTests(ServiceFixture service) : ServiceTestBase(service)
{
    public static TheoryData<string> CallStartFields => ["call_id", "tenant_id", "agent_id", "team_id", "customer_id", "language"];

    [Theory]
    [MemberData(nameof(CallStartFields))]
    public async Task StreamCall_IdentifierOf129Bytes_InvalidArgumentNamingIt(string field)
    {
        // Arrange
        var start = NewStart();
        Set(start, field, new string('x', 129));

        // Act
        var error = await RunAsync(start);

        // Assert
        Assert.Equal(StatusCode.InvalidArgument, error?.StatusCode);
        Assert.Equal($"{field} is longer than 128 bytes.", error!.Status.Detail);
    }

    [Fact]
    public async Task StreamCall_OneMegabyteAgentId_InvalidArgument()
    {
        // Arrange
        var start = NewStart();
        start.AgentId = new string('a', 1024 * 1024);

        // Act
        var error = await RunAsync(start);

        // Assert
        Assert.Equal(StatusCode.InvalidArgument, error?.StatusCode);
    }

    [Fact]
    public async Task StreamCall_FortyThreeEuroSigns_CountedAsBytesAndRefused()
    {
        // Arrange: 43 characters, 129 bytes in UTF-8.
        var start = NewStart();
        start.TeamId = new string('€', 43);

        // Act
        var error = await RunAsync(start);

        // Assert
        Assert.Equal(StatusCode.InvalidArgument, error?.StatusCode);
        Assert.Contains("team_id", error!.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StreamCall_IdentifiersOfExactly128Bytes_Accepted()
    {
        // Arrange
        var start = NewStart();
        start.CallId = new string('c', 128);
        start.AgentId = new string('a', 128);
        start.CustomerId = new string('€', 42) + "xx";

        // Act
        var error = await RunAsync(start);

        // Assert
        Assert.Null(error);
    }

    [Fact]
    public async Task WatchAlerts_TeamIdTooLong_InvalidArgument()
    {
        // Act
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            using var watch = Service.NewClient().WatchAlerts(new WatchAlertsRequest { TenantId = "t", TeamId = new string('t', 129) });
            await watch.ResponseStream.MoveNext();
        });

        // Assert
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal("team_id is longer than 128 bytes.", error.Status.Detail);
    }

    [Fact]
    public async Task GetIncident_TenantIdTooLong_InvalidArgumentBeforeAnyLookup()
    {
        // Act: this service runs without Redis, so anything but the length check would answer FAILED_PRECONDITION.
        var error = await Assert.ThrowsAsync<RpcException>(() => Service.NewClient().GetIncidentAsync(new GetIncidentRequest { TenantId = new string('t', 200), CallId = "c" }).ResponseAsync);

        // Assert
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal("tenant_id is longer than 128 bytes.", error.Status.Detail);
    }

    [Fact]
    public async Task MaxIdLength_Configured_ThatLimitApplies()
    {
        // Arrange
        await using var service = await ServiceInstance.StartAsync(new Dictionary<string, string?> { ["AbuseDetector:MaxIdLength"] = "32" });
        var start = NewStart();
        start.CallId = new string('c', 33);

        // Act
        var error = await RunAsync(service.NewClient(), start);

        // Assert
        Assert.Equal("call_id is longer than 32 bytes.", error?.Status.Detail);
    }

    private static CallStart NewStart() => new() { CallId = Guid.NewGuid().ToString("N"), TenantId = "ids", AgentId = "agent-1", TeamId = "team-1", Language = "en-GB" };

    private static void Set(CallStart start, string field, string value)
    {
        switch (field)
        {
            case "call_id": start.CallId = value; break;
            case "tenant_id": start.TenantId = value; break;
            case "agent_id": start.AgentId = value; break;
            case "team_id": start.TeamId = value; break;
            case "customer_id": start.CustomerId = value; break;
            default: start.Language = value; break;
        }
    }

    private Task<RpcException?> RunAsync(CallStart start) => RunAsync(Service.NewClient(), start);

    /// <summary>Runs a one-chunk call; the status it failed with, or null when it completed.</summary>
    private static async Task<RpcException?> RunAsync(Contracts.V1.AbuseDetector.AbuseDetectorClient client, CallStart start)
    {
        try
        {
            await using var call = await client.StartCallAsync(start);
            try
            {
                await call.SendChunkAsync(new TranscriptChunk { Seq = 1, Speaker = Speaker.Customer, Text = "hello", IsFinal = true });
                await call.EndAsync(new CallEnd { Reason = CallEndReason.Completed });
            }
            catch (RpcException)
            {
                // A send racing the service's refusal fails as CANCELLED; the refusal's own status comes with the updates.
            }

            await foreach (var update in call.ReadUpdatesAsync())
            {
                Assert.NotNull(update);
            }

            return null;
        }
        catch (RpcException error)
        {
            return error;
        }
    }
}
