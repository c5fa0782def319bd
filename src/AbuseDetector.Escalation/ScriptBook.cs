using System.Collections.Frozen;
using AbuseDetector.Escalation.Internal;

namespace AbuseDetector.Escalation;

/// <summary>
/// The script lines advised at each level, per tenant and language, with our English lines as the last resort.
/// Immutable once built; share one instance across calls.
/// </summary>
/// <remarks>
/// <para>Sets are keyed <c>"{tenant}/{language}"</c>, case-insensitive: <c>"acme/en-GB"</c>, <c>"acme/fr"</c>;
/// the tenant <c>*</c> (<see cref="AnyTenant"/>) applies to every tenant: <c>"*/fr"</c>. In configuration:
/// <c>AbuseDetector:Escalation:Scripts:acme/en-GB:Notice</c>.</para>
/// <para>A line for tenant <c>acme</c> and language <c>en-GB</c> is looked up in <c>acme/en-GB</c>, <c>acme/en</c>,
/// <c>*/en-GB</c>, <c>*/en</c>, then our built-in English. For another language, say <c>fr-CA</c>: <c>acme/fr-CA</c>,
/// <c>acme/fr</c>, <c>*/fr-CA</c>, <c>*/fr</c>, <c>acme/en</c>, <c>*/en</c>, built-in. An empty language means
/// <see cref="DefaultLanguage"/>. Each line and each behaviour phrase falls back on its own.</para>
/// </remarks>
public sealed class ScriptBook
{
    /// <summary>The tenant part of a key that applies to every tenant.</summary>
    public const string AnyTenant = "*";

    /// <summary>The language used when a call has none, and the last language tried.</summary>
    public const string DefaultLanguage = "en";

    private readonly FrozenDictionary<string, ScriptSet> _sets;

    /// <summary>Creates a book from tenant and language overrides (see the remarks for the keys).</summary>
    /// <param name="sets">The overrides; null or empty for our English lines only. The sets are copied.</param>
    /// <exception cref="ArgumentException">A key is not of the form "tenant/language".</exception>
    public ScriptBook(IEnumerable<KeyValuePair<string, ScriptSet>>? sets = null)
    {
        var copies = new Dictionary<string, ScriptSet>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, set) in sets ?? [])
        {
            if (!IsValidKey(key))
            {
                throw new ArgumentException($"The script set key '{key}' is not of the form \"tenant/language\" (tenant '*' for all tenants).", nameof(sets));
            }

            copies[key] = Copy(set);
        }

        _sets = copies.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Our English lines, with no overrides.</summary>
    public static ScriptBook Default { get; } = new();

    /// <summary>Our English lines and behaviour phrases, the last step of every fallback chain.</summary>
    internal static ScriptSet BuiltIn => BuiltInScripts.Create();

    /// <summary>True when a key has the form "tenant/language" with both parts non-empty.</summary>
    public static bool IsValidKey(string? key)
    {
        var slash = key?.IndexOf('/', StringComparison.Ordinal) ?? -1;
        return slash > 0 && slash < key!.Length - 1 && key.IndexOf('/', slash + 1) < 0 && !string.IsNullOrWhiteSpace(key[..slash]) && !string.IsNullOrWhiteSpace(key[(slash + 1)..]);
    }

    /// <summary>The line advised at a level for a behaviour, with <c>{behaviour}</c> filled in; empty for <see cref="EscalationLevel.None"/>.</summary>
    /// <param name="tenantId">The call's tenant.</param>
    /// <param name="language">The call's BCP 47 language tag, or empty for <see cref="DefaultLanguage"/>.</param>
    /// <param name="level">The level reached.</param>
    /// <param name="behaviour">The behaviour behind the step: "shouting", "swearing", "insult", "abuse", "hate" or "threat".</param>
    internal string GetLine(string tenantId, string language, EscalationLevel level, string behaviour) =>
        Resolve(tenantId, language).LineFor(level, behaviour);

    /// <summary>The lines of one call, resolved once when the call starts.</summary>
    internal ScriptLines Resolve(string tenantId, string language)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        var chain = new List<ScriptSet>(7);
        foreach (var key in FallbackKeys(tenantId, language))
        {
            if (_sets.TryGetValue(key, out var set) && !chain.Contains(set))
            {
                chain.Add(set);
            }
        }

        chain.Add(BuiltInScripts.Shared);
        return new ScriptLines(chain);
    }

    private static IEnumerable<string> FallbackKeys(string tenantId, string? language)
    {
        var lang = string.IsNullOrWhiteSpace(language) ? DefaultLanguage : language.Trim();
        var dash = lang.IndexOfAny(['-', '_']);
        var primary = dash > 0 ? lang[..dash] : lang;
        yield return $"{tenantId}/{lang}";
        yield return $"{tenantId}/{primary}";
        yield return $"{AnyTenant}/{lang}";
        yield return $"{AnyTenant}/{primary}";
        yield return $"{tenantId}/{DefaultLanguage}";
        yield return $"{AnyTenant}/{DefaultLanguage}";
    }

    private static ScriptSet Copy(ScriptSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        var copy = new ScriptSet
        {
            Notice = set.Notice,
            Warning = set.Warning,
            FinalWarning = set.FinalWarning,
            EndCallPermitted = set.EndCallPermitted,
        };
        foreach (var (behaviour, phrase) in set.Behaviours)
        {
            copy.Behaviours[behaviour] = phrase;
        }

        return copy;
    }
}
