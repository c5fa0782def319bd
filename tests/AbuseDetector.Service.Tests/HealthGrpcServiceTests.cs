using Google.Protobuf;
using Grpc.Health.V1;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace AbuseDetector.Service.Tests;

[Collection(ServiceCollection.Name)]
public class HealthGrpcServiceTests(ServiceFixture service) : ServiceTestBase(service)
{
    private const string CheckPath = "/grpc.health.v1.Health/Check";
    private const string WatchPath = "/grpc.health.v1.Health/Watch";
    private const int NotFound = 5;

    [Theory]
    [InlineData("")]
    [InlineData("abuse_detector.v1.AbuseDetector")]
    public async Task Check_ServerOrAbuseDetector_Serving(string serviceName)
    {
        // Arrange
        var request = new HealthCheckRequest { Service = serviceName };

        // Act
        var response = await RawGrpcClient.CallAsync(Service.GrpcAddress, CheckPath, RawGrpcClient.Frame(request.ToByteArray()));

        // Assert
        Assert.Equal(0, response.GrpcStatus);
        var result = HealthCheckResponse.Parser.ParseFrom(Assert.Single(response.Messages).Payload);
        Assert.Equal(ServingStatus.Serving, result.Status);
    }

    [Fact]
    public async Task Check_UnknownService_NotFound()
    {
        // Arrange
        var request = new HealthCheckRequest { Service = "no.such.Service" };

        // Act
        var response = await RawGrpcClient.CallAsync(Service.GrpcAddress, CheckPath, RawGrpcClient.Frame(request.ToByteArray()));

        // Assert
        Assert.Equal(NotFound, response.GrpcStatus);
        Assert.Empty(response.Messages);
    }

    [Fact]
    public async Task Watch_Server_SendsServingFirstAndStaysOpenUntilCancelled()
    {
        // Arrange
        var call = RawGrpcClient.StartDuplex(Service.GrpcAddress, WatchPath);
        await using (call)
        {
            await call.SendAsync(new HealthCheckRequest().ToByteArray());
            call.CompleteRequests();

            // Act
            var first = await call.ReadAsync().WaitAsync(TimeSpan.FromSeconds(10));
            var next = call.ReadAsync();
            var endedEarly = await Task.WhenAny(next, Task.Delay(TimeSpan.FromMilliseconds(200))) == next;

            // Assert
            Assert.NotNull(first);
            Assert.Equal(ServingStatus.Serving, HealthCheckResponse.Parser.ParseFrom(first).Status);
            Assert.False(endedEarly, "Watch ended or sent a second message while the status had not changed.");
        }

        // Disposing the call cancelled it; give the server a moment to see the reset, so an error it logs fails this test.
        await Task.Delay(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task Watch_UnknownService_SendsServiceUnknown()
    {
        // Arrange
        var call = RawGrpcClient.StartDuplex(Service.GrpcAddress, WatchPath);
        await using (call)
        {
            await call.SendAsync(new HealthCheckRequest { Service = "no.such.Service" }.ToByteArray());
            call.CompleteRequests();

            // Act
            var first = await call.ReadAsync().WaitAsync(TimeSpan.FromSeconds(10));

            // Assert
            Assert.NotNull(first);
            Assert.Equal(ServingStatus.ServiceUnknown, HealthCheckResponse.Parser.ParseFrom(first).Status);
        }

        await Task.Delay(TimeSpan.FromMilliseconds(100));
    }
}
