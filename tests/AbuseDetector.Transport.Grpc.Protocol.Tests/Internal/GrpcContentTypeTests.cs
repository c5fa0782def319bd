using AbuseDetector.Transport.Grpc.Internal;

namespace AbuseDetector.Transport.Grpc.Protocol.Tests.Internal;

public class GrpcContentTypeTests
{
    [Theory]
    [InlineData("application/grpc")]
    [InlineData("application/grpc+proto")]
    [InlineData("application/grpc;charset=utf-8")]
    [InlineData("application/grpc+proto; charset=utf-8")]
    [InlineData("APPLICATION/GRPC")]
    [InlineData("Application/gRPC+Proto")]
    [InlineData("application/grpc ;foo=bar")]
    public void IsGrpc_GrpcContentType_ReturnsTrue(string contentType)
    {
        // Act
        var accepted = GrpcContentType.IsGrpc(contentType);

        // Assert
        Assert.True(accepted);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("application/json")]
    [InlineData("application/grpc-web")]
    [InlineData("application/grpc-web+proto")]
    [InlineData("application/grpc+json")]
    [InlineData("application/grpcx")]
    [InlineData("application/grp")]
    [InlineData("text/plain")]
    [InlineData("application/grpc+")]
    public void IsGrpc_OtherContentType_ReturnsFalse(string? contentType)
    {
        // Act
        var accepted = GrpcContentType.IsGrpc(contentType);

        // Assert
        Assert.False(accepted);
    }
}
