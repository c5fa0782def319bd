namespace AbuseDetector.Detection;

/// <summary>What the classifier scores in every chunk of text.</summary>
public enum AbuseCategory
{
    /// <summary>Profanity or obscenity, whoever it is aimed at ("this bloody printer" counts).</summary>
    Swearing = 0,

    /// <summary>Demeaning a person or a personal attack.</summary>
    Insult = 1,

    /// <summary>A threat of violence or harm to a person (not "I'll cancel" or "I'm calling my lawyer").</summary>
    Threat = 2,

    /// <summary>An attack on identity: race, religion, nationality, gender, sexuality, disability.</summary>
    Hate = 3,

    /// <summary>Abuse aimed at a person overall: an insult, a threat, hate, or swearing at someone.</summary>
    Abusive = 4,

    /// <summary>The abuse is aimed at the person spoken to (in a call, the agent) rather than at a situation.</summary>
    Directed = 5,
}

/// <summary>The categories a chunk was flagged for.</summary>
[Flags]
#pragma warning disable CA1711 // "Flags" is the clearest name for a set of flags.
public enum AbuseFlags
#pragma warning restore CA1711
{
    /// <summary>Nothing flagged.</summary>
    None = 0,

    /// <summary><see cref="AbuseCategory.Swearing"/>.</summary>
    Swearing = 1 << AbuseCategory.Swearing,

    /// <summary><see cref="AbuseCategory.Insult"/>.</summary>
    Insult = 1 << AbuseCategory.Insult,

    /// <summary><see cref="AbuseCategory.Threat"/>.</summary>
    Threat = 1 << AbuseCategory.Threat,

    /// <summary><see cref="AbuseCategory.Hate"/>.</summary>
    Hate = 1 << AbuseCategory.Hate,

    /// <summary><see cref="AbuseCategory.Abusive"/>.</summary>
    Abusive = 1 << AbuseCategory.Abusive,

    /// <summary><see cref="AbuseCategory.Directed"/>.</summary>
    Directed = 1 << AbuseCategory.Directed,
}

/// <summary>Helpers for the category enumerations.</summary>
public static class AbuseCategories
{
    /// <summary>Every category, in enumeration order.</summary>
    public static IReadOnlyList<AbuseCategory> All { get; } =
        [AbuseCategory.Swearing, AbuseCategory.Insult, AbuseCategory.Threat, AbuseCategory.Hate, AbuseCategory.Abusive, AbuseCategory.Directed];

    /// <summary>The lower-case name used in JSON, model files and the command line ("swearing", "insult", ...).</summary>
    public static string ToName(this AbuseCategory category) => category switch
    {
        AbuseCategory.Swearing => "swearing",
        AbuseCategory.Insult => "insult",
        AbuseCategory.Threat => "threat",
        AbuseCategory.Hate => "hate",
        AbuseCategory.Abusive => "abusive",
        AbuseCategory.Directed => "directed",
        _ => throw new ArgumentOutOfRangeException(nameof(category), category, "Unknown category."),
    };

    /// <summary>Parses a name produced by <see cref="ToName"/>; false when the name is unknown.</summary>
    public static bool TryParse(string name, out AbuseCategory category)
    {
        foreach (var candidate in All)
        {
            if (string.Equals(candidate.ToName(), name, StringComparison.OrdinalIgnoreCase))
            {
                category = candidate;
                return true;
            }
        }

        category = default;
        return false;
    }

    /// <summary>The flag of one category.</summary>
    public static AbuseFlags ToFlag(this AbuseCategory category) => (AbuseFlags)(1 << (int)category);
}
