using AbuseDetector.Contracts.V1;
using Google.Protobuf;

namespace AbuseDetector.Contracts.Tests;

/// <summary>Messages with every field set to a value other than its default, so a field lost on the wire shows.</summary>
internal static class Samples
{
    public static CallEvent Event(CallEvent.EventOneofCase eventCase) => eventCase switch
    {
        CallEvent.EventOneofCase.Start => new CallEvent
        {
            Start = new CallStart
            {
                CallId = "call-1",
                TenantId = "tenant-1",
                AgentId = "agent-1",
                TeamId = "team-1",
                CustomerId = "customer-1",
                Language = "en-GB",
            },
        },
        CallEvent.EventOneofCase.Chunk => new CallEvent
        {
            Chunk = new TranscriptChunk
            {
                Seq = 7,
                Speaker = Speaker.Customer,
                Text = "you ARE useless £ é",
                IsFinal = true,
                StartMs = 1500,
                EndMs = 3200,
                Confidence = 0.875f,
                LoudnessDbfs = -20.5f,
                Pcm16 = ByteString.CopyFrom(0x01, 0x00, 0xFF, 0x7F),
                SampleRateHz = 8000,
            },
        },
        CallEvent.EventOneofCase.Action => new CallEvent
        {
            Action = new AgentAction { Seq = 8, Kind = AgentActionKind.SupervisorRequested, Note = "second warning" },
        },
        CallEvent.EventOneofCase.End => new CallEvent { End = new CallEnd { Reason = CallEndReason.CustomerHungUp } },
        _ => throw new ArgumentOutOfRangeException(nameof(eventCase), eventCase, "No sample for this event kind."),
    };

    public static CallUpdate AssessmentUpdate() => new()
    {
        Seq = 3,
        Assessment = new Assessment
        {
            Seq = 7,
            IsFinal = true,
            Speaker = Speaker.Customer,
            Scores = { new CategoryScore { Category = Category.Insult, Probability = 0.75f, Flagged = true, Threshold = 0.5f } },
            Evidence = { new Evidence { Category = Category.Insult, Start = 8, Length = 7, Weight = 1.5f, Text = "useless" } },
            Shouting = new Shouting
            {
                LoudnessDbfs = -12.5f,
                BaselineDbfs = -30f,
                ExcessDb = 17.5f,
                IsLoud = true,
                IsShouting = false,
                CapsRatio = 0.25f,
                TextLooksShouted = false,
            },
            ModelName = "default-1",
        },
    };
}
