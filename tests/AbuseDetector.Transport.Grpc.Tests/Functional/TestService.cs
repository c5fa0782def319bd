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

    public GrpcServiceDefinition Build() => GrpcServiceDefinition.CreateBuilder(Name)
        .AddUnaryMethod("Echo", Bytes, Bytes, Echo)
        .AddServerStreamingMethod<int, int>("Count", Integer, Integer, Count)
        .AddClientStreamingMethod<int, int>("Sum", Integer, Integer, Sum)
        .AddDuplexStreamingMethod<byte[], byte[]>("Chat", Bytes, Bytes, Chat)
        .AddUnaryMethod<byte[], byte[]>("Sleep", Bytes, Bytes, Sleep)
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
}
