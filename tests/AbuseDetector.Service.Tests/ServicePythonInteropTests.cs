using System.Globalization;

namespace AbuseDetector.Service.Tests;

/// <summary>
/// Calls the real service from Debian's python3-grpcio (the C-core gRPC client), run as a real process with message
/// classes that Debian's protoc generates from the committed contract at test time.
/// </summary>
[Collection(ServiceCollection.Name)]
public class ServicePythonInteropTests(ServiceFixture service) : ServiceTestBase(service)
{
    private readonly string _generated = Directory.CreateTempSubdirectory("abuse-detector-interop-").FullName;

    /// <summary>Deletes the generated classes, then checks the service's log.</summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Directory.Delete(_generated, recursive: true);
        }

        base.Dispose(disposing);
    }

    [Fact]
    public Task Classify_AbusiveText_FlagsInsultWithEvidenceInsideText() => AssertScenarioAsync("classify");

    [Fact]
    public Task StreamCall_ThreeHundredChunks_UpdatesArriveInOrderAndAbusiveOnesFlagged() => AssertScenarioAsync("stream");

    [Fact]
    public Task StreamCall_DeadlineExpires_DeadlineExceeded() => AssertScenarioAsync("deadline");

    [Fact]
    public Task StreamCall_ClientCancelsMidStream_CancelledAndCallIdReleased() => AssertScenarioAsync("cancel");

    [Fact]
    public Task UnknownMethod_Called_Unimplemented() => AssertScenarioAsync("unknown");

    [Fact]
    public Task Classify_FiveMegabyteText_ResourceExhausted() => AssertScenarioAsync("oversize");

    [Fact]
    public Task Classify_GzipCompressedRequest_Succeeds() => AssertScenarioAsync("gzip");

    [Fact]
    public Task Classify_CustomRequestMetadata_Succeeds() => AssertScenarioAsync("metadata");

    [Fact]
    public Task StreamCall_ChunkBeforeStart_FailedPreconditionWithMessage() => AssertScenarioAsync("bad_chunk");

    [Fact]
    public Task WatchAlerts_AgentWatchesWhileACallEscalates_FourLevelChangesInOrder() => AssertScenarioAsync("watch_alerts");

    private async Task AssertScenarioAsync(string scenario)
    {
        // Arrange
        await PythonInterop.GenerateMessageClassesAsync(_generated);

        // Act & Assert
        await PythonInterop.AssertScriptSucceedsAsync("service_interop.py", $"127.0.0.1:{Service.GrpcPort.ToString(CultureInfo.InvariantCulture)}", _generated, scenario);
    }
}
