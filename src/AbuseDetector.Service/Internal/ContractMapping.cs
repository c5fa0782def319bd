using AbuseDetector.Detection;
using AbuseDetector.Monitoring;
using Google.Protobuf.Collections;
using V1 = AbuseDetector.Contracts.V1;

namespace AbuseDetector.Service.Internal;

/// <summary>Copies detection results into the abuse_detector.v1 messages.</summary>
internal static class ContractMapping
{
    /// <summary>The contract's category numbers are the detection core's plus one (0 is CATEGORY_UNSPECIFIED).</summary>
    public static V1.Category ToContract(this AbuseCategory category) => (V1.Category)((int)category + 1);

    /// <summary>The contract's profanity numbers are the detection core's plus one (0 is PROFANITY_UNSPECIFIED).</summary>
    public static V1.Profanity ToContract(this ProfanityStrength profanity) => (V1.Profanity)((int)profanity + 1);

    public static void AddResults(AbuseClassifier classifier, Classification classification, string text, RepeatedField<V1.CategoryScore> scores, RepeatedField<V1.Evidence> evidence)
    {
        foreach (var category in AbuseCategories.All)
        {
            scores.Add(new V1.CategoryScore
            {
                Category = category.ToContract(),
                Probability = classification.Scores[category],
                Flagged = classification.Scores.IsFlagged(category),
                Threshold = classifier.ThresholdOf(category),
            });
        }

        foreach (var span in classification.Evidence)
        {
            evidence.Add(new V1.Evidence
            {
                Category = span.Category.ToContract(),
                Start = (uint)span.Start,
                Length = (uint)span.Length,
                Weight = span.Weight,
                Text = text.Substring(span.Start, span.Length),
            });
        }
    }

    /// <summary>A chunk's assessment; the baseline reads 0 while it warms up and the loudness 0 when the chunk had none.</summary>
    public static V1.Assessment ToContract(this ChunkAssessment assessment, AbuseClassifier classifier, string text)
    {
        var shouting = assessment.Shouting;
        var message = new V1.Assessment
        {
            Seq = assessment.Seq,
            IsFinal = assessment.IsFinal,
            Speaker = assessment.Speaker == Escalation.CallSpeaker.Agent ? V1.Speaker.Agent : V1.Speaker.Customer,
            ModelName = classifier.ModelName,
            Profanity = assessment.Classification.Profanity.ToContract(),
            Shouting = new V1.Shouting
            {
                CapsRatio = shouting.CapsRatio,
                TextLooksShouted = shouting.TextLooksShouted,
                LoudnessDbfs = shouting.LoudnessDbfs ?? 0,
                BaselineDbfs = float.IsNaN(shouting.BaselineDbfs) ? 0 : shouting.BaselineDbfs,
                ExcessDb = shouting.ExcessDb,
                IsLoud = shouting.IsLoud,
                IsShouting = shouting.IsShouting,
            },
        };
        AddResults(classifier, assessment.Classification, text, message.Scores, message.Evidence);
        return message;
    }
}
