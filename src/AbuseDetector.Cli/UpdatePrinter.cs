using System.Globalization;
using AbuseDetector.Contracts.V1;
using Google.Protobuf;

namespace AbuseDetector.Cli;

/// <summary>Writes call updates and alerts one line each: readable text, or the protobuf JSON mapping with --json.</summary>
internal sealed class UpdatePrinter(TextWriter output, bool json)
{
    private static readonly JsonFormatter Json = new(JsonFormatter.Settings.Default.WithPreserveProtoFieldNames(true).WithFormatEnumsAsIntegers(false));

    public void Write(CallUpdate update)
    {
        if (json)
        {
            output.WriteLine(Json.Format(update));
            return;
        }

        var line = update.UpdateCase switch
        {
            CallUpdate.UpdateOneofCase.Assessment => Describe(update.Assessment),
            CallUpdate.UpdateOneofCase.Error => $"error on seq {update.Error.Seq}: {update.Error.Code} {update.Error.Message}",
            CallUpdate.UpdateOneofCase.Escalation => Describe(update.Escalation),
            CallUpdate.UpdateOneofCase.Alert => Describe(update.Alert),
            _ => "(an update of a kind this version does not know)",
        };
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"#{update.Seq} {line}"));
    }

    /// <summary>A watched alert; in text, led by its history id (when it has one) to pass to <c>watch --since</c>.</summary>
    public void Write(Alert alert)
    {
        output.WriteLine(json ? Json.Format(alert) : alert.HistoryId.Length > 0 ? $"{alert.HistoryId} {Describe(alert)}" : Describe(alert));
    }

    public static string Describe(Alert alert)
    {
        var who = (alert.ForAgent, alert.ForTeam) switch
        {
            (true, true) => "agent+team",
            (true, false) => "agent",
            _ => "team",
        };
        var text = $"alert {Name(alert.Kind)} {Name(alert.Severity)} [{who}] call {alert.CallId} agent {alert.AgentId} level {Name(alert.Level)}: {alert.Reason}";
        if (alert.Evidence.Count > 0)
        {
            text += " | " + string.Join(" / ", alert.Evidence.Select(e => $"\"{e}\""));
        }

        return alert.RecommendedScript.Length > 0 ? $"{text} | say: \"{alert.RecommendedScript}\"" : text;
    }

    private static string Describe(Assessment assessment)
    {
        var culture = CultureInfo.InvariantCulture;
        var speaker = assessment.Speaker == Speaker.Agent ? "agent" : "customer";
        var kind = assessment.IsFinal ? "final" : "partial";
        var flagged = assessment.Scores.Where(s => s.Flagged).Select(s => string.Create(culture, $"{Name(s.Category)} {s.Probability:F2}")).ToList();
        var shouting = assessment.Shouting is { IsShouting: true } ? " shouting" : "";
        var verdict = flagged.Count == 0 ? "clean" : string.Join(", ", flagged);
        var evidence = assessment.Evidence.Count == 0 ? "" : " " + string.Join(" ", assessment.Evidence.Select(e => $"\"{e.Text}\"").Distinct(StringComparer.Ordinal));
        return string.Create(culture, $"chunk {assessment.Seq} {speaker} {kind}: {verdict}{shouting}{evidence}");
    }

    private static string Describe(EscalationChange change)
    {
        var text = $"escalation {Name(change.PreviousLevel)} -> {Name(change.Level)}";
        if (change.Category.Length > 0)
        {
            text += $" ({change.Category})";
        }

        text += $": {change.Reason}";
        return change.RecommendedScript.Length > 0 ? $"{text} | say: \"{change.RecommendedScript}\"" : text;
    }

    // Generated enum names lose their proto prefix (FinalWarning); the contract's JSON spells them final_warning.
    internal static string Name<TEnum>(TEnum value)
        where TEnum : struct, Enum
    {
        var pascal = value.ToString();
        return string.Concat(pascal.Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
    }
}
