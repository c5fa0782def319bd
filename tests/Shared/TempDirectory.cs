namespace AbuseDetector.Tests;

/// <summary>A fresh folder under the system temporary folder, deleted with everything in it on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        FullPath = Directory.CreateTempSubdirectory("abuse-detector-tests-").FullName;
    }

    public string FullPath { get; }

    /// <summary>The path of a file in this folder (the file is not created).</summary>
    public string PathOf(string name) => Path.Combine(FullPath, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(FullPath, recursive: true);
        }
        catch (IOException)
        {
            // A file still open in a failed test; the system cleans its temporary folder.
        }
    }
}
