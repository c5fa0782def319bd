using System.Text.Json;
using System.Text.Json.Serialization;
using AbuseDetector.Escalation;

namespace AbuseDetector.Web.Internal;

/// <summary>An alert as the pages show it.</summary>
internal sealed record AlertView(
    string AlertId,
    string CallId,
    string AgentId,
    string CustomerId,
    string Kind,
    string Severity,
    string Level,
    string Category,
    string Reason,
    IReadOnlyList<string> Evidence,
    string RecommendedScript,
    DateTimeOffset At,
    ulong Seq,
    string? AcknowledgedBy)
{
    public static AlertView Of(Alert alert) => new(
        alert.AlertId,
        alert.Call.CallId,
        alert.Call.AgentId,
        alert.Call.CustomerId,
        alert.Kind.ToName(),
        alert.Severity.ToName(),
        alert.Level.ToName(),
        alert.Category,
        alert.Reason,
        alert.Evidence,
        alert.RecommendedScript,
        alert.At,
        alert.Seq,
        alert.Responder.Length == 0 ? null : alert.Responder);
}

/// <summary>A supervisor's answer as the pages show it.</summary>
internal sealed record SupervisorResponseView(string Name, bool Joining, DateTimeOffset At)
{
    public static SupervisorResponseView? Of(IncidentSupervisorResponse? response) =>
        response is null ? null : new(response.Supervisor, response.Joining, response.At);
}

/// <summary>A live call as the dashboard and the agent panel show it.</summary>
internal sealed record CallView(
    string CallId,
    string AgentId,
    string CustomerId,
    DateTimeOffset StartedAt,
    string Level,
    int LevelRank,
    string LastCategory,
    bool Shouting,
    bool Threat,
    IReadOnlyList<float> Scores,
    SupervisorResponseView? SupervisorResponse,
    string RecommendedScript,
    bool EndCallPermitted)
{
    public static CallView Of(Monitoring.LiveCallView call) => new(
        call.Call.CallId,
        call.Call.AgentId,
        call.Call.CustomerId,
        call.StartedAt,
        call.Level.ToName(),
        (int)call.Level,
        call.LastCategory,
        call.Shouting,
        call.Threat,
        [.. call.Scores.Select(s => MathF.Round(s, 3))],
        SupervisorResponseView.Of(call.SupervisorResponse),
        call.RecommendedScript,
        call.Level == EscalationLevel.EndCallPermitted);
}

internal sealed record CallsEvent(IReadOnlyList<CallView> Calls);

internal sealed record AgentCallEvent(CallView? Call);

internal sealed record NoticeEvent(string Message);

internal sealed record ErrorResponse(string Error);

internal sealed record OkResponse(bool Ok);

internal sealed record SupervisorSessionView(string TenantId, string TeamId, string Name, string CsrfToken);

internal sealed record AgentSessionView(string TenantId, string TeamId, string AgentId, string CsrfToken);

internal sealed record RespondRequest(string? CallId, string? AlertId, string? Response);

internal sealed record IncidentSearchRequest(string? AgentId, string? CustomerId, string? From, string? To, string? Outcome);

internal sealed record IncidentRequest(string? CallId);

/// <summary>An incident as the list shows it.</summary>
internal record IncidentSummaryView(
    string CallId,
    string AgentId,
    string CustomerId,
    DateTimeOffset StartedAt,
    DateTimeOffset EndedAt,
    long DurationSeconds,
    string HighestLevel,
    string Outcome,
    bool Threat,
    bool SupervisorAlerted,
    int Utterances)
{
    public static IncidentSummaryView Of(Incident incident) => new(
        incident.Call.CallId,
        incident.Call.AgentId,
        incident.Call.CustomerId,
        incident.StartedAt,
        incident.EndedAt,
        (long)Math.Max(0, incident.Duration.TotalSeconds),
        incident.HighestLevel.ToName(),
        incident.Outcome.ToName(),
        incident.ThreatRaised,
        incident.SupervisorAlerted,
        incident.Timeline.Count);
}

internal sealed record IncidentUtteranceView(ulong Seq, string Speaker, DateTimeOffset At, ulong OffsetMs, string Excerpt, IReadOnlyList<string> Categories, string LevelAfter);

internal sealed record IncidentWarningView(ulong Seq, DateTimeOffset At, string Level, string Script, bool GivenByAgent);

/// <summary>An incident as its report shows it: the list's fields and the whole record.</summary>
internal sealed record IncidentView : IncidentSummaryView
{
    private IncidentView(IncidentSummaryView summary)
        : base(summary)
    {
    }

    public required string TeamId { get; init; }

    public required IReadOnlyList<IncidentUtteranceView> Timeline { get; init; }

    public required IReadOnlyList<IncidentWarningView> Warnings { get; init; }

    public required IReadOnlyList<SupervisorResponseView> SupervisorResponses { get; init; }

    /// <summary>The flagged words of every utterance, for highlighting.</summary>
    public required IReadOnlyList<string> Evidence { get; init; }

    public static new IncidentView Of(Incident incident) => new(IncidentSummaryView.Of(incident))
    {
        TeamId = incident.Call.TeamId,
        Timeline = [.. incident.Timeline.Select(u => new IncidentUtteranceView(u.Seq, u.Speaker, u.At, u.OffsetMs, u.Excerpt, u.Categories, u.LevelAfter.ToName()))],
        Warnings = [.. incident.Warnings.Select(w => new IncidentWarningView(w.Seq, w.At, w.Level.ToName(), w.Script, w.GivenByAgent))],
        SupervisorResponses = [.. incident.SupervisorResponses.Select(r => SupervisorResponseView.Of(r)!)],
        Evidence = [.. incident.Timeline.SelectMany(u => u.Evidence).Distinct(StringComparer.OrdinalIgnoreCase)],
    };
}

internal sealed record IncidentListView(IReadOnlyList<IncidentSummaryView> Incidents);

internal sealed record WellbeingAgentView(string AgentId, int AbusiveCalls, int InARow, bool Several);

internal sealed record WellbeingView(double WindowHours, IReadOnlyList<WellbeingAgentView> Agents);

/// <summary>The source-generated serializers of what the pages read and send, in camelCase.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(AlertView))]
[JsonSerializable(typeof(CallsEvent))]
[JsonSerializable(typeof(AgentCallEvent))]
[JsonSerializable(typeof(NoticeEvent))]
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(OkResponse))]
[JsonSerializable(typeof(SupervisorSessionView))]
[JsonSerializable(typeof(AgentSessionView))]
[JsonSerializable(typeof(RespondRequest))]
[JsonSerializable(typeof(IncidentSearchRequest))]
[JsonSerializable(typeof(IncidentRequest))]
[JsonSerializable(typeof(IncidentListView))]
[JsonSerializable(typeof(IncidentView))]
[JsonSerializable(typeof(WellbeingView))]
internal sealed partial class DashboardJson : JsonSerializerContext;
