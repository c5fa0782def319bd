using System.Runtime.CompilerServices;
using AbuseDetector.Client.Internal;
using AbuseDetector.Contracts.V1;

namespace AbuseDetector.Client;

/// <summary>
/// One live call on the service's <c>StreamCall</c> stream, opened by <see cref="AbuseDetectorClient.StartCall"/>: send transcript
/// chunks and agent actions in order, read one <see cref="CallUpdate"/> per chunk, then <see cref="EndAsync"/>. Sending and reading
/// may run concurrently (one sender and one reader at a time). Dispose the stream to abandon the call.
/// </summary>
public sealed class CallStream : IAsyncDisposable
{
    private readonly GrpcClientCall<CallUpdate> _call;
    private readonly RequestStreamContent _requests;
    private int _reading;

    internal CallStream(GrpcClientCall<CallUpdate> call, RequestStreamContent requests)
    {
        _call = call;
        _requests = requests;
        _call.Ended += requests.Complete;
    }

    /// <summary>Sends a piece of transcript; the service answers it with one update, in chunk order.</summary>
    /// <param name="chunk">The chunk; its <c>seq</c> increases with every chunk and action on the call.</param>
    /// <param name="cancellationToken">Stops waiting for room to queue the chunk; does not cancel the call.</param>
    /// <returns>A task that completes when the chunk is queued for sending.</returns>
    /// <exception cref="AbuseDetectorRpcException">The call has already ended with an error.</exception>
    /// <exception cref="InvalidOperationException">The call has already ended, or <see cref="EndAsync"/> was called.</exception>
    public ValueTask SendChunkAsync(TranscriptChunk chunk, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        return SendAsync(new CallEvent { Chunk = chunk }, cancellationToken);
    }

    /// <summary>Sends something the agent did, such as a warning to the caller.</summary>
    /// <param name="action">The action; shares its <c>seq</c> sequence with chunks.</param>
    /// <param name="cancellationToken">Stops waiting for room to queue the action; does not cancel the call.</param>
    /// <returns>A task that completes when the action is queued for sending.</returns>
    /// <exception cref="AbuseDetectorRpcException">The call has already ended with an error.</exception>
    /// <exception cref="InvalidOperationException">The call has already ended, or <see cref="EndAsync"/> was called.</exception>
    public ValueTask SendActionAsync(AgentAction action, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(action);
        return SendAsync(new CallEvent { Action = action }, cancellationToken);
    }

    /// <summary>Sends the end of the call and closes the sending side; keep reading <see cref="ReadUpdatesAsync"/> for the remaining updates.</summary>
    /// <param name="end">Why the call ended.</param>
    /// <param name="cancellationToken">Stops waiting for room to queue the event; does not cancel the call.</param>
    /// <returns>A task that completes when the end is queued for sending.</returns>
    public async ValueTask EndAsync(CallEnd end, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(end);
        await SendAsync(new CallEvent { End = end }, cancellationToken).ConfigureAwait(false);
        _requests.Complete();
    }

    /// <summary>
    /// Reads the service's updates as they arrive, until the service closes the call with <c>OK</c>. A non-OK status ends
    /// the enumeration with <see cref="AbuseDetectorRpcException"/>. Cancelling <paramref name="cancellationToken"/> cancels the
    /// whole call (status <c>CANCELLED</c>), as does the token given to <see cref="AbuseDetectorClient.StartCall"/>.
    /// </summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The updates, in the order the service sent them.</returns>
    /// <exception cref="InvalidOperationException">Another enumeration of the updates is in progress.</exception>
    public async IAsyncEnumerable<CallUpdate> ReadUpdatesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _reading, 1) == 1)
        {
            throw new InvalidOperationException("The updates are already being read; read them with one loop.");
        }

        try
        {
            using var registration = cancellationToken.UnsafeRegister(static state => ((GrpcClientCall<CallUpdate>)state!).CancelFromReader(), _call);
            while (await _call.ReadNextAsync().ConfigureAwait(false) is { } update)
            {
                yield return update;
            }
        }
        finally
        {
            Volatile.Write(ref _reading, 0);
        }
    }

    /// <summary>Abandons the call if it is still running (the service sees it cancelled) and frees its resources.</summary>
    /// <returns>A task that completes when the resources are freed.</returns>
    public ValueTask DisposeAsync() => _call.DisposeAsync();

    private async ValueTask SendAsync(CallEvent callEvent, CancellationToken cancellationToken)
    {
        if (_call.Status is { IsOk: false } failed)
        {
            throw GrpcClientCall<CallUpdate>.ToException(failed);
        }

        try
        {
            await _requests.WriteAsync(GrpcClientCall<CallUpdate>.Frame(callEvent, _call.CompressRequests), cancellationToken).ConfigureAwait(false);
        }
        catch (System.Threading.Channels.ChannelClosedException ex)
        {
            if (_call.Status is { IsOk: false } status)
            {
                throw GrpcClientCall<CallUpdate>.ToException(status, ex);
            }

            throw new InvalidOperationException("The call has ended or EndAsync was called; no more events can be sent.", ex);
        }
    }
}
