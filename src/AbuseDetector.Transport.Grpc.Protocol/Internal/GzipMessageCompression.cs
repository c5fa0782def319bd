using System.Buffers;
using System.Globalization;
using System.IO.Compression;
using System.Runtime.InteropServices;

namespace AbuseDetector.Transport.Grpc.Internal;

/// <summary>
/// The <c>gzip</c> message encoding: compresses and decompresses single message payloads,
/// refusing to inflate past a size limit so a small "gzip bomb" cannot exhaust memory.
/// </summary>
internal static class GzipMessageCompression
{
    private const int ChunkSize = 16 * 1024;

    /// <summary>Compresses <paramref name="payload"/> with gzip.</summary>
    /// <param name="payload">The uncompressed message.</param>
    /// <param name="level">The compression level.</param>
    /// <returns>The gzip stream bytes.</returns>
    public static byte[] Compress(ReadOnlySpan<byte> payload, CompressionLevel level = CompressionLevel.Fastest)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, level, leaveOpen: true))
        {
            gzip.Write(payload);
        }

        return output.ToArray();
    }

    /// <summary>
    /// Decompresses a gzip payload, reading at most one byte past <paramref name="maxDecompressedSize"/>
    /// before giving up.
    /// </summary>
    /// <param name="compressed">The gzip stream bytes.</param>
    /// <param name="maxDecompressedSize">The largest decompressed message accepted.</param>
    /// <param name="decompressed">The message, when the result is <see langword="true"/>.</param>
    /// <param name="error">
    /// <see cref="GrpcStatusCode.ResourceExhausted"/> when the message inflates past the limit,
    /// <see cref="GrpcStatus.InvalidCompressedData"/> when the bytes are not valid gzip.
    /// </param>
    /// <returns>Whether the payload was decompressed.</returns>
    public static bool TryDecompress(
        in ReadOnlySequence<byte> compressed,
        int maxDecompressedSize,
        out byte[] decompressed,
        out GrpcStatus error)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxDecompressedSize);

        decompressed = [];
        error = GrpcStatus.Ok;

        using var input = AsStream(compressed);
        using var gzip = new GZipStream(input, CompressionMode.Decompress);
        var output = new ArrayBufferWriter<byte>(Math.Min(ChunkSize, Math.Max(maxDecompressedSize, 1)));
        try
        {
            while (true)
            {
                // Ask for one byte more than remains allowed, so an overflow is seen without reading further.
                var allowed = (long)maxDecompressedSize - output.WrittenCount + 1;
                var span = output.GetSpan((int)Math.Min(ChunkSize, allowed));
                var read = gzip.Read(span[..(int)Math.Min(span.Length, allowed)]);
                if (read == 0)
                {
                    break;
                }

                output.Advance(read);
                if (output.WrittenCount > maxDecompressedSize)
                {
                    error = new GrpcStatus(
                        GrpcStatusCode.ResourceExhausted,
                        string.Create(
                            CultureInfo.InvariantCulture,
                            $"Decompressed message exceeds the maximum receive message size of {maxDecompressedSize} bytes."));
                    return false;
                }
            }
        }
        catch (InvalidDataException)
        {
            error = GrpcStatus.InvalidCompressedData;
            return false;
        }

        decompressed = output.WrittenSpan.ToArray();
        return true;
    }

    private static MemoryStream AsStream(in ReadOnlySequence<byte> sequence)
    {
        if (sequence.IsSingleSegment && MemoryMarshal.TryGetArray(sequence.First, out var array))
        {
            return new MemoryStream(array.Array!, array.Offset, array.Count, writable: false);
        }

        // The compressed size is already bounded by the frame reader's limit.
        return new MemoryStream(sequence.ToArray(), writable: false);
    }
}
