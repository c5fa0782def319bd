using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using AbuseDetector.Escalation;

namespace AbuseDetector.Alerts.Redis.Internal;

/// <summary>The alert as it is written on the wire: flat, snake_case, enumerations as their contract names.</summary>
internal sealed record AlertDocument(
    string? AlertId,
    string? TenantId,
    string? CallId,
    string? AgentId,
    string? TeamId,
    string? CustomerId,
    string? Kind,
    string? Level,
    string? Category,
    string? Severity,
    string? Reason,
    IReadOnlyList<string?>? Evidence,
    string? RecommendedScript,
    ulong? Seq,
    UtcTime? At,
    string? Audience,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Responder = null);

/// <summary>The incident as it is stored.</summary>
internal sealed record IncidentDocument(
    string? TenantId,
    string? CallId,
    string? AgentId,
    string? TeamId,
    string? CustomerId,
    string? Language,
    UtcTime? StartedAt,
    UtcTime? EndedAt,
    long? DurationMs,
    string? HighestLevel,
    string? Outcome,
    IReadOnlyList<UtteranceDocument?>? Timeline,
    IReadOnlyList<WarningDocument?>? Warnings,
    bool? SupervisorAlerted,
    bool? ThreatRaised,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<SupervisorResponseDocument?>? SupervisorResponses = null);

/// <summary>One flagged utterance of an incident.</summary>
internal sealed record UtteranceDocument(
    ulong? Seq,
    string? Speaker,
    UtcTime? At,
    ulong? OffsetMs,
    string? Excerpt,
    IReadOnlyList<string?>? Categories,
    string? LevelAfter,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string?>? Evidence = null);

/// <summary>One supervisor's answer recorded in an incident.</summary>
internal sealed record SupervisorResponseDocument(string? Supervisor, bool? Joining, UtcTime? At, string? AlertId);

/// <summary>One warning of an incident.</summary>
internal sealed record WarningDocument(ulong? Seq, UtcTime? At, string? Level, string? Script, bool? GivenByAgent);

/// <summary>A time in the contract's one format, ISO 8601 UTC with exactly three fraction digits and <c>Z</c>.</summary>
[JsonConverter(typeof(UtcTimeConverter))]
internal readonly record struct UtcTime(DateTimeOffset Value);

/// <summary>Writes <see cref="UtcTime"/> as <c>2026-11-22T13:05:00.123Z</c>; reads any ISO 8601 time and makes it UTC.</summary>
internal sealed class UtcTimeConverter : JsonConverter<UtcTime>
{
    public override UtcTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String && reader.TryGetDateTimeOffset(out var time)
            ? new UtcTime(time.ToUniversalTime())
            : throw new JsonException(); // the serializer adds the path, which names the field

    public override void Write(Utf8JsonWriter writer, UtcTime value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.Value.UtcDateTime.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fff'Z'", CultureInfo.InvariantCulture));
}

/// <summary>The source-generated serializers of the contract documents.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(AlertDocument))]
[JsonSerializable(typeof(IncidentDocument))]
internal sealed partial class ContractJsonContext : JsonSerializerContext;

/// <summary>What the alert and incident JSON share: the enumeration names the contract uses, and errors that name the field at fault.</summary>
internal static class ContractJson
{
    public static string ToName(AlertAudience audience) => audience switch
    {
        AlertAudience.None => "none",
        AlertAudience.Agent => "agent",
        AlertAudience.Team => "team",
        AlertAudience.AgentAndTeam => "agent_and_team",
        _ => throw new ArgumentOutOfRangeException(nameof(audience), audience, "Unknown audience."),
    };

    public static AlertKind ParseKind(string name) => ParseName<AlertKind>(name, "kind", static kind => kind.ToName());

    public static AlertSeverity ParseSeverity(string name) => ParseName<AlertSeverity>(name, "severity", static severity => severity.ToName());

    public static EscalationLevel ParseLevel(string name, string field) => ParseName<EscalationLevel>(name, field, static level => level.ToName());

    public static IncidentOutcome ParseOutcome(string name) => ParseName<IncidentOutcome>(name, "outcome", static outcome => outcome.ToName());

    public static AlertAudience ParseAudience(string name) => ParseName<AlertAudience>(name, "audience", ToName);

    /// <summary>Reads a document, turning every error into a <see cref="FormatException"/> that names the field at fault.</summary>
    /// <param name="utf8Json">The JSON.</param>
    /// <param name="document">"Alert" or "Incident", for the message.</param>
    /// <param name="typeInfo">The document's generated serializer.</param>
    public static T Deserialize<T>(ReadOnlySpan<byte> utf8Json, string document, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo)
        where T : class
    {
        try
        {
            var reader = new Utf8JsonReader(utf8Json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new FormatException($"{document} JSON is not valid: expected an object.");
            }

            return JsonSerializer.Deserialize(utf8Json, typeInfo)!;
        }
        catch (JsonException e) when (e.InnerException is not JsonException && e.Path is { Length: > 2 } path)
        {
            // A value of the wrong type; malformed JSON carries the reader's own JsonException inside.
            var field = FieldOf(path);
            throw new FormatException($"{document} JSON is not valid: the field '{field}' must be {Expected(field)}.", e);
        }
        catch (JsonException e)
        {
            throw new FormatException($"{document} JSON is not valid: {e.Message}", e);
        }
    }

    public static string Required(string? value, string document, string field) => value ?? throw Missing(document, field);

    public static FormatException Missing(string document, string field) => new($"{document} JSON is not valid: the field '{field}' is missing.");

    public static FormatException WrongType(string document, string field) => new($"{document} JSON is not valid: the field '{field}' must be {Expected(field)}.");

    /// <summary>The strings of an array field, refusing null items.</summary>
    public static List<string> Strings(IReadOnlyList<string?>? values, string document, string field)
    {
        var strings = new List<string>(values?.Count ?? 0);
        foreach (var value in values ?? [])
        {
            strings.Add(value ?? throw WrongType(document, field));
        }

        return strings;
    }

    /// <summary>"$.timeline[1].at" is the field "timeline.at".</summary>
    private static string FieldOf(string path)
    {
        var field = new System.Text.StringBuilder(path.Length);
        var inIndex = false;
        foreach (var c in path.AsSpan(2))
        {
            if (c == '[')
            {
                inIndex = true;
            }
            else if (c == ']')
            {
                inIndex = false;
            }
            else if (!inIndex)
            {
                field.Append(c);
            }
        }

        return field.ToString();
    }

    private static string Expected(string field) => field[(field.LastIndexOf('.') + 1)..] switch
    {
        "seq" or "offset_ms" => "a whole number of 0 or more",
        "duration_ms" => "a whole number",
        "evidence" or "categories" => "an array of strings",
        "timeline" or "warnings" => "an array of objects",
        "at" or "started_at" or "ended_at" => "an ISO 8601 time such as 2026-11-22T13:05:00.123Z",
        "given_by_agent" or "supervisor_alerted" or "threat_raised" => "true or false",
        _ => "a string",
    };

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

        throw new FormatException($"JSON is not valid: the field '{field}' has the unknown value '{name}'.");
    }

    /// <summary>An enumeration's values, read once.</summary>
    private static class EnumValues<T>
        where T : struct, Enum
    {
        public static readonly T[] All = Enum.GetValues<T>();
    }
}
