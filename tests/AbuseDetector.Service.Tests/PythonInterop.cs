using System.ComponentModel;

namespace AbuseDetector.Service.Tests;

/// <summary>Runs the python3-grpcio scripts under interop/ with message classes Debian's protoc generates at test time.</summary>
internal static class PythonInterop
{
    public const string Python = "/usr/bin/python3";
    private const string ProtoFile = "abuse_detector/v1/abuse_detector.proto";
    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromSeconds(90);

    /// <summary>Writes abuse_detector/v1/abuse_detector_pb2.py into <paramref name="folder"/>.</summary>
    public static async Task GenerateMessageClassesAsync(string folder)
    {
        var protos = FindProtosFolder();
        InteropProcessResult result;
        try
        {
            result = await RunAsync("protoc", [$"--python_out={folder}", "-I", protos, Path.Combine(protos, ProtoFile)]);
        }
        catch (Win32Exception ex)
        {
            Assert.Fail($"protoc could not be started ({ex.Message}): the interop tests need Debian's protobuf-compiler (tests/run.sh installs it).");
            throw;
        }

        Assert.True(result.ExitCode == 0, $"protoc failed (exit {result.ExitCode}): {result.Output}");
    }

    /// <summary>Runs interop/<paramref name="script"/> and fails the test unless it exits 0.</summary>
    public static async Task AssertScriptSucceedsAsync(string script, params string[] arguments)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "interop", script);
        Assert.True(File.Exists(Python), $"{Python} is missing: the interop tests need Debian's python3 with python3-grpcio and python3-protobuf (tests/run.sh installs them).");
        var (exitCode, output) = await RunAsync(Python, [path, .. arguments]);
        Assert.False(exitCode == 3, $"python3-grpcio or python3-protobuf is not installed (tests/run.sh installs them): {output}");
        Assert.True(exitCode == 0, $"{script} {string.Join(' ', arguments)} failed (exit {exitCode}): {output}");
    }

    private static string FindProtosFolder() => RepositoryFiles.Folder("protos", ProtoFile);

    private static Task<InteropProcessResult> RunAsync(string fileName, IEnumerable<string> arguments) =>
        InteropProcess.RunAsync(fileName, arguments, workingDirectory: null, ProcessTimeout);
}
