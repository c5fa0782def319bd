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
/// <c>offset_ms</c>, <c>excerpt</c>, <c>categories</c>, <c>level_after</c>, and <c>evidence</c>, the flagged words, when
/// the classifier named any), <c>warnings</c> (objects with <c>seq</c>,
/// <c>at</c>, <c>level</c>, <c>script</c>, <c>given_by_agent</c>), <c>supervisor_alerted</c> and <c>threat_raised</c>,
/// then, when a supervisor answered from the dashboard, <c>supervisor_responses</c> (objects with <c>supervisor</c>,
/// <c>joining</c>, <c>at</c>, <c>alert_id</c>).
/// Times are ISO 8601 UTC with milliseconds. Written and read by System.Text.Json source generation.
/// </summary>
public static class IncidentJson
{
    private const string Document = "Incident";

    /// <summary>Writes the incident as UTF-8 JSON.</summary>
    /// <param name="incident">The incident.</param>
    /// <returns>The JSON bytes.</returns>
    public static byte[] Serialize(Incident incident)
    {
        ArgumentNullException.ThrowIfNull(incident);
        var call = incident.Call;
        var document = new IncidentDocument(
            call.TenantId,
            call.CallId,
            call.AgentId,
            call.TeamId,
            call.CustomerId,
            call.Language,
            new UtcTime(incident.StartedAt),
            new UtcTime(incident.EndedAt),
            (long)incident.Duration.TotalMilliseconds,
            incident.HighestLevel.ToName(),
            incident.Outcome.ToName(),
            [.. incident.Timeline.Select(u => new UtteranceDocument(u.Seq, u.Speaker, new UtcTime(u.At), u.OffsetMs, u.Excerpt, u.Categories, u.LevelAfter.ToName(), u.Evidence.Count == 0 ? null : u.Evidence))],
            [.. incident.Warnings.Select(w => new WarningDocument(w.Seq, new UtcTime(w.At), w.Level.ToName(), w.Script, w.GivenByAgent))],
            incident.SupervisorAlerted,
            incident.ThreatRaised,
            incident.SupervisorResponses.Count == 0 ? null : [.. incident.SupervisorResponses.Select(r => new SupervisorResponseDocument(r.Supervisor, r.Joining, new UtcTime(r.At), r.AlertId))]);
        return JsonSerializer.SerializeToUtf8Bytes(document, ContractJsonContext.Default.IncidentDocument);
    }

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
        var d = ContractJson.Deserialize(utf8Json, Document, ContractJsonContext.Default.IncidentDocument);
        var highest = d.HighestLevel is null ? (EscalationLevel?)null : ContractJson.ParseLevel(d.HighestLevel, "highest_level");
        var outcome = d.Outcome is null ? (IncidentOutcome?)null : ContractJson.ParseOutcome(d.Outcome);
        var timeline = (d.Timeline ?? []).Select(ToUtterance).ToList();
        var warnings = (d.Warnings ?? []).Select(ToWarning).ToList();
        return new Incident(
            new CallParticipants(Required(d.TenantId, "tenant_id"), Required(d.CallId, "call_id"), d.AgentId ?? "", d.TeamId ?? "", d.CustomerId ?? "", d.Language ?? ""),
            d.StartedAt?.Value ?? throw Missing("started_at"),
            d.EndedAt?.Value ?? throw Missing("ended_at"),
            highest ?? throw Missing("highest_level"),
            outcome ?? throw Missing("outcome"),
            timeline,
            warnings,
            d.SupervisorAlerted ?? false,
            d.ThreatRaised ?? false)
        {
            SupervisorResponses = d.SupervisorResponses is null ? [] : [.. d.SupervisorResponses.Select(ToSupervisorResponse)],
        };
    }

    private static IncidentSupervisorResponse ToSupervisorResponse(SupervisorResponseDocument? r)
    {
        if (r is null)
        {
            throw ContractJson.WrongType(Document, "supervisor_responses");
        }

        return new IncidentSupervisorResponse(r.Supervisor ?? "", r.Joining ?? false, r.At?.Value ?? throw Missing("supervisor_responses.at"), r.AlertId ?? "");
    }

    private static IncidentUtterance ToUtterance(UtteranceDocument? u)
    {
        if (u is null)
        {
            throw ContractJson.WrongType(Document, "timeline");
        }

        var levelAfter = u.LevelAfter is null ? EscalationLevel.None : ContractJson.ParseLevel(u.LevelAfter, "level_after");
        var categories = ContractJson.Strings(u.Categories, Document, "timeline.categories");
        return new IncidentUtterance(u.Seq ?? 0, u.Speaker ?? "", u.At?.Value ?? throw Missing("timeline.at"), u.OffsetMs ?? 0, u.Excerpt ?? "", categories, levelAfter)
        {
            Evidence = u.Evidence is null ? [] : ContractJson.Strings(u.Evidence, Document, "timeline.evidence"),
        };
    }

    private static IncidentWarning ToWarning(WarningDocument? w)
    {
        if (w is null)
        {
            throw ContractJson.WrongType(Document, "warnings");
        }

        var level = w.Level is null ? EscalationLevel.None : ContractJson.ParseLevel(w.Level, "level");
        return new IncidentWarning(w.Seq ?? 0, w.At?.Value ?? throw Missing("warnings.at"), level, w.Script ?? "", w.GivenByAgent ?? false);
    }

    private static string Required(string? value, string field) => ContractJson.Required(value, Document, field);

    private static FormatException Missing(string field) => ContractJson.Missing(Document, field);
}
