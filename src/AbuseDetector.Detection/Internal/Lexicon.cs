using System.Collections.Frozen;

namespace AbuseDetector.Detection.Internal;

/// <summary>
/// Our own small word lists. They give the model features and decide when an obfuscated spelling
/// ("sh1t", "f u c k", "fuuuck") is joined back into a word; they are never a verdict on their own.
/// Matching is on whole tokens: a swear root matches only with the listed prefixes and suffixes, so
/// "Scunthorpe", "analysis", "cocktail" and "assessment" never match.
/// </summary>
internal static class Lexicon
{
    private static readonly string[] SwearRoots =
    [
        "fuck", "fuk", "fck", "feck", "shit", "shite", "piss", "cunt", "bitch", "bastard", "bollock", "bollocks",
        "bloody", "crap", "dick", "cock", "prick", "twat", "wank", "arse", "ass", "asshole", "arsehole", "bugger",
        "bullshit", "goddamn", "damn", "slut", "whore", "tits", "douche", "jackass", "dumbass", "knob", "tosser",
        "pussy", "motherfuck", "motherfucker", "sod", "frigging", "xmaskedx", CharFolding.MiddleFingerToken,
    ];

    // Roots and prefixes of strong profanity (Ofcom's "medium" and above); the rest of the roots are mild: "bloody",
    // "damn", "crap", "arse", "bugger", "sod". A word is strong when its root or its prefix is ("bullshit" is "shit").
    private static readonly string[] StrongSwearRoots =
    [
        "fuck", "fuk", "fck", "shit", "shite", "piss", "cunt", "bitch", "bastard", "bollock", "bollocks", "dick", "cock",
        "prick", "twat", "wank", "asshole", "arsehole", "slut", "whore", "pussy", "motherfuck", "motherfucker", "tosser",
        "xmaskedx", CharFolding.MiddleFingerToken,
    ];

    private static readonly string[] StrongSwearPrefixes = ["mother", "mutha", "dick", "piss", "shit", "fuck", "cock"];

    private static readonly string[] SwearSuffixes =
    [
        "", "s", "'s", "es", "ed", "d", "er", "ers", "ing", "in", "in'", "y", "ie", "ies", "head", "heads", "hole", "holes",
        "face", "faces", "wit", "wits", "bag", "bags", "load", "loads", "off", "tard", "stick", "wad", "up", "ton", "lord",
    ];

    private static readonly string[] SwearPrefixes =
    [
        "", "mother", "mutha", "bull", "dip", "dumb", "jack", "horse", "smart", "bad", "chicken", "ape", "cluster",
        "holy", "god", "dick", "ass", "arse", "fat", "mega", "ratbag", "lame", "cheap", "piss", "shit", "fuck", "cock",
    ];

    // Acronyms and minced forms that transcripts and chat carry whole.
    private static readonly string[] SwearWords =
    [
        "wtf", "stfu", "gtfo", "ffs", "fml", "omfg", "mf", "mofo", "mfer", "effing", "effin", "eff", "sob",
        "bellend", "minger", "nob", "pissed", "shitty", "crappy", "bitchy", "dickhead", "fucktard", "shithole",
    ];

    // The acronyms ("wtf", "ffs") are how people avoid saying the word: mild.
    private static readonly string[] StrongSwearWords = ["mf", "mofo", "mfer", "bellend", "nob"];

    // Forms of strong roots that are ordinary words: "I pricked my finger", "a cocky reply".
    private static readonly string[] NotStrong = ["pricked", "pricking", "cocky", "cocked", "cocking"];

    private static readonly string[] InsultWords =
    [
        "idiot", "idiots", "idiotic", "moron", "morons", "moronic", "stupid", "stupidest", "dumb", "dumber", "useless",
        "incompetent", "incompetence", "imbecile", "imbeciles", "cretin", "cretins", "loser", "losers", "pathetic",
        "clown", "clowns", "muppet", "muppets", "pillock", "plonker", "numpty", "thick", "retard", "retarded",
        "scum", "scumbag", "scumbags", "worthless", "brainless", "ignorant", "halfwit", "dimwit", "dimwits", "fool",
        "fools", "foolish", "jerk", "jerks", "pig", "pigs", "cow", "rat", "rats", "trash", "garbage", "parasite",
        "parasites", "vermin", "freak", "liar", "liars", "thief", "thieves", "crook", "crooks", "lazy", "ugly",
        "fat", "disgusting", "dense", "dope", "dunce", "simpleton", "buffoon", "nitwit", "twit", "git", "wimp",
        "creep", "slob", "sleaze", "sleazy", "lowlife", "idiocy", "dumbo", "airhead", "bimbo", "hag", "witch",
        "monkey", "monkeys", "animal", "animals", "robot", "braindead", "clueless", "spineless", "gormless",
        "waste", "joke", "pathetically", "inbred", "degenerate", "snake", "weasel", "prat", "tool", "wazzock",
    ];

    private static readonly string[] SecondPersonWords =
    [
        "you", "your", "you're", "youre", "yours", "yourself", "yourselves", "u", "ur", "ya", "yer", "ye", "y'all",
        "yall", "thou", "thee", "you'll", "youll", "you've", "you'd", "ye'll",
    ];

    private static readonly string[] ThreatWords =
    [
        "kill", "killing", "killed", "murder", "murdered", "hurt", "hurting", "stab", "stabbed", "stabbing", "shoot",
        "shot", "shooting", "beat", "beating", "punch", "punching", "smash", "smashing", "break", "burn", "burning",
        "bomb", "bombing", "gun", "guns", "knife", "knives", "dead", "die", "bleed", "bleeding", "destroy", "slit",
        "strangle", "choke", "rape", "raped", "torch", "batter", "thump", "deck", "snap", "bury", "hunt", "strangled",
        "slap", "kick", "pound", "cut", "gut", "wreck", "execute", "hang", "lynch", "massacre", "blood", "bullet",
        "bat", "machete", "acid", "watch", "find", "coming", "regret", "pay", "suffer", "knock", "rearrange", "hiding",
        "kicking", "smashed", "glass", "headbutt", "throttle", "finished",
    ];

    private static readonly string[] BodyPartWords =
    [
        "jaw", "neck", "face", "head", "legs", "leg", "arms", "arm", "teeth", "nose", "skull", "throat", "kneecaps",
        "knees", "ribs", "fingers", "eyes", "block", "lights", "brains", "heads", "faces", "necks", "throats", "spine",
    ];

    // What violence leaves, and arms with no other use. Each is common in calm calls too ("my dad's in hospital"), so
    // the model learns from context when they threaten; the class carries what it learns from some words to the rest
    // ("you'll end up in traction" like "you'll end up in hospital"). Tools (hammer, spanner, petrol) are left out:
    // as a class they flagged orders for tools.
    private static readonly string[] HarmWords =
    [
        "hospital", "hospitalised", "hospitalized", "ambulance", "ambulances", "paramedic", "paramedics", "traction",
        "icu", "intensive", "wheelchair", "crutches", "stitches", "concussion", "unconscious", "paralysed", "paralyzed",
        "crippled", "disfigured", "scarred", "bruises", "bruised", "obituaries", "obituary", "funeral", "funerals",
        "grave", "graves", "coffin", "coffins", "casket", "morgue", "mortuary", "bodybag", "daisies", "shotgun",
        "rifle", "pistol", "crossbow", "firebomb", "molotov", "grenade", "explosives", "ammo", "ammunition",
        "knuckleduster",
    ];

    private static readonly string[] PersonWords =
    [
        "him", "her", "them", "he", "she", "they", "he's", "she's", "they're", "someone", "somebody", "somebody's",
        "someone's", "anybody", "anyone", "whoever", "everyone", "everybody", "people", "staff", "manager", "family",
        "kids", "children", "wife", "husband", "son", "daughter", "colleague", "colleagues", "mate", "lad", "man",
        "woman", "girl", "boy", "mum", "mom", "dad", "mother", "father", "brother", "sister", "boss", "driver",
        "engineer", "lot", "yourself", "himself", "herself", "themselves", "courier", "postman", "postie", "guy",
        "bloke", "fella", "inspector", "agent", "receptionist", "cashier", "technician", "fitter", "plumber",
        "landlord", "neighbour", "neighbor", "adviser", "advisor", "rep", "supervisor", "clerk", "operator", "bailiff",
        "bailiffs", "workers", "lads", "mates", "guys", "boys", "engineers", "drivers", "managers",
    ];

    // "won't" is left out: "you won't see it coming" is a threat.
    private static readonly string[] NegationWords =
    [
        "don't", "dont", "didn't", "didnt", "doesn't", "doesnt", "never", "not", "wouldn't", "wouldnt", "nobody",
        "nobody's", "noone",
    ];

    private static readonly string[] FirstPersonIntentWords =
    [
        "i'll", "ill", "i'm", "im", "gonna", "going", "will", "we'll", "imma", "i'ma", "i'd", "gon", "shall",
    ];

    // The masked forms speech engines and people write ("f***", "a**hole") resolve to the most likely of
    // these, in this order, by matching the letters they keep and their length.
    private static readonly string[] MaskTargets =
    [
        "fuck", "fucking", "fucker", "fucked", "shit", "shitty", "bitch", "cunt", "asshole", "arsehole", "bastard",
        "bollocks", "dick", "dickhead", "prick", "twat", "wanker", "piss", "pissed", "crap", "damn", "hell", "ass",
        "arse", "motherfucker", "bullshit", "slut", "whore", "cock", "tosser", "bloody",
    ];

    private static readonly FrozenDictionary<string, string> MincedForms = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["f-ing"] = "fucking", ["f'ing"] = "fucking", ["f-in"] = "fucking", ["f'in"] = "fucking", ["effing"] = "fucking",
        ["effin"] = "fucking", ["eff"] = "fuck", ["a-hole"] = "asshole", ["s-o-b"] = "sob", ["f-off"] = "fuck off",
        ["b-word"] = "bitch", ["f-word"] = "fuck", ["c-word"] = "cunt", ["mf'er"] = "motherfucker",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    // One lookup per token answers every list at once: normalization runs on every chunk.
    private static readonly FrozenDictionary<string, TokenFlags> FlagsByWord = BuildFlags();
    private static readonly FrozenDictionary<string, TokenFlags>.AlternateLookup<ReadOnlySpan<char>> FlagsLookup = FlagsByWord.GetAlternateLookup<ReadOnlySpan<char>>();
    private static readonly FrozenDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> MincedLookup = MincedForms.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Every lexicon flag of a token (swear, insult, second person, threat word, intent).</summary>
    public static TokenFlags FlagsOf(ReadOnlySpan<char> token) => FlagsLookup.TryGetValue(token, out var flags) ? flags : TokenFlags.None;

    public static bool IsSwear(ReadOnlySpan<char> token) => (FlagsOf(token) & TokenFlags.Swear) != 0;

    public static bool IsInsult(ReadOnlySpan<char> token) => (FlagsOf(token) & TokenFlags.Insult) != 0;

    public static bool IsSecondPerson(ReadOnlySpan<char> token) => (FlagsOf(token) & TokenFlags.SecondPerson) != 0;

    /// <summary>True when the token is a word the lexicons know well enough to join an obfuscated spelling into it.</summary>
    public static bool IsJoinable(ReadOnlySpan<char> token) => (FlagsOf(token) & (TokenFlags.Swear | TokenFlags.Insult)) != 0;

    public static bool TryGetMinced(ReadOnlySpan<char> token, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? replacement) => MincedLookup.TryGetValue(token, out replacement);

    /// <summary>
    /// Resolves a masked token such as "f***", "f**king" or "a**hole": letters kept before and after a run of
    /// asterisks, the total length matching. Returns null when nothing fits.
    /// </summary>
    public static string? ResolveMask(ReadOnlySpan<char> masked)
    {
        var firstStar = masked.IndexOf('*');
        var lastStar = masked.LastIndexOf('*');
        if (firstStar < 0)
        {
            return null;
        }

        var prefix = masked[..firstStar];
        var suffix = masked[(lastStar + 1)..];
        if (prefix.Length == 0 && suffix.Length == 0)
        {
            return null;
        }

        foreach (var target in MaskTargets)
        {
            if (target.Length == masked.Length && target.AsSpan().StartsWith(prefix) && target.AsSpan().EndsWith(suffix))
            {
                return target;
            }
        }

        return null;
    }

    private static FrozenDictionary<string, TokenFlags> BuildFlags()
    {
        var flags = new Dictionary<string, TokenFlags>(StringComparer.Ordinal);
        void Mark(IEnumerable<string> words, TokenFlags flag)
        {
            foreach (var word in words)
            {
                flags[word] = flags.GetValueOrDefault(word) | flag;
            }
        }

        var (swears, strong) = BuildSwearSets();
        Mark(swears, TokenFlags.Swear);
        Mark(strong, TokenFlags.StrongSwear);
        Mark(InsultWords, TokenFlags.Insult);
        Mark(SecondPersonWords, TokenFlags.SecondPerson);
        Mark(ThreatWords, TokenFlags.ThreatWord);
        Mark(FirstPersonIntentWords, TokenFlags.Intent);
        Mark(NegationWords, TokenFlags.Negation);
        Mark(BodyPartWords, TokenFlags.BodyPart);
        Mark(HarmWords, TokenFlags.Harm);
        Mark(PersonWords, TokenFlags.Person);
        Mark(SecondPersonWords, TokenFlags.Person);
        return flags.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>Every swear word, and the strong ones among them.</summary>
    private static (HashSet<string> All, HashSet<string> Strong) BuildSwearSets()
    {
        var words = new HashSet<string>(StringComparer.Ordinal);
        var strong = new HashSet<string>(StringComparer.Ordinal);
        foreach (var root in SwearRoots)
        {
            var strongRoot = StrongSwearRoots.Contains(root, StringComparer.Ordinal);
            foreach (var prefix in SwearPrefixes)
            {
                var into = strongRoot || StrongSwearPrefixes.Contains(prefix, StringComparer.Ordinal) ? strong : words;
                foreach (var suffix in SwearSuffixes)
                {
                    into.Add(prefix + root + suffix);
                    if (suffix.Length > 0 && char.IsAsciiLetterLower(root[^1]) && "aeiou".IndexOf(root[^1], StringComparison.Ordinal) < 0)
                    {
                        // Doubled final consonant: "shitty", "crappy", "twatted".
                        into.Add(prefix + root + root[^1] + suffix);
                    }
                }
            }
        }

        words.UnionWith(strong);
        words.UnionWith(SwearWords);
        // Roots that are also ordinary words when inflected or compounded.
        words.ExceptWith(["sods", "soded", "sodding", "sodding", "sodded", "assy", "asses", "godd", "cocks", "dicks", "dicky",
            "sodder", "sody", "asser", "assers", "assing", "arsed", "ashole", "bats", "pissoff", "assup", "sodup", "bugged",
            // Prefix "ass" + root "ass" + suffix "in": a compound by accident, and a word threats use.
            "assassin"]);
        words.Add("sodding");
        strong.UnionWith(StrongSwearWords);
        strong.IntersectWith(words);
        strong.ExceptWith(NotStrong);
        return (words, strong);
    }
}
