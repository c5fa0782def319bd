using System.Text;
using System.Text.Json;
using AbuseDetector.Alerts.Redis.Internal;
using AbuseDetector.Escalation;

namespace AbuseDetector.Alerts.Redis;

/// <summary>
/// The alert JSON the softphone plugin and supervisor clients read: one object with the snake_case fields
/// <c>alert_id</c>, <c>tenant_id</c>, <c>call_id</c>, <c>agent_id</c>, <c>team_id</c>, <c>customer_id</c>, <c>kind</c>,
/// <c>level</c>, <c>category</c>, <c>severity</c>, <c>reason</c>, <c>evidence</c> (array of strings),
/// <c>recommended_script</c>, <c>seq</c> (number), <c>at</c> (ISO 8601 UTC with milliseconds, e.g.
/// <c>2026-11-22T13:05:00.123Z</c>), and <c>audience</c> (<c>agent</c>, <c>team</c> or <c>agent_and_team</c>), in that
/// order, then <c>responder</c> (the supervisor's name) on supervisor_acknowledged and supervisor_joining alerts only. Written and read by System.Text.Json source generation; unknown fields are ignored when reading.
/// </summary>
public static class AlertJson
{
    private const string Document = "Alert";

    /// <summary>Writes the alert as UTF-8 JSON.</summary>
    /// <param name="alert">The alert.</param>
    /// <returns>The JSON bytes.</returns>
    public static byte[] Serialize(Alert alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var call = alert.Call;
        var document = new AlertDocument(
            alert.AlertId,
            call.TenantId,
            call.CallId,
            call.AgentId,
            call.TeamId,
            call.CustomerId,
            alert.Kind.ToName(),
            alert.Level.ToName(),
            alert.Category,
            alert.Severity.ToName(),
            alert.Reason,
            alert.Evidence,
            alert.RecommendedScript,
            alert.Seq,
            new UtcTime(alert.At),
            ContractJson.ToName(alert.Audience),
            alert.Responder.Length == 0 ? null : alert.Responder);
        return JsonSerializer.SerializeToUtf8Bytes(document, ContractJsonContext.Default.AlertDocument);
    }

    /// <summary>Reads an alert from JSON text.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The alert; <see cref="CallParticipants.Language"/> is empty (it is not part of the contract).</returns>
    /// <exception cref="FormatException">The text is not an alert object; the message names the field at fault.</exception>
    public static Alert Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return Parse(Encoding.UTF8.GetBytes(json));
    }

    /// <summary>Reads an alert from UTF-8 JSON.</summary>
    /// <param name="utf8Json">The JSON bytes.</param>
    /// <returns>The alert; <see cref="CallParticipants.Language"/> is empty (it is not part of the contract).</returns>
    /// <exception cref="FormatException">The bytes are not an alert object; the message names the field at fault.</exception>
    public static Alert Parse(ReadOnlySpan<byte> utf8Json)
    {
        var d = ContractJson.Deserialize(utf8Json, Document, ContractJsonContext.Default.AlertDocument);

        // Values first, then presence: a field that is there but wrong is the better message.
        var kind = d.Kind is null ? (AlertKind?)null : ContractJson.ParseKind(d.Kind);
        var level = d.Level is null ? (EscalationLevel?)null : ContractJson.ParseLevel(d.Level, "level");
        var severity = d.Severity is null ? (AlertSeverity?)null : ContractJson.ParseSeverity(d.Severity);
        var audience = d.Audience is null ? AlertAudience.None : ContractJson.ParseAudience(d.Audience);
        var evidence = ContractJson.Strings(d.Evidence, Document, "evidence");
        return new Alert(
            Required(d.AlertId, "alert_id"),
            new CallParticipants(Required(d.TenantId, "tenant_id"), Required(d.CallId, "call_id"), Required(d.AgentId, "agent_id"), Required(d.TeamId, "team_id"), d.CustomerId ?? "", ""),
            kind ?? throw Missing("kind"),
            audience,
            level ?? throw Missing("level"),
            d.Category ?? "",
            severity ?? throw Missing("severity"),
            d.Reason ?? "",
            evidence,
            d.RecommendedScript ?? "",
            d.Seq ?? 0,
            d.At?.Value ?? throw Missing("at"))
        {
            Responder = d.Responder ?? "",
        };
    }

    private static string Required(string? value, string field) => ContractJson.Required(value, Document, field);

    private static FormatException Missing(string field) => ContractJson.Missing(Document, field);
}
