namespace AbuseDetector.Tests;

/// <summary>
/// A few call-centre lines written for the tests, labeled for the six categories
/// (swearing, insult, threat, hate, abusive, directed). Separable on purpose: each kind of line has its own words.
/// </summary>
internal static class TinyCorpus
{
    public static IReadOnlyList<(string Text, int[] Labels)> Lines { get; } =
    [
        ("this bloody printer is broken again", [1, 0, 0, 0, 0, 0]),
        ("what the fuck is going on with my order", [1, 0, 0, 0, 0, 0]),
        ("oh shit i forgot my password again", [1, 0, 0, 0, 0, 0]),
        ("fucking hell this queue is slow", [1, 0, 0, 0, 0, 0]),
        ("you are a useless idiot", [0, 1, 0, 0, 1, 1]),
        ("what a stupid moron you are", [0, 1, 0, 0, 1, 1]),
        ("you pathetic clown", [0, 1, 0, 0, 1, 1]),
        ("you absolute fucking muppet", [1, 1, 0, 0, 1, 1]),
        ("i will find you and hurt you", [0, 0, 1, 0, 1, 1]),
        ("i am going to kill you", [0, 0, 1, 0, 1, 1]),
        ("watch your back i will come for you", [0, 0, 1, 0, 1, 1]),
        ("go back to your own country you people are all the same", [0, 0, 0, 1, 1, 1]),
        ("women like you should not be allowed to do this job", [0, 0, 0, 1, 1, 1]),
        ("can you check my broadband please", [0, 0, 0, 0, 0, 0]),
        ("thank you so much for your help today", [0, 0, 0, 0, 0, 0]),
        ("my bill is higher than last month", [0, 0, 0, 0, 0, 0]),
        ("the engineer is coming on monday morning", [0, 0, 0, 0, 0, 0]),
        ("i would like to upgrade my plan", [0, 0, 0, 0, 0, 0]),
        ("how do i reset my router", [0, 0, 0, 0, 0, 0]),
        ("i need to change my address", [0, 0, 0, 0, 0, 0]),
        ("the app keeps crashing when i log in", [0, 0, 0, 0, 0, 0]),
        ("could you send me a copy of the contract", [0, 0, 0, 0, 0, 0]),
    ];

    public static List<string> Texts => [.. Lines.Select(l => l.Text)];
}
