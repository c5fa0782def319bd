using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace AbuseDetector.Detection.Training.Data;

/// <summary>
/// Readers for the public data sets in the shared data folder. Each maps the set's own labels onto our
/// heads: its benchmark heads (to score against the official test split) and, where the labels mean the
/// same thing, the product heads. See models/README.md for the mapping and the sets' licenses.
/// </summary>
internal static class PublicDataSets
{
    private static readonly string[] ConvAbuseVotes = ["1", "0", "-1", "-2", "-3"];

    /// <summary>OLID / OffensEval 2019: training file (10% held out for validation) and the three official test sets.</summary>
    public static List<Example> Olid(string dataFolder)
    {
        var folder = Path.Combine(dataFolder, "olid");
        var examples = new List<Example>();
        foreach (var row in ReadRows(Path.Combine(folder, "olid-training-v1.0.tsv"), '\t').Skip(1))
        {
            var split = Holdout.IsValidation("olid:" + row[0]) ? Split.Validation : Split.Train;
            examples.Add(OlidExample(row[1], split, row[2], row[3], row[4]));
        }

        var levelA = ReadLabels(Path.Combine(folder, "labels-levela.csv"));
        foreach (var row in ReadRows(Path.Combine(folder, "testset-levela.tsv"), '\t').Skip(1))
        {
            examples.Add(new Example(row[1], "olid-a", Split.Test).With(Heads.OlidOffensive, Lookup(levelA, row[0], "OLID level A") == "OFF"));
        }

        var levelB = ReadLabels(Path.Combine(folder, "labels-levelb.csv"));
        foreach (var row in ReadRows(Path.Combine(folder, "testset-levelb.tsv"), '\t').Skip(1))
        {
            examples.Add(new Example(row[1], "olid-b", Split.Test).With(Heads.OlidTargeted, Lookup(levelB, row[0], "OLID level B") == "TIN"));
        }

        var levelC = ReadLabels(Path.Combine(folder, "labels-levelc.csv"));
        foreach (var row in ReadRows(Path.Combine(folder, "testset-levelc.tsv"), '\t').Skip(1))
        {
            var label = Lookup(levelC, row[0], "OLID level C");
            examples.Add(new Example(row[1], "olid-c", Split.Test)
                .With(Heads.OlidIndividual, label == "IND").With(Heads.OlidGroup, label == "GRP").With(Heads.OlidOther, label == "OTH"));
        }

        return examples;
    }

    private static Example OlidExample(string text, Split split, string a, string b, string c)
    {
        var example = new Example(text, "olid", split);
        var offensive = a == "OFF";
        example.With(Heads.OlidOffensive, offensive);
        if (!offensive)
        {
            // Not offensive: no profanity, insult or threat of any kind.
            return example.WithAll(0f, Heads.Swearing, Heads.Insult, Heads.Threat, Heads.Hate, Heads.Abusive, Heads.Directed);
        }

        var targeted = b == "TIN";
        example.With(Heads.OlidTargeted, targeted).With(Heads.Abusive, targeted);
        if (!targeted)
        {
            // Untargeted: profanity or swearing aimed at no one, the "venting" case.
            return example.With(Heads.Swearing, true).With(Heads.Directed, false).With(Heads.Insult, false).With(Heads.Threat, false);
        }

        example.With(Heads.OlidIndividual, c == "IND").With(Heads.OlidGroup, c == "GRP").With(Heads.OlidOther, c == "OTH");
        return example.With(Heads.Directed, c == "IND");
    }

    /// <summary>Davidson et al. 2017; a row is test when the SHA-256 of its index column sums to 0 mod 5.</summary>
    public static List<Example> Davidson(string dataFolder)
    {
        var examples = new List<Example>();
        foreach (var row in ReadRows(Path.Combine(dataFolder, "davidson", "labeled_data.csv"), ',').Skip(1))
        {
            var split = IsDavidsonTest(row[0]) ? Split.Test : Holdout.IsValidation("davidson:" + row[0]) ? Split.Validation : Split.Train;
            var label = row[5];
            var example = new Example(row[6], "davidson", split)
                .With(Heads.DavidsonHate, label == "0").With(Heads.DavidsonOffensive, label == "1").With(Heads.DavidsonNeither, label == "2");
            if (label == "2")
            {
                example.WithAll(0f, Heads.Insult, Heads.Threat, Heads.Hate, Heads.Abusive);
            }
            else if (label == "0")
            {
                example.With(Heads.Hate, true).With(Heads.Abusive, true);
            }

            examples.Add(example);
        }

        return examples;
    }

    /// <summary>The Davidson test rule: the digest's bytes summed mod 5 equals the digest as a big-endian integer mod 5 (256 ≡ 1 mod 5).</summary>
    public static bool IsDavidsonTest(string indexColumn)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(indexColumn));
        var sum = 0;
        foreach (var b in digest)
        {
            sum += b;
        }

        return sum % 5 == 0;
    }

    /// <summary>ConvAbuse: abusive when more than half of the annotators who labeled the example chose -1, -2 or -3.</summary>
    public static List<Example> ConvAbuse(string dataFolder)
    {
        var examples = new List<Example>();
        foreach (var (file, split) in new[] { ("ConvAbuseEMNLPtrain.csv", Split.Train), ("ConvAbuseEMNLPvalid.csv", Split.Validation), ("ConvAbuseEMNLPtest.csv", Split.Test) })
        {
            using var reader = DelimitedReader.Open(Path.Combine(dataFolder, "convabuse", file), ',');
            string[]? header = null;
            foreach (var row in reader.ReadAll())
            {
                if (header is null)
                {
                    header = row;
                    continue;
                }

                examples.Add(ConvAbuseExample(header, row, split));
            }
        }

        return examples;
    }

    private static Example ConvAbuseExample(string[] header, string[] row, Split split)
    {
        string Cell(string column)
        {
            var index = Array.IndexOf(header, column);
            if (index < 0 || index >= row.Length)
            {
                return "";
            }

            var value = row[index].Trim();
            var comma = value.IndexOf(',', StringComparison.Ordinal);
            return comma >= 0 ? value[..comma].Trim() : value;
        }

        int labeled = 0, abusive = 0, system = 0, individual = 0, intellectual = 0, identity = 0;
        for (var annotator = 1; annotator <= 8; annotator++)
        {
            var prefix = $"Annotator{annotator}_";
            string? vote = null;
            var any = false;
            foreach (var candidate in ConvAbuseVotes)
            {
                var cell = Cell(prefix + "is_abuse." + candidate);
                any |= cell.Length > 0;
                if (cell == "1")
                {
                    vote = candidate;
                }
            }

            if (!any)
            {
                continue;
            }

            labeled++;
            if (vote is "-1" or "-2" or "-3")
            {
                abusive++;
                system += Cell(prefix + "target.system") == "1" ? 1 : 0;
                individual += Cell(prefix + "target.individual") == "1" ? 1 : 0;
                intellectual += Cell(prefix + "intellectual") == "1" ? 1 : 0;
                identity += new[] { "racist", "sexist", "homophobic", "transphobic", "ableist" }.Any(t => Cell(prefix + t) == "1") ? 1 : 0;
            }
        }

        var isAbusive = labeled > 0 && abusive * 2 > labeled;
        var example = new Example(Cell("user"), "convabuse", split).With(Heads.ConvAbuse, isAbusive).With(Heads.Abusive, isAbusive);
        if (!isAbusive)
        {
            return example.WithAll(0f, Heads.Insult, Heads.Threat, Heads.Hate, Heads.Directed);
        }

        return example
            .With(Heads.Directed, (system + individual) * 2 > abusive)
            .With(Heads.Hate, identity * 2 > abusive);
    }

    /// <summary>
    /// SemEval-2021 Toxic Spans: train, trial (validation) and test, with gold character offsets. Span types
    /// for the product heads come from the raw per-annotator file, for train and trial posts only.
    /// </summary>
    public static List<Example> ToxicSpans(string dataFolder)
    {
        var folder = Path.Combine(dataFolder, "toxic-spans");
        var examples = new List<Example>();
        foreach (var (file, split) in new[] { ("tsd_train.csv", Split.Train), ("tsd_trial.csv", Split.Validation), ("tsd_test.csv", Split.Test) })
        {
            foreach (var row in ReadRows(Path.Combine(folder, file), ',').Skip(1))
            {
                var text = row[1];
                examples.Add(new Example(text, "toxic-spans", split) { SpanOffsets = ParseSpanOffsets(row[0], text) });
            }
        }

        AddSpanTypes(folder, examples);
        return examples;
    }

    private static void AddSpanTypes(string folder, List<Example> examples)
    {
        var annotations = Path.Combine(folder, "annotations");
        if (!Directory.Exists(annotations))
        {
            return;
        }

        var wanted = examples.Where(e => e.Split != Split.Test).GroupBy(e => e.Text, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var commentOfText = new Dictionary<string, List<Example>>(StringComparer.Ordinal);
        foreach (var row in ReadRows(Path.Combine(annotations, "comments.csv"), ',').Skip(1))
        {
            if (wanted.TryGetValue(row[1], out var matches))
            {
                commentOfText[row[0]] = matches;
            }
        }

        var commentOfAnnotation = new Dictionary<string, string>(StringComparer.Ordinal);
        var annotatorsOfComment = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var row in ReadRows(Path.Combine(annotations, "annotations.csv"), ',').Skip(1))
        {
            if (commentOfText.ContainsKey(row[1]))
            {
                commentOfAnnotation[row[0]] = row[1];
                annotatorsOfComment[row[1]] = annotatorsOfComment.GetValueOrDefault(row[1]) + 1;
            }
        }

        var votes = new Dictionary<(string Comment, string Type), HashSet<string>>();
        foreach (var row in ReadRows(Path.Combine(annotations, "spans.csv"), ',').Skip(1))
        {
            if (commentOfAnnotation.TryGetValue(row[0], out var comment))
            {
                var key = (comment, row[1]);
                if (!votes.TryGetValue(key, out var set))
                {
                    votes[key] = set = [];
                }

                set.Add(row[0]);
            }
        }

        var typeHeads = new (string Type, string Head)[] { ("Insult", Heads.Insult), ("Threat", Heads.Threat), ("Profane/Obscene", Heads.Swearing), ("Identity based Attack", Heads.Hate) };
        foreach (var (comment, matches) in commentOfText)
        {
            foreach (var (type, head) in typeHeads)
            {
                var count = votes.TryGetValue((comment, type), out var set) ? set.Count : 0;
                foreach (var example in matches)
                {
                    // Two or more annotators: present. None: absent. One: too uncertain to teach either way.
                    if (count >= 2)
                    {
                        example.Labels[head] = 1f;
                    }
                    else if (count == 0 && annotatorsOfComment.GetValueOrDefault(comment) >= 3)
                    {
                        example.Labels[head] = 0f;
                    }
                }
            }
        }
    }

    /// <summary>
    /// Converts a list of code-point offsets ("[1, 2, 3]") into UTF-16 offsets of <paramref name="text"/>. A code point
    /// outside the BMP gives both of its UTF-16 units, as the character ranges of predicted spans do.
    /// </summary>
    public static HashSet<int> ParseSpanOffsets(string list, string text)
    {
        var codePointToUtf16 = new List<int>(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            codePointToUtf16.Add(i);
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
        }

        var offsets = new HashSet<int>();
        foreach (var part in list.Trim('[', ']', ' ').Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var codePoint = int.Parse(part, CultureInfo.InvariantCulture);
            if (codePoint >= 0 && codePoint < codePointToUtf16.Count)
            {
                var unit = codePointToUtf16[codePoint];
                offsets.Add(unit);
                if (char.IsHighSurrogate(text[unit]) && unit + 1 < text.Length && char.IsLowSurrogate(text[unit + 1]))
                {
                    offsets.Add(unit + 1);
                }
            }
        }

        return offsets;
    }

    /// <summary>Latent Hatred: explicit and implicit hate, and implicit threats (stage 2 "threatening"). 10% validation, 10% held out.</summary>
    public static List<Example> ImplicitHate(string dataFolder)
    {
        var folder = Path.Combine(dataFolder, "implicit-hate");
        var threatening = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in ReadRows(Path.Combine(folder, "implicit_hate_v1_stg2_posts.tsv"), '\t').Skip(1))
        {
            if (row[1] == "threatening" || (row.Length > 2 && row[2] == "threatening"))
            {
                threatening.Add(row[0]);
            }
        }

        var examples = new List<Example>();
        foreach (var row in ReadRows(Path.Combine(folder, "implicit_hate_v1_stg1_posts.tsv"), '\t').Skip(1))
        {
            var bucket = Holdout.Bucket("implicit-hate:" + row[0]);
            var split = bucket < 10 ? Split.Validation : bucket < 20 ? Split.Test : Split.Train;
            var example = new Example(row[0], "implicit-hate", split);
            var hate = row[1] is "explicit_hate" or "implicit_hate";
            example.With(Heads.Hate, hate);
            if (row[1] == "explicit_hate")
            {
                example.With(Heads.Abusive, true);
            }

            if (threatening.Contains(row[0]))
            {
                example.With(Heads.Threat, true);
            }

            examples.Add(example);
        }

        return examples;
    }

    /// <summary>GoEmotions: Reddit comments by emotion. Calm and positive ones are clean; angry ones without swear or insult words are hard negatives.</summary>
    public static List<Example> GoEmotions(string dataFolder)
    {
        var folder = Path.Combine(dataFolder, "goemotions");
        var names = File.ReadAllText(Path.Combine(folder, "emotions.txt")).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var hostile = new HashSet<string>(["anger", "annoyance", "disgust", "disapproval", "disappointment"], StringComparer.Ordinal);
        var examples = new List<Example>();
        foreach (var (file, split) in new[] { ("train.tsv", Split.Train), ("dev.tsv", Split.Validation), ("test.tsv", Split.Test) })
        {
            foreach (var row in ReadRows(Path.Combine(folder, file), '\t'))
            {
                var emotions = row[1].Split(',').Select(id => names[int.Parse(id, CultureInfo.InvariantCulture)]).ToArray();
                var example = new Example(row[0], "goemotions", split).WithAll(0f, Heads.Threat, Heads.Hate);
                var angry = emotions.Any(hostile.Contains);
                if (!angry || !LexiconProbe.HasSwearOrInsult(row[0]))
                {
                    example.WithAll(0f, Heads.Abusive, Heads.Insult, Heads.Directed);
                }

                examples.Add(example);
            }
        }

        return examples;
    }

    /// <summary>The Jigsaw sample: train (15% validation) and the scored rows of test.</summary>
    public static List<Example> Jigsaw(string dataFolder)
    {
        var folder = Path.Combine(dataFolder, "jigsaw-toxic-sample");
        var examples = new List<Example>();
        foreach (var row in ReadRows(Path.Combine(folder, "train.csv"), ',').Skip(1))
        {
            var split = Holdout.Bucket("jigsaw:" + row[0]) < 15 ? Split.Validation : Split.Train;
            examples.Add(JigsawExample(row[1], split, row.AsSpan(2)));
        }

        var texts = ReadRows(Path.Combine(folder, "test.csv"), ',').Skip(1).ToDictionary(r => r[0], r => r[1], StringComparer.Ordinal);
        foreach (var row in ReadRows(Path.Combine(folder, "test_labels.csv"), ',').Skip(1))
        {
            if (row[1] != "-1" && texts.TryGetValue(row[0], out var text))
            {
                examples.Add(JigsawExample(text, Split.Test, row.AsSpan(1)));
            }
        }

        return examples;
    }

    private static Example JigsawExample(string text, Split split, ReadOnlySpan<string> labels) =>
        new Example(text, "jigsaw", split)
            .With(Heads.Abusive, labels[0] == "1")
            .With(Heads.Swearing, labels[2] == "1")
            .With(Heads.Threat, labels[3] == "1")
            .With(Heads.Insult, labels[4] == "1")
            .With(Heads.Hate, labels[5] == "1");

    /// <summary>ETHOS (GPL v3): evaluation only. Hate and violence at the 0.5 annotator-share threshold.</summary>
    public static List<Example> Ethos(string dataFolder)
    {
        var folder = Path.Combine(dataFolder, "ethos");
        var examples = new List<Example>();
        foreach (var row in ReadRows(Path.Combine(folder, "Ethos_Dataset_Binary.csv"), ';').Skip(1))
        {
            examples.Add(new Example(row[0], "ethos", Split.Test).With(Heads.Hate, ParseShare(row[1]) >= 0.5));
        }

        foreach (var row in ReadRows(Path.Combine(folder, "Ethos_Dataset_Multi_Label.csv"), ';').Skip(1))
        {
            examples.Add(new Example(row[0], "ethos-violence", Split.Test).With(Heads.Threat, ParseShare(row[1]) >= 0.5));
        }

        return examples;
    }

    /// <summary>The Gab Hate Corpus (license unverified): evaluation only. Calls for violence and vulgarity.</summary>
    public static List<Example> GabHate(string dataFolder)
    {
        var examples = new List<Example>();
        foreach (var row in ReadRows(Path.Combine(dataFolder, "gab-hate-corpus", "ghc_test.tsv"), '\t').Skip(1))
        {
            examples.Add(new Example(row[0], "gab-hate", Split.Test)
                .With(Heads.Hate, row[1] == "1" || row[2] == "1").With(Heads.Threat, row[2] == "1").With(Heads.Swearing, row[3] == "1"));
        }

        return examples;
    }

    private static double ParseShare(string value) => double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture);

    private static Dictionary<string, string> ReadLabels(string path) =>
        ReadRows(path, ',').Skip(1).ToDictionary(r => r[0], r => r[1], StringComparer.Ordinal);

    private static string Lookup(Dictionary<string, string> labels, string id, string set) =>
        labels.TryGetValue(id, out var label) ? label : throw new InvalidDataException($"{set} has no label for test id {id}.");

    private static List<string[]> ReadRows(string path, char delimiter)
    {
        using var reader = DelimitedReader.Open(path, delimiter);
        return [.. reader.ReadAll()];
    }
}

/// <summary>Deterministic hold-out by a stable hash of a key, so splits never change between runs or machines.</summary>
internal static class Holdout
{
    public static int Bucket(string key)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(key))
        {
            hash = (hash ^ b) * 16777619u;
        }

        return (int)(hash % 100);
    }

    public static bool IsValidation(string key) => Bucket(key) < 10;
}
