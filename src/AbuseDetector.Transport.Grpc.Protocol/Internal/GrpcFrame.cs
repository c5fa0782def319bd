using System.Buffers;

namespace AbuseDetector.Transport.Grpc.Internal;

/// <summary>One length-prefixed message as it arrived: the compressed flag and the payload, sliced from the input (not copied).</summary>
/// <param name="IsCompressed">Whether the flag byte was 1, meaning the payload is compressed with the call's <c>grpc-encoding</c>.</param>
/// <param name="Payload">The message bytes; valid only until the input buffer is advanced past them.</param>
internal readonly record struct GrpcFrame(bool IsCompressed, ReadOnlySequence<byte> Payload);

/// <summary>What <see cref="GrpcFrameReader.TryRead"/> found.</summary>
internal enum GrpcFrameReadResult
{
    /// <summary>The buffer holds less than one whole frame; read more and try again with the same start.</summary>
    NeedMoreData,

    /// <summary>One whole frame was parsed.</summary>
    Frame,

    /// <summary>The input breaks the protocol or a limit; the call must end with the given status.</summary>
    Error,
}
