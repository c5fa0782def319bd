using AbuseDetector.Transport.Grpc;
using Google.Protobuf;

namespace AbuseDetector.Service.Internal;

/// <summary>Transport marshallers for generated protobuf messages.</summary>
internal static class ProtobufMarshaller
{
    public static Marshaller<T> Create<T>(MessageParser<T> parser)
        where T : IMessage<T>
        => new(message => message.ToByteArray(), payload => parser.ParseFrom(payload));
}
