using System.Buffers;
using System.Text;
using System.Text.Json;
using AbuseDetector.Escalation;
using AbuseDetector.Alerts.Redis.Internal;

namespace AbuseDetector.Alerts.Redis;

/// <summary>
/// The alert JSON the softphone plugin and supervisor clients read: one object with the snake_case fields
/// <c>alert_id</c>, <c>tenant_id</c>, <c>call_id</c>, <c>agent_id</c>, <c>team_id</c>, <c>customer_id</c>, <c>kind</c>,
/// <c>level</c>, <c>category</c>, <c>severity</c>, <c>reason</c>, <c>evidence</c> (array of strings),
/// <c>recommended_script</c>, <c>seq</c> (number), <c>at</c> (ISO 8601 UTC with milliseconds, e.g.
/// <c>2026-11-22T13:05:00.123Z</c>), and <c>audience</c> (<c>agent</c>, <c>team</c> or <c>agent_and_team</c>).
/// </summary>
public static class AlertJson
{
    /// <summary>Writes the alert as UTF-8 JSON.</summary>
    /// <param name="alert">The alert.</param>
    /// <returns>The JSON bytes.</returns>
    public static byte[] Serialize(Alert alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("alert_id", alert.AlertId);
            JsonNames.WriteCall(writer, alert.Call);
            writer.WriteString("kind", alert.Kind.ToName());
            writer.WriteString("level", alert.Level.ToName());
            writer.WriteString("category", alert.Category);
            writer.WriteString("severity", alert.Severity.ToName());
            writer.WriteString("reason", alert.Reason);
            JsonNames.WriteStrings(writer, "evidence", alert.Evidence);
            writer.WriteString("recommended_script", alert.RecommendedScript);
            writer.WriteNumber("seq", alert.Seq);
            writer.WriteString("at", JsonNames.FormatTime(alert.At));
            writer.WriteString("audience", JsonNames.ToName(alert.Audience));
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes the alert as a JSON string.</summary>
    /// <param name="alert">The alert.</param>
    /// <returns>The JSON text.</returns>
    public static string SerializeToString(Alert alert) => Encoding.UTF8.GetString(Serialize(alert));

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
        try
        {
            var reader = new Utf8JsonReader(utf8Json);
            return Read(ref reader);
        }
        catch (JsonException e)
        {
            throw new FormatException($"Alert JSON is not valid: {e.Message}", e);
        }
    }

    private static Alert Read(ref Utf8JsonReader reader)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new FormatException("Alert JSON is not valid: expected an object.");
        }

        string? alertId = null, tenant = null, call = null, agent = null, team = null, customer = null;
        string? category = null, reason = null, script = null;
        AlertKind? kind = null;
        EscalationLevel? level = null;
        AlertSeverity? severity = null;
        AlertAudience audience = AlertAudience.None;
        List<string>? evidence = null;
        ulong? seq = null;
        DateTimeOffset? at = null;

        while (JsonNames.NextProperty(ref reader, out var name))
        {
            switch (name)
            {
                case "alert_id": alertId = JsonNames.ReadString(ref reader, name); break;
                case "tenant_id": tenant = JsonNames.ReadString(ref reader, name); break;
                case "call_id": call = JsonNames.ReadString(ref reader, name); break;
                case "agent_id": agent = JsonNames.ReadString(ref reader, name); break;
                case "team_id": team = JsonNames.ReadString(ref reader, name); break;
                case "customer_id": customer = JsonNames.ReadString(ref reader, name); break;
                case "kind": kind = JsonNames.ParseKind(JsonNames.ReadString(ref reader, name)); break;
                case "level": level = JsonNames.ParseLevel(JsonNames.ReadString(ref reader, name), name); break;
                case "category": category = JsonNames.ReadString(ref reader, name); break;
                case "severity": severity = JsonNames.ParseSeverity(JsonNames.ReadString(ref reader, name)); break;
                case "reason": reason = JsonNames.ReadString(ref reader, name); break;
                case "evidence": evidence = JsonNames.ReadStrings(ref reader, name); break;
                case "recommended_script": script = JsonNames.ReadString(ref reader, name); break;
                case "seq": seq = JsonNames.ReadUInt64(ref reader, name); break;
                case "at": at = JsonNames.ReadTime(ref reader, name); break;
                case "audience": audience = JsonNames.ParseAudience(JsonNames.ReadString(ref reader, name)); break;
                default: reader.Skip(); break;
            }
        }

        return new Alert(
            Required(alertId, "alert_id"),
            new CallParticipants(Required(tenant, "tenant_id"), Required(call, "call_id"), Required(agent, "agent_id"), Required(team, "team_id"), customer ?? "", ""),
            kind ?? throw Missing("kind"),
            audience,
            level ?? throw Missing("level"),
            category ?? "",
            severity ?? throw Missing("severity"),
            reason ?? "",
            evidence ?? [],
            script ?? "",
            seq ?? 0,
            at ?? throw Missing("at"));
    }

    private static string Required(string? value, string field) => JsonNames.Required(value, "Alert", field);

    private static FormatException Missing(string field) => JsonNames.Missing("Alert", field);
}
