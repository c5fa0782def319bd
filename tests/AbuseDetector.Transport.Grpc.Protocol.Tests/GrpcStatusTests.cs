namespace AbuseDetector.Transport.Grpc.Protocol.Tests;

public class GrpcStatusTests
{
    [Fact]
    public void GrpcStatusCode_AllCodes_HaveProtocolNumbers()
    {
        // Arrange
        var expected = new (GrpcStatusCode Code, int Number)[]
        {
            (GrpcStatusCode.OK, 0), (GrpcStatusCode.Cancelled, 1), (GrpcStatusCode.Unknown, 2),
            (GrpcStatusCode.InvalidArgument, 3), (GrpcStatusCode.DeadlineExceeded, 4), (GrpcStatusCode.NotFound, 5),
            (GrpcStatusCode.AlreadyExists, 6), (GrpcStatusCode.PermissionDenied, 7), (GrpcStatusCode.ResourceExhausted, 8),
            (GrpcStatusCode.FailedPrecondition, 9), (GrpcStatusCode.Aborted, 10), (GrpcStatusCode.OutOfRange, 11),
            (GrpcStatusCode.Unimplemented, 12), (GrpcStatusCode.Internal, 13), (GrpcStatusCode.Unavailable, 14),
            (GrpcStatusCode.DataLoss, 15), (GrpcStatusCode.Unauthenticated, 16),
        };

        // Act
        var all = Enum.GetValues<GrpcStatusCode>();

        // Assert
        Assert.Equal(17, all.Length);
        foreach (var (code, number) in expected)
        {
            Assert.Equal(number, (int)code);
        }
    }

    [Fact]
    public void Ok_Preallocated_IsOkWithEmptyMessage()
    {
        // Act
        var status = GrpcStatus.Ok;

        // Assert
        Assert.True(status.IsOk);
        Assert.Equal(string.Empty, status.Message);
    }

    [Fact]
    public void Equals_SameCodeAndMessage_AreEqual()
    {
        // Arrange
        var a = new GrpcStatus(GrpcStatusCode.Internal, "x");
        var b = new GrpcStatus(GrpcStatusCode.Internal, "x");

        // Act / Assert
        Assert.Equal(a, b);
        Assert.False(a.IsOk);
    }
}
