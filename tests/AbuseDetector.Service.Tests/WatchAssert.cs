using Grpc.Core;

namespace AbuseDetector.Service.Tests;

/// <summary>Assertions on how a WatchAlerts stream ended.</summary>
internal static class WatchAssert
{
    /// <summary>Fails unless the watch ended because the client cancelled it: OperationCanceledException or status CANCELLED.</summary>
    public static async Task EndsCancelledAsync(Task watching)
    {
        var error = await Record.ExceptionAsync(() => watching);
        Assert.True(
            error is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled },
            $"The watch should have ended cancelled, but ended with {error?.ToString() ?? "no error"}.");
    }
}
