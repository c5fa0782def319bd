using Google.Protobuf;
using Grpc.Health.V1;
using Grpc.Reflection.V1Alpha;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace AbuseDetector.Service.Tests;

/// <summary>
/// Calls the health and reflection services from Debian's python3-grpcio (the C-core client) as a real process, with
/// generic calls: the requests are serialized here, python passes bytes through, and the responses are parsed here.
/// </summary>
[Collection(ServiceCollection.Name)]
public class HealthPythonInteropTests(ServiceFixture service) : ServiceTestBase(service)
{
    private const string Python = "/usr/bin/python3";

    // argv: address, method path, "unary" or "stream", request as hex; prints each response as hex, one a line,
    // then "status <code name>".
    private const string Script = """
        import sys, grpc
        address, path, kind, request = sys.argv[1], sys.argv[2], sys.argv[3], bytes.fromhex(sys.argv[4])
        with grpc.insecure_channel(address) as channel:
            try:
                if kind == "unary":
                    responses = [channel.unary_unary(path)(request, timeout=30)]
                else:
                    responses = list(channel.stream_stream(path)(iter([request]), timeout=30))
                for response in responses:
                    print(response.hex())
                print("status OK")
            except grpc.RpcError as error:
                print("status " + error.code().name)
        """;

    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Check_FromPythonGrpcio_Serving()
    {
        // Act
        var (status, responses) = await CallAsync("/grpc.health.v1.Health/Check", "unary", new HealthCheckRequest());

        // Assert
        Assert.Equal("OK", status);
        Assert.Equal(ServingStatus.Serving, HealthCheckResponse.Parser.ParseFrom(Assert.Single(responses)).Status);
    }

    [Fact]
    public async Task Check_FromPythonGrpcioUnknownService_NotFound()
    {
        // Act
        var (status, responses) = await CallAsync("/grpc.health.v1.Health/Check", "unary", new HealthCheckRequest { Service = "no.such.Service" });

        // Assert
        Assert.Equal("NOT_FOUND", status);
        Assert.Empty(responses);
    }

    [Fact]
    public async Task ServerReflectionInfo_FromPythonGrpcioListServices_ReturnsTheServiceHealthAndBothReflectionVersions()
    {
        // Act
        var (status, responses) = await CallAsync(
            "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", "stream", new ServerReflectionRequest { ListServices = string.Empty });

        // Assert
        Assert.Equal("OK", status);
        var names = ServerReflectionResponse.Parser.ParseFrom(Assert.Single(responses)).ListServicesResponse.Service.Select(s => s.Name);
        Assert.Equal(["abuse_detector.v1.AbuseDetector", "grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection"], names.Order(StringComparer.Ordinal));
    }

    private async Task<(string Status, List<byte[]> Responses)> CallAsync(string path, string kind, IMessage request)
    {
        var result = await InteropProcess.RunAsync(
            Python, ["-c", Script, $"127.0.0.1:{Service.GrpcPort}", path, kind, Convert.ToHexString(request.ToByteArray())], workingDirectory: null, ProcessTimeout);

        var lines = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(result.ExitCode == 0 && lines.Length > 0 && lines[^1].StartsWith("status ", StringComparison.Ordinal), $"python failed (exit {result.ExitCode}): {result.Output}");
        return (lines[^1]["status ".Length..], lines[..^1].Select(Convert.FromHexString).ToList());
    }
}
