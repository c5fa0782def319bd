namespace AbuseDetector.Transport.Grpc.Internal;

/// <summary>
/// Combines the call's token with the token a method passes to one read or write. Methods usually pass the same token
/// to every read (or write), so the linked source is kept and reused while that token keeps coming, instead of one per message.
/// One instance per direction, used by one operation at a time: reads and writes of a duplex call each have their own.
/// </summary>
internal sealed class CallTokenLink(CancellationToken callToken) : IDisposable
{
    private CancellationTokenSource? _linked;
    private CancellationToken _linkedTo;

    /// <summary>Returns a token cancelled when the call or <paramref name="cancellationToken"/> is cancelled.</summary>
    public CancellationToken Combine(CancellationToken cancellationToken)
    {
        if (!cancellationToken.CanBeCanceled || cancellationToken == callToken)
        {
            return callToken;
        }

        if (_linked is null || cancellationToken != _linkedTo)
        {
            _linked?.Dispose();
            _linked = CancellationTokenSource.CreateLinkedTokenSource(callToken, cancellationToken);
            _linkedTo = cancellationToken;
        }

        return _linked.Token;
    }

    public void Dispose() => _linked?.Dispose();
}
