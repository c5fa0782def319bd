namespace AbuseDetector.Testing;

/// <summary>Finds files the repository commits (samples/, models/, protos/, ...) above the test's build output.</summary>
public static class RepositoryFiles
{
    /// <summary>The full path of a committed file, found by walking up from the test's build output.</summary>
    /// <param name="relativePath">The path from the repository root, with forward slashes: <c>samples/README.md</c>.</param>
    /// <returns>The full path of the file.</returns>
    public static string Find(string relativePath)
    {
        var parts = relativePath.Split('/');
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine([directory.FullName, .. parts]);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        Assert.Fail($"{relativePath} was not found above {AppContext.BaseDirectory}: the tests run from the repository's build output, and the repository commits it.");
        return string.Empty;
    }

    /// <summary>The full path of a committed folder, found by a file it holds: <c>Folder("protos", "abuse_detector/v1/abuse_detector.proto")</c>.</summary>
    /// <param name="relativeFolder">The folder's path from the repository root, with forward slashes.</param>
    /// <param name="fileInside">A file the folder commits, its path from the folder, with forward slashes.</param>
    /// <returns>The full path of the folder.</returns>
    public static string Folder(string relativeFolder, string fileInside)
    {
        var file = Find(relativeFolder + "/" + fileInside);
        var folder = new FileInfo(file).Directory!;
        for (var depth = fileInside.Split('/').Length; depth > 1; depth--)
        {
            folder = folder.Parent!;
        }

        return folder.FullName;
    }

    /// <summary>
    /// A program in its own project's build output, in the configuration the tests were built in
    /// (<c>BuiltProgram("src/AbuseDetector.Cli", "abuse-detector.dll")</c>): run there, its dependencies sit beside it.
    /// </summary>
    /// <param name="projectFolder">The project's folder from the repository root, with forward slashes.</param>
    /// <param name="assemblyFile">The program's file name.</param>
    /// <returns>The full path of the program.</returns>
    public static string BuiltProgram(string projectFolder, string assemblyFile)
    {
        var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
        return Find($"{projectFolder}/bin/{configuration}/net10.0/{assemblyFile}");
    }
}
