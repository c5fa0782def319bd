using AbuseDetector.Contracts.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace AbuseDetector.Service.Tests;

/// <summary>ListIncidents checks its filters before it asks the store (this service runs without Redis: any request that got that far would answer FAILED_PRECONDITION).</summary>
[Collection(ServiceCollection.Name)]
public sealed class ListIncidentsRequestTests(ServiceFixture service) : ServiceTestBase(service)
{
    public static TheoryData<Timestamp> ImpossibleTimes => [new Timestamp { Seconds = 1, Nanos = -1 }, new Timestamp { Seconds = 1, Nanos = 1_000_000_000 }, new Timestamp { Seconds = 300_000_000_000 }];

    [Theory]
    [MemberData(nameof(ImpossibleTimes))]
    public async Task ListIncidents_FromNoClockCanShow_InvalidArgumentNamingIt(Timestamp from)
    {
        // Act
        var error = await Assert.ThrowsAsync<RpcException>(() => Service.NewClient().ListIncidentsAsync(new ListIncidentsRequest { TenantId = "t", From = from }).ResponseAsync);

        // Assert
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.StartsWith("from must be a valid timestamp", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListIncidents_ValidTimes_ReachTheStore()
    {
        // Act
        var error = await Assert.ThrowsAsync<RpcException>(() => Service.NewClient().ListIncidentsAsync(new ListIncidentsRequest
        {
            TenantId = "t",
            From = Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)),
            To = Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, 12, 31, 0, 0, 0, TimeSpan.Zero)),
        }).ResponseAsync);

        // Assert
        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
    }
}
