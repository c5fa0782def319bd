using System.Buffers;

namespace AbuseDetector.Transport.Grpc;

/// <summary>
/// Turns a message into bytes and back. The transport never looks inside a message: it only frames,
/// compresses and limits the bytes a marshaller produces.
/// </summary>
/// <typeparam name="T">The message type.</typeparam>
public sealed class Marshaller<T>
{
    private readonly Func<T, byte[]> _serializer;
    private readonly Func<ReadOnlySequence<byte>, T> _deserializer;

    /// <summary>Creates a marshaller from a serializer and a deserializer.</summary>
    /// <param name="serializer">Writes a message as bytes.</param>
    /// <param name="deserializer">
    /// Reads a message from bytes that are valid only during the call; it throws when the bytes are not a valid message,
    /// which ends the call with <see cref="GrpcStatusCode.InvalidArgument"/>.
    /// </param>
    public Marshaller(Func<T, byte[]> serializer, Func<ReadOnlySequence<byte>, T> deserializer)
    {
        ArgumentNullException.ThrowIfNull(serializer);
        ArgumentNullException.ThrowIfNull(deserializer);
        _serializer = serializer;
        _deserializer = deserializer;
    }

    /// <summary>Writes <paramref name="message"/> as bytes.</summary>
    /// <param name="message">The message.</param>
    /// <returns>The serialized message.</returns>
    public byte[] Serialize(T message) => _serializer(message);

    /// <summary>Reads a message from <paramref name="payload"/>.</summary>
    /// <param name="payload">The message bytes, uncompressed.</param>
    /// <returns>The message.</returns>
    public T Deserialize(ReadOnlySequence<byte> payload) => _deserializer(payload);
}
