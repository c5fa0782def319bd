using System.Buffers;
using System.Globalization;
using System.Text;

namespace AbuseDetector.Transport.Grpc.Tests.Functional;

/// <summary>The service the functional tests call, <c>test.Echo</c>, on byte and integer messages.</summary>
internal sealed class TestService
{
    public const string Name = "test.Echo";

    public static readonly Marshaller<byte[]> Bytes = new(m => m, p => p.ToArray());

    /// <summary>ASCII decimal integers; anything else fails to deserialize.</summary>
    public static readonly Marshaller<int> Integer = new(
        m => Encoding.ASCII.GetBytes(m.ToString(CultureInfo.InvariantCulture)),
        p => int.Parse(Encoding.ASCII.GetString(p.ToArray()), NumberStyles.None, CultureInfo.InvariantCulture));

    /// <summary>Completes when a Chat call's token fires (the client cancelled it).</summary>
    public TaskCompletionSource ChatCancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Cancelled when the server stops: the only thing that ends the methods that ignore their call token.</summary>
    public CancellationTokenSource Stopping { get; } = new();

    /// <summary>Lets the current StallStream call go on (to its second write) after it ignored its deadline.</summary>
    public TaskCompletionSource StallRelease { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>What StallStream's write after its release threw (null if it did not throw).</summary>
    public TaskCompletionSource<Exception?> StalledWriteOutcome { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Prepares for a new StallStream call.</summary>
    public void ResetStall()
    {
        StallRelease = new(TaskCreationOptions.RunContinuationsAsynchronously);
        StalledWriteOutcome = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public GrpcServiceDefinition Build() => GrpcServiceDefinition.CreateBuilder(Name)
        .AddUnaryMethod("Echo", Bytes, Bytes, Echo)
        .AddServerStreamingMethod<int, int>("Count", Integer, Integer, Count)
        .AddClientStreamingMethod<int, int>("Sum", Integer, Integer, Sum)
        .AddDuplexStreamingMethod<byte[], byte[]>("Chat", Bytes, Bytes, Chat)
        .AddUnaryMethod<byte[], byte[]>("Sleep", Bytes, Bytes, Sleep)
        .AddUnaryMethod<byte[], byte[]>("Stall", Bytes, Bytes, Stall)
        .AddServerStreamingMethod<byte[], byte[]>("StallStream", Bytes, Bytes, StallStream)
        .AddServerStreamingMethod<int, byte[]>("Big", Integer, Bytes, Big)
        .AddServerStreamingMethod<byte[], byte[]>("LateHeader", Bytes, Bytes, LateHeader)
        .AddUnaryMethod<byte[], byte[]>("EarlyHeaders", Bytes, Bytes, EarlyHeaders)
        .AddUnaryMethod<byte[], byte[]>("Fail", Bytes, Bytes, (_, _) => throw new GrpcRpcException(GrpcStatusCode.InvalidArgument, "bad thing"))
        .AddUnaryMethod<byte[], byte[]>("Crash", Bytes, Bytes, (_, _) => throw new InvalidOperationException("secret internal detail"))
        .Build();

    private static Task<byte[]> Echo(byte[] request, ServerCallContext context)
    {
        context.ResponseHeaders.Add("x-handler", "echo");
        if (context.RequestHeaders.GetValue("x-echo") is { } text)
        {
            context.ResponseTrailers.Add("x-echo", text);
        }

        if (context.RequestHeaders.Get("x-echo-bin") is { } binary)
        {
            context.ResponseTrailers.Add("x-echo-bin", binary.ValueBytes);
        }

        return Task.FromResult(request);
    }

    private static async Task Count(int request, IServerStreamWriter<int> responseStream, ServerCallContext context)
    {
        for (var i = 0; i < request; i++)
        {
            await responseStream.WriteAsync(i, context.CancellationToken);
        }
    }

    private static async Task<int> Sum(IAsyncStreamReader<int> requestStream, ServerCallContext context)
    {
        var sum = 0;
        while (await requestStream.MoveNext(context.CancellationToken))
        {
            sum += requestStream.Current;
        }

        return sum;
    }

    private async Task Chat(IAsyncStreamReader<byte[]> requestStream, IServerStreamWriter<byte[]> responseStream, ServerCallContext context)
    {
        using var registration = context.CancellationToken.Register(() => ChatCancelled.TrySetResult());
        while (await requestStream.MoveNext(context.CancellationToken))
        {
            await responseStream.WriteAsync(requestStream.Current, context.CancellationToken);
        }
    }

    private static async Task<byte[]> Sleep(byte[] request, ServerCallContext context)
    {
        await Task.Delay(Timeout.InfiniteTimeSpan, context.CancellationToken);
        return request;
    }

    /// <summary>A method that ignores its call token, so only the server's own deadline handling can end the call.</summary>
    private async Task<byte[]> Stall(byte[] request, ServerCallContext context)
    {
        await Task.Delay(Timeout.InfiniteTimeSpan, Stopping.Token);
        return request;
    }

    /// <summary>Writes one message, ignores its token until released, then tries a second write and records what it threw.</summary>
    private async Task StallStream(byte[] request, IServerStreamWriter<byte[]> responseStream, ServerCallContext context)
    {
        await responseStream.WriteAsync(request, CancellationToken.None);
        await StallRelease.Task.WaitAsync(Stopping.Token);
        try
        {
            await responseStream.WriteAsync(request, CancellationToken.None);
            StalledWriteOutcome.TrySetResult(null);
        }
        catch (Exception ex)
        {
            StalledWriteOutcome.TrySetResult(ex);
            throw;
        }
    }

    /// <summary>Writes a one-byte message, then one of as many bytes as the request says.</summary>
    private static async Task Big(int request, IServerStreamWriter<byte[]> responseStream, ServerCallContext context)
    {
        await responseStream.WriteAsync([1], context.CancellationToken);
        await responseStream.WriteAsync(new byte[request], context.CancellationToken);
    }

    /// <summary>Writes a message, then adds a response header too late; the error's message goes back in a trailer.</summary>
    private static async Task LateHeader(byte[] request, IServerStreamWriter<byte[]> responseStream, ServerCallContext context)
    {
        await responseStream.WriteAsync(request, context.CancellationToken);
        try
        {
            context.ResponseHeaders.Add("x-late", "too late");
        }
        catch (InvalidOperationException ex)
        {
            context.ResponseTrailers.Add("x-late-error", ex.Message);
        }
    }

    /// <summary>Sends its headers before its response, then tries to send or add more; the errors go back in trailers.</summary>
    private static async Task<byte[]> EarlyHeaders(byte[] request, ServerCallContext context)
    {
        context.ResponseHeaders.Add("x-first", "1");
        await context.WriteResponseHeadersAsync(new GrpcMetadata { { "x-early", "yes" } }, context.CancellationToken);
        try
        {
            await context.WriteResponseHeadersAsync(null, context.CancellationToken);
        }
        catch (InvalidOperationException ex)
        {
            context.ResponseTrailers.Add("x-second-write-error", ex.Message);
        }

        try
        {
            context.ResponseHeaders.Add("x-late", "too late");
        }
        catch (InvalidOperationException ex)
        {
            context.ResponseTrailers.Add("x-late-error", ex.Message);
        }

        return request;
    }
}
