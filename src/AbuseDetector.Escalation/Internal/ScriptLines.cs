namespace AbuseDetector.Escalation.Internal;

/// <summary>The fallback chain of script sets for one call, most specific first, built-in English last.</summary>
internal sealed class ScriptLines(IReadOnlyList<ScriptSet> chain)
{
    public string LineFor(EscalationLevel level, string behaviour)
    {
        var template = First(set => set.LineFor(level));
        if (string.IsNullOrEmpty(template))
        {
            return string.Empty;
        }

        if (!template.Contains(ScriptSet.BehaviourPlaceholder, StringComparison.Ordinal))
        {
            return template;
        }

        var phrase = First(set => set.Behaviours.GetValueOrDefault(behaviour)) ?? behaviour;
        return template.Replace(ScriptSet.BehaviourPlaceholder, phrase, StringComparison.Ordinal);
    }

    private string? First(Func<ScriptSet, string?> pick)
    {
        foreach (var set in chain)
        {
            var value = pick(set);
            if (!string.IsNullOrWhiteSpace(value))
            {
                return value;
            }
        }

        return null;
    }
}
