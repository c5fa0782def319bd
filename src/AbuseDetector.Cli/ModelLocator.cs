namespace AbuseDetector.Cli;

/// <summary>Finds the model to load: --model, then ABUSE_DETECTOR_MODEL, then models/default.model above the working or program folder.</summary>
internal static class ModelLocator
{
    public const string DefaultRelativePath = "models/default.model";

    public static string Resolve(string? explicitPath)
    {
        if (explicitPath is not null)
        {
            return explicitPath;
        }

        var fromEnvironment = Environment.GetEnvironmentVariable("ABUSE_DETECTOR_MODEL");
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return fromEnvironment;
        }

        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                var candidate = Path.Combine(directory.FullName, DefaultRelativePath);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new UsageException($"No model found: pass --model, set ABUSE_DETECTOR_MODEL, or run from a checkout that has {DefaultRelativePath}.");
    }
}
