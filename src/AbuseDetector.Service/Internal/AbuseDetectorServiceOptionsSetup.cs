using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace AbuseDetector.Service.Internal;

/// <summary>Fills in the default model path when none is configured: models/default.model above the content root, then above the program folder.</summary>
internal sealed class AbuseDetectorServiceOptionsSetup(IHostEnvironment environment) : IPostConfigureOptions<AbuseDetectorServiceOptions>
{
    public void PostConfigure(string? name, AbuseDetectorServiceOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.ModelPath))
        {
            options.ModelPath = FindDefaultModel(environment.ContentRootPath, AppContext.BaseDirectory);
        }
    }

    internal static string? FindDefaultModel(params string[] starts)
    {
        foreach (var start in starts)
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                var candidate = Path.Combine(directory.FullName, AbuseDetectorServiceOptions.DefaultModelRelativePath);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }
}

/// <summary>Runs the data annotations on <see cref="AbuseDetectorServiceOptions"/> and reports each failure as its own plain sentence.</summary>
internal sealed class AbuseDetectorServiceOptionsValidator : IValidateOptions<AbuseDetectorServiceOptions>
{
    public ValidateOptionsResult Validate(string? name, AbuseDetectorServiceOptions options)
    {
        var results = new List<ValidationResult>();
        if (Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
        {
            return ValidateOptionsResult.Success;
        }

        return ValidateOptionsResult.Fail(results.Select(r => r.ErrorMessage ?? "The AbuseDetector settings are not valid."));
    }
}
