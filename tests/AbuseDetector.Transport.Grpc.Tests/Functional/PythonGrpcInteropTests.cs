using System.Diagnostics;
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

    private async Task<(int ExitCode, string Output)> RunAsync(string scenario)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "interop", "grpc_interop.py");
        Assert.True(File.Exists(Python), $"{Python} is missing: the interop tests need Debian's python3 with python3-grpcio (tests/run.sh installs it).");

        var start = new ProcessStartInfo(Python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(server.Port.ToString(CultureInfo.InvariantCulture));
        start.ArgumentList.Add(scenario);

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"Scenario '{scenario}' did not finish within 60 seconds.");
        }

        var output = (await stdout).Trim() + " " + (await stderr).Trim();
        Assert.False(process.ExitCode == 3, $"python3-grpcio is not installed, so the interop tests cannot run: {output}");
        return (process.ExitCode, output);
    }
}
