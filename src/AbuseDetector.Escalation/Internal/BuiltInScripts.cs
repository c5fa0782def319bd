namespace AbuseDetector.Escalation.Internal;

/// <summary>Our own English wording of the de-escalation protocol.</summary>
internal static class BuiltInScripts
{
    /// <summary>The instance at the end of every fallback chain; never handed out, so never changed.</summary>
    public static ScriptSet Shared { get; } = Create();

    public static ScriptSet Create()
    {
        var set = new ScriptSet
        {
            Notice = "I'm happy to help you, but do you realise you are {behaviour}?",
            Warning = "I am asking you to please stop {behaviour}.",
            FinalWarning = "If you continue {behaviour}, I will have no option but to end the call.",
            EndCallPermitted = "I am going to end the call now. Please call back when you are ready to talk this through calmly.",
        };
        set.Behaviours[Behaviours.Shouting] = "shouting at me";
        set.Behaviours[Behaviours.Swearing] = "swearing";
        set.Behaviours[Behaviours.Insult] = "insulting me";
        set.Behaviours[Behaviours.Abuse] = "being abusive";
        set.Behaviours[Behaviours.Hate] = "using that language";
        set.Behaviours[Behaviours.Threat] = "threatening me";
        return set;
    }
}
