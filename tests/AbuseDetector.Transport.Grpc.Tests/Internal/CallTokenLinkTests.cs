using AbuseDetector.Transport.Grpc.Internal;

namespace AbuseDetector.Transport.Grpc.Tests.Internal;

public class CallTokenLinkTests
{
    [Fact]
    public void Combine_NoneOrCallToken_ReturnsCallToken()
    {
        // Arrange
        using var call = new CancellationTokenSource();
        using var link = new CallTokenLink(call.Token);

        // Act
        var fromNone = link.Combine(CancellationToken.None);
        var fromCall = link.Combine(call.Token);

        // Assert
        Assert.Equal(call.Token, fromNone);
        Assert.Equal(call.Token, fromCall);
    }

    [Fact]
    public void Combine_SameTokenAgain_ReusesTheLinkedToken()
    {
        // Arrange
        using var call = new CancellationTokenSource();
        using var caller = new CancellationTokenSource();
        using var link = new CallTokenLink(call.Token);

        // Act
        var first = link.Combine(caller.Token);
        var second = link.Combine(caller.Token);

        // Assert
        Assert.NotEqual(call.Token, first);
        Assert.Equal(first, second);
    }

    [Fact]
    public void Combine_CallerCancels_LinkedTokenIsCancelled()
    {
        // Arrange
        using var call = new CancellationTokenSource();
        using var caller = new CancellationTokenSource();
        using var link = new CallTokenLink(call.Token);
        var token = link.Combine(caller.Token);

        // Act
        caller.Cancel();

        // Assert
        Assert.True(token.IsCancellationRequested);
        Assert.False(call.IsCancellationRequested);
    }

    [Fact]
    public void Combine_AnotherToken_LinksToTheNewTokenAndTheCall()
    {
        // Arrange
        using var call = new CancellationTokenSource();
        using var first = new CancellationTokenSource();
        using var second = new CancellationTokenSource();
        using var link = new CallTokenLink(call.Token);
        var firstToken = link.Combine(first.Token);

        // Act
        var secondToken = link.Combine(second.Token);
        call.Cancel();

        // Assert
        Assert.NotEqual(firstToken, secondToken);
        Assert.True(secondToken.IsCancellationRequested);
    }
}
