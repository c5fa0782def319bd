using AbuseDetector.Detection.Training.Data;
using AbuseDetector.Detection.Training.Learning;

namespace AbuseDetector.Detection.Training.Tests.Learning;

public sealed class CorpusTests
{
    [Fact]
    public void Mix_CallLines_JoinsCarryTheUnionOfTheirLabels()
    {
        // Arrange
        List<Example> calls = [Line("i will break your legs", Heads.Threat), Line("you useless idiot", Heads.Insult), Line("my router keeps dropping")];

        // Act
        var mixes = Corpus.Mix(calls, seed: 1, pairsPerKind: 20);

        // Assert: every pair is labelled with what either of its lines carries, and nothing else.
        Assert.All(mixes.Where(m => !m.Text.Contains('*', StringComparison.Ordinal) && !m.Text.Contains('[', StringComparison.Ordinal)), mix =>
        {
            var parts = calls.Where(c => mix.Text.Contains(c.Text, StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(parts);
            foreach (var head in Heads.Product)
            {
                Assert.Equal(parts.Max(p => p.Labels.GetValueOrDefault(head)), mix.Labels[head]);
            }
        });
    }

    [Fact]
    public void Mix_Seed_DecidesWhichLinesArePaired()
    {
        // Arrange
        List<Example> calls =
        [
            Line("i will break your legs", Heads.Threat), Line("i'll burn the depot down", Heads.Threat),
            Line("you useless idiot", Heads.Insult), Line("you absolute clown", Heads.Insult),
            Line("my router keeps dropping"), Line("the bill went up again this month"), Line("can i change my address"),
        ];

        // Act
        var first = Corpus.Mix(calls, seed: 1, pairsPerKind: 20).Select(m => m.Text).ToList();
        var again = Corpus.Mix(calls, seed: 1, pairsPerKind: 20).Select(m => m.Text).ToList();
        var other = Corpus.Mix(calls, seed: 2, pairsPerKind: 20).Select(m => m.Text).ToList();

        // Assert: `train --seed` reaches the pairs; the same seed gives the same training data.
        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
    }

    private static Example Line(string text, params string[] positives)
    {
        var example = new Example(text, "call-domain", Split.Train);
        foreach (var head in Heads.Product)
        {
            example.Labels[head] = positives.Contains(head) ? 1f : 0f;
        }

        if (positives.Length > 0)
        {
            example.Labels[Heads.Abusive] = 1f;
        }

        return example;
    }
}
