using System.Globalization;

namespace AbuseDetector.Transport.Grpc.Tests.Functional;

/// <summary>Calls the test server from python3-grpcio (the C-core gRPC client), run as a real process.</summary>
[Collection(GrpcServerCollection.Name)]
public class PythonGrpcInteropTests(GrpcServerFixture server) : IDisposable
{
    private readonly int _problemsBefore = server.Problems.Count;

    /// <summary>Fails the test when the server logged an unexpected Error during it.</summary>
    public void Dispose()
    {
        server.AssertNoUnexpectedErrors(_problemsBefore);
        GC.SuppressFinalize(this);
    }

    private const string Python = "/usr/bin/python3";

    [Theory]
    [InlineData("unary")]
    [InlineData("server_streaming")]
    [InlineData("client_streaming")]
    [InlineData("bidi")]
    [InlineData("deadline")]
    [InlineData("deadline_ignored")]
    [InlineData("send_too_large")]
    [InlineData("early_headers")]
    [InlineData("unknown")]
    [InlineData("oversize")]
    [InlineData("gzip")]
    [InlineData("metadata")]
    [InlineData("errors")]
    public async Task Scenario_PythonClient_Succeeds(string scenario)
    {
        // Act
        var (exitCode, output) = await RunAsync(scenario);

        // Assert
        Assert.True(exitCode == 0, $"Scenario '{scenario}' failed (exit {exitCode}): {output}");
    }

    [Fact]
    public async Task Cancel_PythonClientCancelsBidi_ServerTokenFires()
    {
        // Act
        var (exitCode, output) = await RunAsync("cancel");

        // Assert
        Assert.True(exitCode == 0, $"Scenario 'cancel' failed (exit {exitCode}): {output}");
        var cancelled = await Task.WhenAny(server.Service.ChatCancelled.Task, Task.Delay(TimeSpan.FromSeconds(10)));
        Assert.True(cancelled == server.Service.ChatCancelled.Task, "The server's call token did not fire after the client cancelled.");
    }

    private async Task<InteropProcessResult> RunAsync(string scenario)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "interop", "grpc_interop.py");
        Assert.True(File.Exists(Python), $"{Python} is missing: the interop tests need Debian's python3 with python3-grpcio (tests/run.sh installs it).");

        var result = await InteropProcess.RunAsync(Python, [script, server.Port.ToString(CultureInfo.InvariantCulture), scenario], workingDirectory: null, TimeSpan.FromSeconds(60));
        Assert.False(result.ExitCode == 3, $"python3-grpcio is not installed, so the interop tests cannot run: {result.Output}");
        return result;
    }
}
