using AbuseDetector.Detection;

namespace AbuseDetector.Escalation.Internal;

/// <summary>The behaviours alerts and scripts name, and how a chunk's flags map to them.</summary>
internal static class Behaviours
{
    public const string Threat = "threat";
    public const string Hate = "hate";
    public const string Insult = "insult";
    public const string Abuse = "abuse";
    public const string Shouting = "shouting";
    public const string Swearing = "swearing";

    /// <summary>
    /// Abuse aimed at the person spoken to: a strike for the caller, coaching for the agent. Hate counts whoever it is
    /// about; an insult counts only with the model's directed flag (without it, it is about someone not on the call).
    /// </summary>
    public const AbuseFlags AimedAtListener = AbuseFlags.Hate | AbuseFlags.Directed;

    /// <summary>What an agent is coached on: abuse aimed at the caller, and threats.</summary>
    public const AbuseFlags AgentMisconduct = AimedAtListener | AbuseFlags.Threat;

    /// <summary>The gravest behaviour in a chunk, as alerts and script lines name it; shouting outranks swearing.</summary>
    public static string Dominant(AbuseFlags flags, bool isShouting)
    {
        if ((flags & AbuseFlags.Threat) != 0)
        {
            return Threat;
        }

        if ((flags & AbuseFlags.Hate) != 0)
        {
            return Hate;
        }

        if ((flags & AbuseFlags.Insult) != 0)
        {
            return Insult;
        }

        if ((flags & (AbuseFlags.Directed | AbuseFlags.Abusive)) != 0)
        {
            return Abuse;
        }

        if (isShouting)
        {
            return Shouting;
        }

        return (flags & AbuseFlags.Swearing) != 0 ? Swearing : string.Empty;
    }

    /// <summary>How a behaviour reads in a reason sentence about the caller.</summary>
    public static string CallerDid(string behaviour) => behaviour switch
    {
        Threat => "the caller threatened violence",
        Hate => "the caller used hateful language",
        Insult => "the caller insulted the agent",
        Abuse => "the caller was abusive towards the agent",
        Shouting => "the caller was shouting",
        Swearing => "the caller was swearing",
        _ => "the caller's behaviour",
    };

    /// <summary>How a behaviour reads in a coaching sentence about the agent.</summary>
    public static string AgentDid(string behaviour) => behaviour switch
    {
        Threat => "The agent threatened the caller.",
        Hate => "The agent used hateful language.",
        Insult => "The agent insulted the caller.",
        _ => "The agent was abusive towards the caller.",
    };

    private static readonly int FlagCombinations = 1 << AbuseCategories.All.Count;

    // Every combination of the six flags, then the same with shouting: built once, shared by every call.
    private static readonly IReadOnlyList<string>[] CategoryNameTable = BuildCategoryNames();

    /// <summary>The category names for an incident timeline ("swearing", "insult", ..., "shouting"); shared, never allocates.</summary>
    public static IReadOnlyList<string> CategoryNames(AbuseFlags flags, bool isShouting) =>
        CategoryNameTable[((int)flags & (FlagCombinations - 1)) + (isShouting ? FlagCombinations : 0)];

    private static IReadOnlyList<string>[] BuildCategoryNames()
    {
        var table = new IReadOnlyList<string>[2 * FlagCombinations];
        for (var i = 0; i < table.Length; i++)
        {
            var flags = (AbuseFlags)(i & (FlagCombinations - 1));
            var names = new List<string>(AbuseCategories.All.Count + 1);
            foreach (var category in AbuseCategories.All)
            {
                if ((flags & category.ToFlag()) != 0)
                {
                    names.Add(category.ToName());
                }
            }

            if (i >= FlagCombinations)
            {
                names.Add(Shouting);
            }

            table[i] = names.AsReadOnly();
        }

        return table;
    }

    /// <summary>How grave a behaviour is, for naming the worst one on a call; 0 for none.</summary>
    public static int Gravity(string behaviour) => behaviour switch
    {
        Threat => 6,
        Hate => 5,
        Insult => 4,
        Abuse => 3,
        Shouting => 2,
        Swearing => 1,
        _ => 0,
    };
}
