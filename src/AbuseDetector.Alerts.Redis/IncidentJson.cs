using System.Buffers;
using System.Text;
using System.Text.Json;
using AbuseDetector.Alerts.Redis.Internal;
using AbuseDetector.Escalation;

namespace AbuseDetector.Alerts.Redis;

/// <summary>
/// The stored form of an incident: one snake_case object with <c>tenant_id</c>, <c>call_id</c>, <c>agent_id</c>,
/// <c>team_id</c>, <c>customer_id</c>, <c>language</c>, <c>started_at</c>, <c>ended_at</c>, <c>duration_ms</c>,
/// <c>highest_level</c>, <c>outcome</c> (<c>ongoing</c>, <c>completed</c>, <c>ended_by_agent</c>, <c>caller_hung_up</c>,
/// <c>transferred</c>, <c>dropped</c>), <c>timeline</c> (objects with <c>seq</c>, <c>speaker</c>, <c>at</c>,
/// <c>offset_ms</c>, <c>excerpt</c>, <c>categories</c>, <c>level_after</c>), <c>warnings</c> (objects with <c>seq</c>,
/// <c>at</c>, <c>level</c>, <c>script</c>, <c>given_by_agent</c>), <c>supervisor_alerted</c> and <c>threat_raised</c>.
/// Times are ISO 8601 UTC with milliseconds.
/// </summary>
public static class IncidentJson
{
    /// <summary>Writes the incident as UTF-8 JSON.</summary>
    /// <param name="incident">The incident.</param>
    /// <returns>The JSON bytes.</returns>
    public static byte[] Serialize(Incident incident)
    {
        ArgumentNullException.ThrowIfNull(incident);
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            JsonNames.WriteCall(writer, incident.Call);
            writer.WriteString("language", incident.Call.Language);
            writer.WriteString("started_at", JsonNames.FormatTime(incident.StartedAt));
            writer.WriteString("ended_at", JsonNames.FormatTime(incident.EndedAt));
            writer.WriteNumber("duration_ms", (long)incident.Duration.TotalMilliseconds);
            writer.WriteString("highest_level", incident.HighestLevel.ToName());
            writer.WriteString("outcome", JsonNames.ToName(incident.Outcome));
            writer.WriteStartArray("timeline");
            foreach (var utterance in incident.Timeline)
            {
                writer.WriteStartObject();
                writer.WriteNumber("seq", utterance.Seq);
                writer.WriteString("speaker", utterance.Speaker);
                writer.WriteString("at", JsonNames.FormatTime(utterance.At));
                writer.WriteNumber("offset_ms", utterance.OffsetMs);
                writer.WriteString("excerpt", utterance.Excerpt);
                JsonNames.WriteStrings(writer, "categories", utterance.Categories);
                writer.WriteString("level_after", utterance.LevelAfter.ToName());
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteStartArray("warnings");
            foreach (var warning in incident.Warnings)
            {
                writer.WriteStartObject();
                writer.WriteNumber("seq", warning.Seq);
                writer.WriteString("at", JsonNames.FormatTime(warning.At));
                writer.WriteString("level", warning.Level.ToName());
                writer.WriteString("script", warning.Script);
                writer.WriteBoolean("given_by_agent", warning.GivenByAgent);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteBoolean("supervisor_alerted", incident.SupervisorAlerted);
            writer.WriteBoolean("threat_raised", incident.ThreatRaised);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes the incident as a JSON string.</summary>
    /// <param name="incident">The incident.</param>
    /// <returns>The JSON text.</returns>
    public static string SerializeToString(Incident incident) => Encoding.UTF8.GetString(Serialize(incident));

    /// <summary>Reads an incident from JSON text.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The incident.</returns>
    /// <exception cref="FormatException">The text is not an incident object; the message names the field at fault.</exception>
    public static Incident Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return Parse(Encoding.UTF8.GetBytes(json));
    }

    /// <summary>Reads an incident from UTF-8 JSON.</summary>
    /// <param name="utf8Json">The JSON bytes.</param>
    /// <returns>The incident.</returns>
    /// <exception cref="FormatException">The bytes are not an incident object; the message names the field at fault.</exception>
    public static Incident Parse(ReadOnlySpan<byte> utf8Json)
    {
        try
        {
            var reader = new Utf8JsonReader(utf8Json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new FormatException("Incident JSON is not valid: expected an object.");
            }

            return ReadIncident(ref reader);
        }
        catch (JsonException e)
        {
            throw new FormatException($"Incident JSON is not valid: {e.Message}", e);
        }
    }

    private static Incident ReadIncident(ref Utf8JsonReader reader)
    {
        string? tenant = null, call = null, agent = null, team = null, customer = null, language = null;
        DateTimeOffset? started = null, ended = null;
        EscalationLevel? highest = null;
        IncidentOutcome? outcome = null;
        var timeline = new List<IncidentUtterance>();
        var warnings = new List<IncidentWarning>();
        bool supervisorAlerted = false, threatRaised = false;

        while (JsonNames.NextProperty(ref reader, out var name))
        {
            switch (name)
            {
                case "tenant_id": tenant = JsonNames.ReadString(ref reader, name); break;
                case "call_id": call = JsonNames.ReadString(ref reader, name); break;
                case "agent_id": agent = JsonNames.ReadString(ref reader, name); break;
                case "team_id": team = JsonNames.ReadString(ref reader, name); break;
                case "customer_id": customer = JsonNames.ReadString(ref reader, name); break;
                case "language": language = JsonNames.ReadString(ref reader, name); break;
                case "started_at": started = JsonNames.ReadTime(ref reader, name); break;
                case "ended_at": ended = JsonNames.ReadTime(ref reader, name); break;
                case "highest_level": highest = JsonNames.ParseLevel(JsonNames.ReadString(ref reader, name), name); break;
                case "outcome": outcome = JsonNames.ParseOutcome(JsonNames.ReadString(ref reader, name)); break;
                case "timeline": ReadArray(ref reader, name, timeline, ReadUtterance); break;
                case "warnings": ReadArray(ref reader, name, warnings, ReadWarning); break;
                case "supervisor_alerted": supervisorAlerted = JsonNames.ReadBoolean(ref reader, name); break;
                case "threat_raised": threatRaised = JsonNames.ReadBoolean(ref reader, name); break;
                default: reader.Skip(); break;
            }
        }

        return new Incident(
            new CallParticipants(Required(tenant, "tenant_id"), Required(call, "call_id"), agent ?? "", team ?? "", customer ?? "", language ?? ""),
            started ?? throw Missing("started_at"),
            ended ?? throw Missing("ended_at"),
            highest ?? throw Missing("highest_level"),
            outcome ?? throw Missing("outcome"),
            timeline,
            warnings,
            supervisorAlerted,
            threatRaised);
    }

    private delegate T ElementReader<T>(ref Utf8JsonReader reader);

    private static void ReadArray<T>(ref Utf8JsonReader reader, string field, List<T> into, ElementReader<T> read)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new FormatException($"Incident JSON is not valid: the field '{field}' must be an array.");
        }

        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw new FormatException($"Incident JSON is not valid: the items of '{field}' must be objects.");
            }

            into.Add(read(ref reader));
        }
    }

    private static IncidentUtterance ReadUtterance(ref Utf8JsonReader reader)
    {
        ulong seq = 0, offset = 0;
        string speaker = "", excerpt = "";
        DateTimeOffset? at = null;
        List<string> categories = [];
        var levelAfter = EscalationLevel.None;
        while (JsonNames.NextProperty(ref reader, out var name))
        {
            switch (name)
            {
                case "seq": seq = JsonNames.ReadUInt64(ref reader, name); break;
                case "speaker": speaker = JsonNames.ReadString(ref reader, name); break;
                case "at": at = JsonNames.ReadTime(ref reader, name); break;
                case "offset_ms": offset = JsonNames.ReadUInt64(ref reader, name); break;
                case "excerpt": excerpt = JsonNames.ReadString(ref reader, name); break;
                case "categories": categories = JsonNames.ReadStrings(ref reader, name); break;
                case "level_after": levelAfter = JsonNames.ParseLevel(JsonNames.ReadString(ref reader, name), name); break;
                default: reader.Skip(); break;
            }
        }

        return new IncidentUtterance(seq, speaker, at ?? throw Missing("timeline.at"), offset, excerpt, categories, levelAfter);
    }

    private static IncidentWarning ReadWarning(ref Utf8JsonReader reader)
    {
        ulong seq = 0;
        DateTimeOffset? at = null;
        var level = EscalationLevel.None;
        string script = "";
        var givenByAgent = false;
        while (JsonNames.NextProperty(ref reader, out var name))
        {
            switch (name)
            {
                case "seq": seq = JsonNames.ReadUInt64(ref reader, name); break;
                case "at": at = JsonNames.ReadTime(ref reader, name); break;
                case "level": level = JsonNames.ParseLevel(JsonNames.ReadString(ref reader, name), name); break;
                case "script": script = JsonNames.ReadString(ref reader, name); break;
                case "given_by_agent": givenByAgent = JsonNames.ReadBoolean(ref reader, name); break;
                default: reader.Skip(); break;
            }
        }

        return new IncidentWarning(seq, at ?? throw Missing("warnings.at"), level, script, givenByAgent);
    }

    private static string Required(string? value, string field) => JsonNames.Required(value, "Incident", field);

    private static FormatException Missing(string field) => JsonNames.Missing("Incident", field);
}
