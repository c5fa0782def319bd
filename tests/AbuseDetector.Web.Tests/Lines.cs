namespace AbuseDetector.Web.Tests;

/// <summary>Lines the committed model scores the way the tests need, taken from samples/*.jsonl.</summary>
internal static class Lines
{
    /// <summary>A threat of violence the model flags as THREAT (samples/threat.jsonl).</summary>
    public const string Threat = "If you cancel it I'll come down to your office and hurt you.";

    /// <summary>An agent's opening line; nothing in it is flagged.</summary>
    public const string AgentGreeting = "Hello, billing department, Alex speaking.";

    /// <summary>A caller's calm question; nothing in it is flagged.</summary>
    public const string CalmQuestion = "I'm calling about the second charge on my last bill.";
}
