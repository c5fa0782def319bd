using System.Runtime.CompilerServices;
using AbuseDetector.Contracts.V1;
using Grpc.Core;
using V1 = AbuseDetector.Contracts.V1;

namespace AbuseDetector.Client;

/// <summary>
/// One live call on the service's <c>StreamCall</c> stream, opened by <see cref="CallStreamExtensions.StartCallAsync"/>: send transcript chunks
/// and agent actions in order, read the updates (one per chunk, in order, with level changes and alerts after the chunk
/// that caused them), then <see cref="EndAsync"/>. One sender and one reader may run at the same time. Dispose the stream
/// to abandon the call (the service sees it cancelled).
/// </summary>
public sealed class CallStream : IAsyncDisposable, IDisposable
{
    private readonly AsyncDuplexStreamingCall<CallEvent, CallUpdate> _call;

    internal CallStream(AsyncDuplexStreamingCall<CallEvent, CallUpdate> call)
    {
        _call = call;
    }

    /// <summary>Sends a piece of transcript; the service answers it with one update, in chunk order.</summary>
    /// <param name="chunk">The chunk; its <c>seq</c> increases with every chunk and action on the call.</param>
    /// <param name="cancellationToken">Stops waiting to send; cancelling it cancels the call.</param>
    /// <returns>A task that completes when the chunk is sent.</returns>
    /// <exception cref="RpcException">The call has ended. A send that crosses the service's refusal reports CANCELLED; <see cref="ReadUpdatesAsync"/> then throws the status the service gave.</exception>
    public Task SendChunkAsync(TranscriptChunk chunk, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        return SendAsync(new CallEvent { Chunk = chunk }, cancellationToken);
    }

    /// <summary>Sends something the agent did, such as a warning given to the caller.</summary>
    /// <param name="action">The action; shares its <c>seq</c> sequence with chunks.</param>
    /// <param name="cancellationToken">Stops waiting to send; cancelling it cancels the call.</param>
    /// <returns>A task that completes when the action is sent.</returns>
    /// <exception cref="RpcException">The call has ended. A send that crosses the service's refusal reports CANCELLED; <see cref="ReadUpdatesAsync"/> then throws the status the service gave.</exception>
    public Task SendActionAsync(AgentAction action, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(action);
        return SendAsync(new CallEvent { Action = action }, cancellationToken);
    }

    /// <summary>Sends the end of the call and closes the sending side; keep reading for the last updates.</summary>
    /// <param name="end">Why the call ended.</param>
    /// <param name="cancellationToken">Stops waiting to send; cancelling it cancels the call.</param>
    /// <returns>A task that completes when the end is sent.</returns>
    public async Task EndAsync(CallEnd end, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(end);
        await SendAsync(new CallEvent { End = end }, cancellationToken).ConfigureAwait(false);
        await _call.RequestStream.CompleteAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Reads the service's updates as they arrive, until the service closes the call with <c>OK</c>; any other status ends
    /// the enumeration with <see cref="RpcException"/>.
    /// </summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The updates, in the order the service sent them.</returns>
    public async IAsyncEnumerable<CallUpdate> ReadUpdatesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var update in _call.ResponseStream.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return update;
        }
    }

    /// <summary>Abandons the call if it is still running and frees its resources.</summary>
    /// <returns>A completed task.</returns>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Abandons the call if it is still running and frees its resources.</summary>
    public void Dispose() => _call.Dispose();

    /// <summary>Sends one event; a call the service already ended with an error throws its <see cref="RpcException"/>.</summary>
    internal Task SendAsync(CallEvent callEvent, CancellationToken cancellationToken) => _call.RequestStream.WriteAsync(callEvent, cancellationToken);
}

/// <summary>Opens <see cref="CallStream"/>s from the generated client.</summary>
public static class CallStreamExtensions
{
    /// <summary>Opens a <c>StreamCall</c> stream and sends <paramref name="start"/> on it.</summary>
    /// <param name="client">The generated client.</param>
    /// <param name="start">Who the call is between; <c>call_id</c> and <c>tenant_id</c> are required.</param>
    /// <param name="options">Headers, deadline and cancellation of the whole call.</param>
    /// <returns>The call.</returns>
    /// <exception cref="RpcException">The service ended the call before the start could be sent.</exception>
    public static async Task<CallStream> StartCallAsync(this V1.AbuseDetector.AbuseDetectorClient client, CallStart start, CallOptions options = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(start);
        var stream = new CallStream(client.StreamCall(options));
        try
        {
            await stream.SendAsync(new CallEvent { Start = start }, options.CancellationToken).ConfigureAwait(false);
        }
        catch
        {
            stream.Dispose();
            throw;
        }

        return stream;
    }
}
