using System.Globalization;
using System.Text.Json;
using AbuseDetector.Escalation;

namespace AbuseDetector.Alerts.Redis.Internal;

/// <summary>Reading and writing the enumerations, times and typed fields shared by the alert and incident JSON.</summary>
internal static class JsonNames
{
    public static string FormatTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fff'Z'", CultureInfo.InvariantCulture);

    public static string ToName(AlertAudience audience) => audience switch
    {
        AlertAudience.None => "none",
        AlertAudience.Agent => "agent",
        AlertAudience.Team => "team",
        AlertAudience.AgentAndTeam => "agent_and_team",
        _ => throw new ArgumentOutOfRangeException(nameof(audience), audience, "Unknown audience."),
    };

    public static string ToName(IncidentOutcome outcome) => outcome switch
    {
        IncidentOutcome.Ongoing => "ongoing",
        IncidentOutcome.Completed => "completed",
        IncidentOutcome.EndedByAgent => "ended_by_agent",
        IncidentOutcome.CallerHungUp => "caller_hung_up",
        IncidentOutcome.Transferred => "transferred",
        IncidentOutcome.Dropped => "dropped",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "Unknown outcome."),
    };

    public static AlertAudience ParseAudience(string name) => name switch
    {
        "none" => AlertAudience.None,
        "agent" => AlertAudience.Agent,
        "team" => AlertAudience.Team,
        "agent_and_team" => AlertAudience.AgentAndTeam,
        _ => throw Unknown("audience", name),
    };

    public static AlertKind ParseKind(string name) => ParseName<AlertKind>(name, "kind", static kind => kind.ToName());

    public static AlertSeverity ParseSeverity(string name) => ParseName<AlertSeverity>(name, "severity", static severity => severity.ToName());

    public static EscalationLevel ParseLevel(string name, string field) => ParseName<EscalationLevel>(name, field, static level => level.ToName());

    public static IncidentOutcome ParseOutcome(string name) => ParseName<IncidentOutcome>(name, "outcome", ToName);

    /// <summary>Writes the call's participants (not the language: alerts do not carry it).</summary>
    public static void WriteCall(Utf8JsonWriter writer, CallParticipants call)
    {
        writer.WriteString("tenant_id", call.TenantId);
        writer.WriteString("call_id", call.CallId);
        writer.WriteString("agent_id", call.AgentId);
        writer.WriteString("team_id", call.TeamId);
        writer.WriteString("customer_id", call.CustomerId);
    }

    public static void WriteStrings(Utf8JsonWriter writer, string name, IReadOnlyList<string> values)
    {
        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }

    /// <summary>
    /// Inside an object, moves to the next property's value and names it; false at the end of the object. A truncated
    /// object throws <see cref="JsonException"/> from the reader, which is on the final block.
    /// </summary>
    public static bool NextProperty(ref Utf8JsonReader reader, out string name)
    {
        if (!reader.Read() || reader.TokenType == JsonTokenType.EndObject)
        {
            name = "";
            return false;
        }

        name = reader.GetString() ?? "";
        reader.Read();
        return true;
    }

    /// <summary>The value of a field the document must have.</summary>
    /// <param name="value">The value read, or null when the field was not there.</param>
    /// <param name="document">"Alert" or "Incident", for the message.</param>
    /// <param name="field">The field's name.</param>
    public static string Required(string? value, string document, string field) => value ?? throw Missing(document, field);

    public static FormatException Missing(string document, string field) => new($"{document} JSON is not valid: the field '{field}' is missing.");

    public static string ReadString(ref Utf8JsonReader reader, string field) =>
        reader.TokenType == JsonTokenType.String ? reader.GetString()! : throw WrongType(field, "a string", reader.TokenType);

    public static List<string> ReadStrings(ref Utf8JsonReader reader, string field)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw WrongType(field, "an array of strings", reader.TokenType);
        }

        var values = new List<string>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            values.Add(ReadString(ref reader, field));
        }

        return values;
    }

    public static ulong ReadUInt64(ref Utf8JsonReader reader, string field) =>
        reader.TokenType == JsonTokenType.Number && reader.TryGetUInt64(out var value) ? value : throw WrongType(field, "a whole number of 0 or more", reader.TokenType);

    public static bool ReadBoolean(ref Utf8JsonReader reader, string field) => reader.TokenType switch
    {
        JsonTokenType.True => true,
        JsonTokenType.False => false,
        _ => throw WrongType(field, "true or false", reader.TokenType),
    };

    public static DateTimeOffset ReadTime(ref Utf8JsonReader reader, string field)
    {
        if (reader.TokenType == JsonTokenType.String && reader.TryGetDateTimeOffset(out var time))
        {
            return time.ToUniversalTime();
        }

        throw new FormatException($"JSON is not valid: the field '{field}' must be an ISO 8601 time such as 2026-11-22T13:05:00.123Z.");
    }

    /// <summary>The value of an enumeration whose contract name is <paramref name="name"/>.</summary>
    private static T ParseName<T>(string name, string field, Func<T, string> toName)
        where T : struct, Enum
    {
        foreach (var value in EnumValues<T>.All)
        {
            if (string.Equals(toName(value), name, StringComparison.Ordinal))
            {
                return value;
            }
        }

        throw Unknown(field, name);
    }

    private static FormatException Unknown(string field, string value) =>
        new($"JSON is not valid: the field '{field}' has the unknown value '{value}'.");

    private static FormatException WrongType(string field, string expected, JsonTokenType actual) =>
        new($"JSON is not valid: the field '{field}' must be {expected}, not {actual}.");

    /// <summary>An enumeration's values, read once.</summary>
    private static class EnumValues<T>
        where T : struct, Enum
    {
        public static readonly T[] All = Enum.GetValues<T>();
    }
}
