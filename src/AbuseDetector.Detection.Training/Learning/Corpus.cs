using AbuseDetector.Detection.Training.Data;

namespace AbuseDetector.Detection.Training.Learning;

/// <summary>Every labeled example the default model learns from, with the splits the data sets define.</summary>
internal static class Corpus
{
    /// <summary>Sets the committed model trains on (ETHOS and the Gab Hate Corpus are evaluation-only by license).</summary>
    /// <param name="dataFolder">The shared folder of public data sets.</param>
    /// <param name="callDomainPath">Our call-domain training lines, or null for none.</param>
    /// <param name="callValidationPath">
    /// Call-domain lines written apart from the training lines, which choose thresholds and calibration: a hash split of
    /// the training file shares its writers' phrasing and made thresholds look better than they were on unseen calls.
    /// </param>
    /// <param name="seed">Draws the joined pairs of call-domain lines (<see cref="Mix"/>).</param>
    /// <param name="log">Receives one line per set read.</param>
    public static List<Example> LoadTraining(string dataFolder, string? callDomainPath, string? callValidationPath, int seed, TextWriter? log = null)
    {
        if (!Directory.Exists(dataFolder))
        {
            throw new DirectoryNotFoundException($"The data folder '{dataFolder}' does not exist.");
        }

        var examples = new List<Example>();
        void Add(string name, Func<List<Example>> read)
        {
            var set = read();
            log?.WriteLine($"  {name,-14} {set.Count,7:N0} examples");
            examples.AddRange(set);
        }

        Add("olid", () => PublicDataSets.Olid(dataFolder));
        Add("davidson", () => PublicDataSets.Davidson(dataFolder));
        Add("convabuse", () => PublicDataSets.ConvAbuse(dataFolder));
        Add("toxic-spans", () => PublicDataSets.ToxicSpans(dataFolder));
        Add("implicit-hate", () => PublicDataSets.ImplicitHate(dataFolder));
        Add("goemotions", () => PublicDataSets.GoEmotions(dataFolder));
        Add("jigsaw", () => PublicDataSets.Jigsaw(dataFolder));
        if (callDomainPath is not null)
        {
            var calls = CallDomainData.Read(callDomainPath, "call-domain", Split.Train);
            Add("call-domain", () => calls);
            Add("call-mixes", () => Mix(calls, seed));
        }

        if (callValidationPath is not null)
        {
            Add("call-valid", () => CallDomainData.Read(callValidationPath, "call-domain", Split.Validation));
        }

        return examples;
    }

    /// <summary>
    /// Joins our own training lines in pairs, labels being the union: a threat followed by an insult ("i'll
    /// break your jaw you stupid cow") and abuse inside calm talk. A bag-of-words score averages over the
    /// words, so without such pairs an insult or a long calm preamble talks a threat down; threats after or before a
    /// long calm complaint get pairs of their own, the kind validation missed most.
    /// </summary>
    internal static List<Example> Mix(List<Example> calls, int seed, int pairsPerKind = 400)
    {
        var train = calls.Where(e => e.Split == Split.Train).ToList();
        bool Has(Example e, string head) => e.Labels.GetValueOrDefault(head) >= 0.5f;
        var threats = train.Where(e => Has(e, Heads.Threat)).ToList();
        var rude = train.Where(e => !Has(e, Heads.Threat) && (Has(e, Heads.Insult) || Has(e, Heads.Swearing))).ToList();
        var abusive = train.Where(e => Has(e, Heads.Abusive)).ToList();
        var clean = train.Where(e => e.Labels.Count > 0 && e.Labels.Values.All(v => v < 0.5f)).ToList();
        var longClean = clean.Where(e => e.Text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length >= 12).ToList();
        var mixes = new List<Example>();

        // Each kind draws from its own generator, so relabelling lines of one kind does not redraw the others' pairs.
        void Pairs(List<Example> first, List<Example> second, int kind)
        {
            var random = new Random(seed + kind);
            if (first.Count == 0 || second.Count == 0)
            {
                return;
            }

            for (var i = 0; i < pairsPerKind; i++)
            {
                var (a, b) = (first[random.Next(first.Count)], second[random.Next(second.Count)]);
                if (random.Next(2) == 0)
                {
                    (a, b) = (b, a);
                }

                var mix = new Example(a.Text + " " + b.Text, "call-mixes", Split.Train);
                foreach (var head in Heads.Product)
                {
                    mix.Labels[head] = Math.Max(a.Labels.GetValueOrDefault(head), b.Labels.GetValueOrDefault(head));
                }

                mixes.Add(mix);
            }
        }

        Pairs(threats, rude, kind: 1);
        Pairs(abusive, clean, kind: 2);
        Pairs(threats, longClean, kind: 3);
        mixes.AddRange(MaskSwearing(train, new Random(seed)));
        return mixes;
    }

    /// <summary>
    /// Copies of swearing lines with every swear word masked the way speech engines and captions do ("****",
    /// "[ __ ]"), labels unchanged: a fully masked word keeps no letters to resolve, so the model must learn it.
    /// </summary>
    private static IEnumerable<Example> MaskSwearing(List<Example> train, Random random)
    {
        string[] masks = ["****", "[ __ ]"];
        foreach (var line in train.Where(e => e.Labels.GetValueOrDefault(Heads.Swearing) >= 0.5f))
        {
            var words = line.Text.Split(' ');
            var masked = false;
            for (var i = 0; i < words.Length; i++)
            {
                if (Detection.Internal.Lexicon.IsSwear(words[i].Trim('.', ',', '!', '?').ToLowerInvariant()))
                {
                    words[i] = masks[random.Next(masks.Length)];
                    masked = true;
                }
            }

            if (masked)
            {
                var copy = new Example(string.Join(' ', words), "call-mixes", Split.Train);
                foreach (var (head, value) in line.Labels)
                {
                    copy.Labels[head] = value;
                }

                yield return copy;
            }
        }
    }
}

/// <summary>
/// Which examples teach each head, with what label and weight. Benchmark heads learn from their own data
/// set, plus a little from related sets whose labels mean nearly the same (auxiliary data, weight 0.1);
/// product heads learn from every source that labels them, our own call-domain data counting most
/// because calls are what the product hears.
/// </summary>
internal static class Recipe
{
    /// <summary>
    /// Weight of implicit-hate "threatening" posts as threat positives: none. They are group rhetoric ("go
    /// back to your country") more than threats to a person; teaching them doubled false alarms on call validation.
    /// </summary>
    private const float ImplicitThreatWeight = 0f;

    /// <summary>How much an auxiliary example counts next to one of the benchmark's own.</summary>
    private const float AuxiliaryWeight = 0.1f;

    /// <summary>Our call-domain lines are few next to the public sets; each counts this many times.</summary>
    private const float CallDomainWeight = 8f;

    /// <summary>
    /// Naive-Bayes feature scaling helps heads with thousands of examples per class; on the small OLID
    /// level B and C heads and on the threat head (few positives) its count ratios are too noisy (lower
    /// validation F1), so those go without.
    /// </summary>
    public static bool UsesNaiveBayesScaling(string head) =>
        head is not (Heads.OlidTargeted or Heads.OlidIndividual or Heads.OlidGroup or Heads.OlidOther or Heads.Threat);

    public static bool TryGetLabel(Example example, string head, out float label, out float weight)
    {
        weight = Array.IndexOf(Heads.Benchmark, head) >= 0 ? BenchmarkWeight(example, head, out label) : ProductWeight(example, head, out label);
        return weight > 0;
    }

    private static float BenchmarkWeight(Example example, string head, out float label)
    {
        var own = head switch
        {
            Heads.DavidsonHate or Heads.DavidsonOffensive or Heads.DavidsonNeither => "davidson",
            Heads.ConvAbuse => "convabuse",
            _ => "olid",
        };
        if (example.Source == own)
        {
            return example.Labels.TryGetValue(head, out label) ? 1f : 0f;
        }

        label = 0;
        var auxiliary = head switch
        {
            // Offensive in the OLID sense: any profanity, insult or threat.
            Heads.OlidOffensive when example.Source == "davidson" => Set(out label, example.Labels[Heads.DavidsonNeither] < 0.5f),
            Heads.OlidOffensive when example.Source is "jigsaw" or "convabuse" => Copy(example, Heads.Abusive, out label),
            // Abuse aimed at a conversational agent is close to abuse in tweets and talk-page comments.
            Heads.ConvAbuse when example.Source is "jigsaw" or "olid" => Copy(example, Heads.Abusive, out label),
            // Targeted (insult, threat) against untargeted profanity, the venting case.
            Heads.OlidTargeted when example.Source is "call-domain" or "jigsaw" && IsOffensive(example) => Copy(example, Heads.Abusive, out label),
            // Identity attacks from other sets teach the rare hate class.
            Heads.DavidsonHate when example.Source is "implicit-hate" or "jigsaw" => Copy(example, Heads.Hate, out label),
            // Targets of abuse: at the person spoken to (individual) or at a group.
            Heads.OlidIndividual when IsTargetedAbuse(example) => Copy(example, Heads.Directed, out label),
            Heads.OlidGroup when IsTargetedAbuse(example) => Set(out label, example.Labels.GetValueOrDefault(Heads.Hate) >= 0.5f && example.Labels.GetValueOrDefault(Heads.Directed) < 0.5f),
            _ => false,
        };
        return auxiliary ? AuxiliaryWeight : 0f;
    }

    private static float ProductWeight(Example example, string head, out float label)
    {
        if (!example.Labels.TryGetValue(head, out label))
        {
            return 0f;
        }

        return example.Source switch
        {
            "call-domain" or "call-mixes" => CallDomainWeight,
            "goemotions" => 0.5f,
            "implicit-hate" when head == Heads.Threat => ImplicitThreatWeight,
            "davidson" when head == Heads.Abusive => 0.5f,
            _ => 1f,
        };
    }

    private static bool IsOffensive(Example example) =>
        example.Labels.GetValueOrDefault(Heads.Abusive) >= 0.5f || example.Labels.GetValueOrDefault(Heads.Swearing) >= 0.5f;

    private static bool IsTargetedAbuse(Example example) =>
        example.Source is "call-domain" or "convabuse" && example.Labels.GetValueOrDefault(Heads.Abusive) >= 0.5f && example.Labels.ContainsKey(Heads.Directed);

    private static bool Set(out float label, bool value)
    {
        label = value ? 1f : 0f;
        return true;
    }

    private static bool Copy(Example example, string head, out float label) => example.Labels.TryGetValue(head, out label);
}
