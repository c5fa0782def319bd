namespace AbuseDetector.Detection;

/// <summary>Thrown when a model file is missing, truncated, corrupt, or of a format this build cannot read.</summary>
public sealed class ModelFormatException : Exception
{
    /// <summary>Creates the exception with a sentence that says what is wrong with the file.</summary>
    public ModelFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a sentence and the error that caused it.</summary>
    public ModelFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public ModelFormatException()
        : base("The model file could not be read.")
    {
    }
}
