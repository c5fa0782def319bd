using AbuseDetector.Contracts.V1;
using AbuseDetector.Detection;
using Google.Protobuf.Collections;

namespace AbuseDetector.Service.Internal;

/// <summary>Copies detection results into the abuse_detector.v1 messages.</summary>
internal static class ContractMapping
{
    /// <summary>The contract's category numbers are the detection core's plus one (0 is CATEGORY_UNSPECIFIED).</summary>
    public static Category ToContract(this AbuseCategory category) => (Category)((int)category + 1);

    public static void AddResults(AbuseClassifier classifier, Classification classification, string text, RepeatedField<CategoryScore> scores, RepeatedField<Evidence> evidence)
    {
        foreach (var category in AbuseCategories.All)
        {
            scores.Add(new CategoryScore
            {
                Category = category.ToContract(),
                Probability = classification.Scores[category],
                Flagged = classification.Scores.IsFlagged(category),
                Threshold = classifier.ThresholdOf(category),
            });
        }

        foreach (var span in classification.Evidence)
        {
            evidence.Add(new Evidence
            {
                Category = span.Category.ToContract(),
                Start = (uint)span.Start,
                Length = (uint)span.Length,
                Weight = span.Weight,
                Text = text.Substring(span.Start, span.Length),
            });
        }
    }
}
