using System.ComponentModel;
using System.Globalization;

namespace AbuseDetector.Service.Tests;

/// <summary>
/// Calls the real service from Node's @grpc/grpc-js, a gRPC implementation independent of ours and of C-core, run as a
/// real process (tests/run.sh installs its npm packages with npm ci).
/// </summary>
[Collection(ServiceCollection.Name)]
public class NodeInteropTests(ServiceFixture service) : ServiceTestBase(service)
{
    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromSeconds(90);

    [Theory]
    [InlineData("classify")]
    [InlineData("gzip")]
    [InlineData("stream")]
    [InlineData("deadline")]
    [InlineData("cancel")]
    [InlineData("unknown")]
    [InlineData("metadata")]
    [InlineData("bad_chunk")]
    [InlineData("health")]
    [InlineData("watch_alerts")]
    public async Task Scenario_FromGrpcJs_BehavesAsSpecified(string scenario)
    {
        // Arrange
        var (folder, protos) = FindFolders();
        Assert.True(
            Directory.Exists(Path.Combine(folder, "node_modules", "@grpc", "grpc-js")),
            $"@grpc/grpc-js is not installed in {folder}: run 'npm ci' there (tests/run.sh does).");

        // Act
        var (exitCode, output) = await RunNodeAsync(folder, Path.Combine(folder, "node_interop.js"), $"127.0.0.1:{Service.GrpcPort.ToString(CultureInfo.InvariantCulture)}", protos, scenario);

        // Assert
        Assert.True(exitCode == 0, $"Scenario '{scenario}' failed (exit {exitCode}): {output}");
        Assert.Equal("ok", output);
    }

    private static (string NodeFolder, string Protos) FindFolders() =>
        (RepositoryFiles.Folder("tests/AbuseDetector.Service.Tests/interop/node", "package.json"), RepositoryFiles.Folder("protos", "abuse_detector/v1/abuse_detector.proto"));

    private static async Task<InteropProcessResult> RunNodeAsync(string workingDirectory, params string[] arguments)
    {
        try
        {
            return await InteropProcess.RunAsync("node", arguments, workingDirectory, ProcessTimeout);
        }
        catch (Win32Exception ex)
        {
            Assert.Fail($"node could not be started ({ex.Message}): the Node interop tests need Node.js (tests/run.sh installs it).");
            throw;
        }
    }
}
