using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Reflection.V1Alpha;

namespace AbuseDetector.Service.Tests;

[Collection(ServiceCollection.Name)]
public class ServerReflectionGrpcServiceTests(ServiceFixture service) : ServiceTestBase(service)
{
    private const string InfoPath = "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo";
    private const int NotFound = 5;

    [Fact]
    public async Task ServerReflectionInfo_ListServices_ReturnsTheServiceHealthAndBothReflectionVersions()
    {
        // Act
        var (status, responses) = await AskAsync(new ServerReflectionRequest { ListServices = "*" });

        // Assert
        Assert.Equal(0, status);
        var response = Assert.Single(responses);
        Assert.Equal(ServerReflectionResponse.MessageResponseOneofCase.ListServicesResponse, response.MessageResponseCase);
        Assert.Equal(
            ["abuse_detector.v1.AbuseDetector", "grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection"],
            response.ListServicesResponse.Service.Select(s => s.Name).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("abuse_detector.v1.AbuseDetector")]
    [InlineData("abuse_detector.v1.AbuseDetector.StreamCall")]
    [InlineData("abuse_detector.v1.ClassifyRequest")]
    public async Task ServerReflectionInfo_FileContainingSymbol_ReturnsTheContractWithItsMethods(string symbol)
    {
        // Act
        var (status, responses) = await AskAsync(new ServerReflectionRequest { FileContainingSymbol = symbol });

        // Assert
        Assert.Equal(0, status);
        var response = Assert.Single(responses);
        Assert.Equal(ServerReflectionResponse.MessageResponseOneofCase.FileDescriptorResponse, response.MessageResponseCase);
        var files = response.FileDescriptorResponse.FileDescriptorProto.Select(FileDescriptorProto.Parser.ParseFrom).ToList();
        var file = Assert.Single(files, f => f.Name == "abuse_detector/v1/abuse_detector.proto");
        Assert.Equal("abuse_detector.v1", file.Package);
        var serviceProto = Assert.Single(file.Service);
        Assert.Equal("AbuseDetector", serviceProto.Name);
        Assert.Equal(["Classify", "GetIncident", "ListIncidents", "StreamCall", "WatchAlerts"], serviceProto.Method.Select(m => m.Name).Order(StringComparer.Ordinal));
        Assert.Contains(files, f => f.Name == "google/protobuf/timestamp.proto");

        // The file and its imports are enough to build working descriptors.
        var built = FileDescriptor.BuildFromByteStrings(response.FileDescriptorResponse.FileDescriptorProto.Reverse());
        Assert.Contains(built.SelectMany(f => f.Services), s => s.FullName == "abuse_detector.v1.AbuseDetector" && s.Methods.Count == 5);
    }

    [Fact]
    public async Task ServerReflectionInfo_FileContainingHealthSymbol_ReturnsTheHealthProtocol()
    {
        // Act
        var (status, responses) = await AskAsync(new ServerReflectionRequest { FileContainingSymbol = "grpc.health.v1.Health" });

        // Assert
        Assert.Equal(0, status);
        var file = FileDescriptorProto.Parser.ParseFrom(Assert.Single(responses).FileDescriptorResponse.FileDescriptorProto[0]);
        Assert.Equal("grpc.health.v1", file.Package);
        Assert.Equal(["Check", "Watch"], Assert.Single(file.Service).Method.Select(m => m.Name).Take(2));
    }

    [Fact]
    public async Task ServerReflectionInfo_FileByFilename_ReturnsTheContract()
    {
        // Act
        var (status, responses) = await AskAsync(new ServerReflectionRequest { FileByFilename = "abuse_detector/v1/abuse_detector.proto" });

        // Assert
        Assert.Equal(0, status);
        var file = FileDescriptorProto.Parser.ParseFrom(Assert.Single(responses).FileDescriptorResponse.FileDescriptorProto[0]);
        Assert.Equal("abuse_detector.v1", file.Package);
    }

    [Fact]
    public async Task ServerReflectionInfo_UnknownNames_ErrorResponsesInOrderOnOneStream()
    {
        // Act
        var (status, responses) = await AskAsync(
            new ServerReflectionRequest { FileContainingSymbol = "no.such.Symbol" },
            new ServerReflectionRequest { FileByFilename = "no/such/file.proto" },
            new ServerReflectionRequest { ListServices = string.Empty });

        // Assert
        Assert.Equal(0, status);
        Assert.Equal(3, responses.Count);
        Assert.Equal(NotFound, responses[0].ErrorResponse.ErrorCode);
        Assert.False(string.IsNullOrEmpty(responses[0].ErrorResponse.ErrorMessage));
        Assert.Equal(NotFound, responses[1].ErrorResponse.ErrorCode);
        Assert.Equal(ServerReflectionResponse.MessageResponseOneofCase.ListServicesResponse, responses[2].MessageResponseCase);
    }

    /// <summary>Sends the requests on one stream, ends it, and reads every response and the status.</summary>
    private async Task<(int? Status, List<ServerReflectionResponse> Responses)> AskAsync(params ServerReflectionRequest[] requests)
    {
        var call = RawGrpcClient.StartDuplex(Service.GrpcAddress, InfoPath);
        await using (call)
        {
            foreach (var request in requests)
            {
                await call.SendAsync(request.ToByteArray());
            }

            call.CompleteRequests();
            var (status, _, remaining) = await call.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(10));
            return (status, remaining.Select(ServerReflectionResponse.Parser.ParseFrom).ToList());
        }
    }
}
