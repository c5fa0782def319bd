using System.Collections.Frozen;
using AbuseDetector.Contracts.Grpc.Health.V1;
using AbuseDetector.Contracts.Grpc.Reflection.V1Alpha;
using AbuseDetector.Contracts.V1;
using AbuseDetector.Transport.Grpc;
using Google.Protobuf.Reflection;

namespace AbuseDetector.Service.Internal;

/// <summary>
/// The standard grpc.reflection.v1alpha.ServerReflection service: lists the services this host maps and hands out the
/// serialized FileDescriptorProto of their .proto files, so grpcurl and GUI clients can call them without the files.
/// </summary>
internal sealed class ServerReflectionGrpcService
{
    public const string ServiceName = "grpc.reflection.v1alpha.ServerReflection";

    private const int NotFound = (int)GrpcStatusCode.NotFound;
    private const int InvalidArgument = (int)GrpcStatusCode.InvalidArgument;

    private readonly ListServiceResponse _services;
    private readonly FrozenDictionary<string, FileDescriptor> _filesByName;
    private readonly FrozenDictionary<string, FileDescriptor> _filesBySymbol;

    public ServerReflectionGrpcService()
        : this([AbuseDetectorReflection.Descriptor, HealthReflection.Descriptor, ReflectionReflection.Descriptor])
    {
    }

    /// <summary>Describes the services declared in <paramref name="files"/>; their imports can be looked up too.</summary>
    internal ServerReflectionGrpcService(IReadOnlyList<FileDescriptor> files)
    {
        _services = new ListServiceResponse();
        _services.Service.AddRange(files.SelectMany(f => f.Services).Select(s => new ServiceResponse { Name = s.FullName }));

        var byName = new Dictionary<string, FileDescriptor>(StringComparer.Ordinal);
        var bySymbol = new Dictionary<string, FileDescriptor>(StringComparer.Ordinal);
        foreach (var file in files.SelectMany(WithDependencies))
        {
            if (byName.TryAdd(file.Name, file))
            {
                foreach (var symbol in Symbols(file))
                {
                    bySymbol.TryAdd(symbol, file);
                }
            }
        }

        _filesByName = byName.ToFrozenDictionary(StringComparer.Ordinal);
        _filesBySymbol = bySymbol.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public GrpcServiceDefinition Build() => GrpcServiceDefinition.CreateBuilder(ServiceName)
        .AddDuplexStreamingMethod(
            "ServerReflectionInfo",
            ProtobufMarshaller.Create(ServerReflectionRequest.Parser),
            ProtobufMarshaller.Create(ServerReflectionResponse.Parser),
            ServerReflectionInfoAsync)
        .Build();

    /// <summary>Answers each request with one response, in order, until the client finishes sending.</summary>
    internal async Task ServerReflectionInfoAsync(
        IAsyncStreamReader<ServerReflectionRequest> requests, IServerStreamWriter<ServerReflectionResponse> responses, ServerCallContext context)
    {
        var cancellationToken = context.CancellationToken;
        while (await requests.MoveNext(cancellationToken))
        {
            await responses.WriteAsync(Answer(requests.Current), cancellationToken);
        }
    }

    internal ServerReflectionResponse Answer(ServerReflectionRequest request)
    {
        var response = new ServerReflectionResponse { ValidHost = request.Host, OriginalRequest = request };
        switch (request.MessageRequestCase)
        {
            case ServerReflectionRequest.MessageRequestOneofCase.ListServices:
                response.ListServicesResponse = _services;
                break;
            case ServerReflectionRequest.MessageRequestOneofCase.FileByFilename:
                SetFile(response, _filesByName.GetValueOrDefault(request.FileByFilename), "No file by that name is known to this server.");
                break;
            case ServerReflectionRequest.MessageRequestOneofCase.FileContainingSymbol:
                SetFile(response, _filesBySymbol.GetValueOrDefault(request.FileContainingSymbol), "No symbol by that name is known to this server.");
                break;
            case ServerReflectionRequest.MessageRequestOneofCase.FileContainingExtension:
                // None of the served files declares an extension.
                response.ErrorResponse = Error(NotFound, "No extension by that number is known to this server.");
                break;
            case ServerReflectionRequest.MessageRequestOneofCase.AllExtensionNumbersOfType:
                if (_filesBySymbol.ContainsKey(request.AllExtensionNumbersOfType))
                {
                    response.AllExtensionNumbersResponse = new ExtensionNumberResponse { BaseTypeName = request.AllExtensionNumbersOfType };
                }
                else
                {
                    response.ErrorResponse = Error(NotFound, "No type by that name is known to this server.");
                }

                break;
            default:
                response.ErrorResponse = Error(InvalidArgument, "The request asks for nothing.");
                break;
        }

        return response;
    }

    private static void SetFile(ServerReflectionResponse response, FileDescriptor? file, string notFound)
    {
        if (file is null)
        {
            response.ErrorResponse = Error(NotFound, notFound);
            return;
        }

        // The requested file first, then everything it imports, so a client can build the descriptors without asking again.
        var files = new FileDescriptorResponse();
        files.FileDescriptorProto.AddRange(WithDependencies(file).Select(f => f.SerializedData));
        response.FileDescriptorResponse = files;
    }

    private static ErrorResponse Error(int code, string message) => new() { ErrorCode = code, ErrorMessage = message };

    /// <summary>The file, then its imports, each once, depth first.</summary>
    private static IEnumerable<FileDescriptor> WithDependencies(FileDescriptor file)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<FileDescriptor>();
        pending.Push(file);
        while (pending.TryPop(out var next))
        {
            if (!seen.Add(next.Name))
            {
                continue;
            }

            yield return next;
            for (var i = next.Dependencies.Count - 1; i >= 0; i--)
            {
                pending.Push(next.Dependencies[i]);
            }
        }
    }

    /// <summary>The fully qualified names a file declares: services, their methods, messages (nested too) and enums.</summary>
    private static IEnumerable<string> Symbols(FileDescriptor file)
    {
        foreach (var service in file.Services)
        {
            yield return service.FullName;
            foreach (var method in service.Methods)
            {
                yield return method.FullName;
            }
        }

        foreach (var name in file.MessageTypes.SelectMany(MessageSymbols))
        {
            yield return name;
        }

        foreach (var enumType in file.EnumTypes)
        {
            yield return enumType.FullName;
        }
    }

    private static IEnumerable<string> MessageSymbols(MessageDescriptor message)
    {
        yield return message.FullName;
        foreach (var enumType in message.EnumTypes)
        {
            yield return enumType.FullName;
        }

        foreach (var name in message.NestedTypes.SelectMany(MessageSymbols))
        {
            yield return name;
        }
    }
}
