namespace AbuseDetector.Detection.Training.Data;

/// <summary>Which part of a data set an example belongs to.</summary>
internal enum Split
{
    Train,
    Validation,
    Test,
}

/// <summary>
/// One labeled text. Labels are keyed by head name ("threat", "olid_off", ...); a head the source does
/// not label is simply absent, so the head's loss ignores the example.
/// </summary>
internal sealed class Example(string text, string source, Split split)
{
    public string Text { get; } = text;

    public string Source { get; } = source;

    public Split Split { get; } = split;

    public Dictionary<string, float> Labels { get; } = new(StringComparer.Ordinal);

    /// <summary>Gold toxic character offsets (UTF-16), for toxic-span examples.</summary>
    public HashSet<int>? SpanOffsets { get; set; }

    public Example With(string head, bool value)
    {
        Labels[head] = value ? 1f : 0f;
        return this;
    }

    public Example WithAll(float value, params string[] heads)
    {
        foreach (var head in heads)
        {
            Labels[head] = value;
        }

        return this;
    }
}

/// <summary>Head names shared by readers, the trainer and evaluation.</summary>
internal static class Heads
{
    public const string Swearing = "swearing";
    public const string Insult = "insult";
    public const string Threat = "threat";
    public const string Hate = "hate";
    public const string Abusive = "abusive";
    public const string Directed = "directed";

    public const string OlidOffensive = "olid_off";
    public const string OlidTargeted = "olid_tin";
    public const string OlidIndividual = "olid_ind";
    public const string OlidGroup = "olid_grp";
    public const string OlidOther = "olid_oth";
    public const string DavidsonHate = "davidson_hate";
    public const string DavidsonOffensive = "davidson_offensive";
    public const string DavidsonNeither = "davidson_neither";
    public const string ConvAbuse = "convabuse_abuse";
    public const string ToxicToken = "toxic_token";

    public static readonly string[] Product = [Swearing, Insult, Threat, Hate, Abusive, Directed];

    public static readonly string[] Benchmark =
    [
        OlidOffensive, OlidTargeted, OlidIndividual, OlidGroup, OlidOther, DavidsonHate, DavidsonOffensive, DavidsonNeither, ConvAbuse,
    ];

    /// <summary>Every product head except "directed": all of them 0 means clean text.</summary>
    public static readonly string[] ProductContent = [Swearing, Insult, Threat, Hate, Abusive];
}
