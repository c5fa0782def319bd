using System.Net;
using System.Threading.Channels;

namespace AbuseDetector.Client.Internal;

/// <summary>A request body written while the response is read: each queued frame is written and flushed in order; completing the queue ends the request stream.</summary>
internal sealed class RequestStreamContent : HttpContent
{
    // Small, so a stalled connection pushes back on the sender instead of buffering a whole call.
    private const int QueueCapacity = 64;

    private readonly Channel<byte[]> _frames = Channel.CreateBounded<byte[]>(
        new BoundedChannelOptions(QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    /// <summary>Queues one framed message.</summary>
    public ValueTask WriteAsync(byte[] frame, CancellationToken cancellationToken) => _frames.Writer.WriteAsync(frame, cancellationToken);

    /// <summary>Ends the request stream once the queued frames are written; safe to call more than once.</summary>
    public void Complete() => _frames.Writer.TryComplete();

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        var reader = _frames.Reader;
        while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            while (reader.TryRead(out var frame))
            {
                await stream.WriteAsync(frame, cancellationToken).ConfigureAwait(false);
            }

            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = -1;
        return false;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Complete();
        }

        base.Dispose(disposing);
    }
}
