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
