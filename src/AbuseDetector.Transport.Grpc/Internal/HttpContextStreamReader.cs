namespace AbuseDetector.Transport.Grpc.Internal;

/// <summary>The request stream of a client-streaming or bidirectional call.</summary>
internal sealed class HttpContextStreamReader<T>(GrpcServerCall call, Marshaller<T> marshaller) : IAsyncStreamReader<T>
{
    private T? _current;
    private bool _hasCurrent;
    private bool _completed;

    public T Current => _hasCurrent ? _current! : throw new InvalidOperationException("No message has been read; call MoveNext first.");

    public async Task<bool> MoveNext(CancellationToken cancellationToken = default)
    {
        if (_completed)
        {
            return false;
        }

        var (hasMessage, message) = await call.ReadMessageAsync(marshaller, cancellationToken);
        if (!hasMessage)
        {
            _completed = true;
            _hasCurrent = false;
            _current = default;
            return false;
        }

        _current = message;
        _hasCurrent = true;
        return true;
    }
}
