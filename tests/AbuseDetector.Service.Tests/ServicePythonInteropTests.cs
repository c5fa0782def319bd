using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;

namespace AbuseDetector.Service.Tests;

/// <summary>
/// Calls the real service from Debian's python3-grpcio (the C-core gRPC client), run as a real process with message
/// classes that Debian's protoc generates from the committed contract at test time.
/// </summary>
[Collection(ServiceCollection.Name)]
public class ServicePythonInteropTests(ServiceFixture service) : ServiceTestBase(service)
{
    private const string Python = "/usr/bin/python3";
    private const string Protoc = "protoc";
    private const string ProtoFile = "abuse_detector/v1/abuse_detector.proto";
    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromSeconds(90);

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

    private async Task AssertScenarioAsync(string scenario)
    {
        // Arrange
        await GenerateMessageClassesAsync();
        var script = Path.Combine(AppContext.BaseDirectory, "interop", "service_interop.py");
        Assert.True(File.Exists(Python), $"{Python} is missing: the interop tests need Debian's python3 with python3-grpcio and python3-protobuf (tests/run.sh installs them).");
        Assert.True(File.Exists(script), $"{script} is missing: the test project copies interop/*.py to its output.");

        // Act
        var (exitCode, output) = await RunAsync(Python, [script, $"127.0.0.1:{Service.GrpcPort.ToString(CultureInfo.InvariantCulture)}", _generated, scenario]);

        // Assert
        Assert.False(exitCode == 3, $"python3-grpcio or python3-protobuf is not installed, so the interop tests cannot run (tests/run.sh installs them): {output}");
        Assert.True(exitCode == 0, $"Scenario '{scenario}' failed (exit {exitCode}): {output}");
    }

    /// <summary>Runs Debian's protoc on the committed contract, writing abuse_detector/v1/abuse_detector_pb2.py into the temporary folder.</summary>
    private async Task GenerateMessageClassesAsync()
    {
        var protos = FindProtosFolder();
        (int ExitCode, string Output) result;
        try
        {
            result = await RunAsync(Protoc, [$"--python_out={_generated}", "-I", protos, Path.Combine(protos, ProtoFile)]);
        }
        catch (Win32Exception ex)
        {
            Assert.Fail($"protoc could not be started ({ex.Message}): the interop tests need Debian's protobuf-compiler (tests/run.sh installs it).");
            throw;
        }

        Assert.True(result.ExitCode == 0, $"protoc failed (exit {result.ExitCode}): {result.Output}");
        Assert.True(File.Exists(Path.Combine(_generated, "abuse_detector", "v1", "abuse_detector_pb2.py")), $"protoc wrote no abuse_detector_pb2.py: {result.Output}");
    }

    private static string FindProtosFolder()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var protos = Path.Combine(folder.FullName, "protos");
            if (File.Exists(Path.Combine(protos, ProtoFile)))
            {
                return protos;
            }
        }

        Assert.Fail($"No protos/{ProtoFile} above {AppContext.BaseDirectory}: the interop tests run from the repository's build output.");
        return string.Empty;
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string fileName, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(ProcessTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{fileName} {string.Join(' ', start.ArgumentList)} did not finish within {ProcessTimeout.TotalSeconds} seconds.");
        }

        return (process.ExitCode, ((await stdout).Trim() + " " + (await stderr).Trim()).Trim());
    }
}
