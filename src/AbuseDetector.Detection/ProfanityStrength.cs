namespace AbuseDetector.Detection;

/// <summary>How strong the speaker's own swearing in a chunk is (<see cref="Classification.Profanity"/>).</summary>
public enum ProfanityStrength
{
    /// <summary>No swearing of the speaker's own: nothing flagged, or only swear words in reported speech ("he called me a ...").</summary>
    None = 0,

    /// <summary>
    /// Mild swearing only ("bloody", "damn", "crap", "bugger", "sod", the acronyms "wtf" and "ffs"), or swearing the model
    /// flagged with no swear word the lexicon knows ("what the hell").
    /// </summary>
    Mild = 1,

    /// <summary>
    /// At least one strong swear word of the speaker's own ("fuck", "shit", "cunt", "twat", "wanker", "bitch", "piss", ...),
    /// obfuscated or masked forms included ("sh1t", "f***", "a**hole", "****", a caption's "[ __ ]").
    /// </summary>
    Strong = 2,
}
