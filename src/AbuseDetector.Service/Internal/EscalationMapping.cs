using AbuseDetector.Escalation;
using Google.Protobuf.WellKnownTypes;
using V1 = AbuseDetector.Contracts.V1;

namespace AbuseDetector.Service.Internal;

/// <summary>Copies the escalation engine's steps, alerts and incidents into the abuse_detector.v1 messages, and agent events back.</summary>
internal static class EscalationMapping
{
    /// <summary>The contract's levels are the engine's plus one (0 is ESCALATION_LEVEL_UNSPECIFIED).</summary>
    public static V1.EscalationLevel ToContract(this EscalationLevel level) => (V1.EscalationLevel)((int)level + 1);

    public static V1.AlertKind ToContract(this AlertKind kind) => kind switch
    {
        AlertKind.LevelChanged => V1.AlertKind.LevelChanged,
        AlertKind.SupervisorNeeded => V1.AlertKind.SupervisorNeeded,
        AlertKind.Threat => V1.AlertKind.Threat,
        AlertKind.Coaching => V1.AlertKind.Coaching,
        AlertKind.RepeatCaller => V1.AlertKind.RepeatCaller,
        AlertKind.CallEnded => V1.AlertKind.CallEnded,
        AlertKind.AgentWellbeing => V1.AlertKind.AgentWellbeing,
        AlertKind.SupervisorAcknowledged => V1.AlertKind.SupervisorAcknowledged,
        AlertKind.SupervisorJoining => V1.AlertKind.SupervisorJoining,
        _ => V1.AlertKind.Unspecified,
    };

    public static V1.AlertSeverity ToContract(this AlertSeverity severity) => severity switch
    {
        AlertSeverity.Info => V1.AlertSeverity.Info,
        AlertSeverity.Warning => V1.AlertSeverity.Warning,
        AlertSeverity.Critical => V1.AlertSeverity.Critical,
        _ => V1.AlertSeverity.Unspecified,
    };

    public static V1.IncidentOutcome ToContract(this IncidentOutcome outcome) => outcome switch
    {
        IncidentOutcome.Ongoing => V1.IncidentOutcome.Ongoing,
        IncidentOutcome.Completed => V1.IncidentOutcome.Completed,
        IncidentOutcome.EndedByAgent => V1.IncidentOutcome.EndedByAgent,
        IncidentOutcome.CallerHungUp => V1.IncidentOutcome.CallerHungUp,
        IncidentOutcome.Transferred => V1.IncidentOutcome.Transferred,
        IncidentOutcome.Dropped => V1.IncidentOutcome.Dropped,
        _ => V1.IncidentOutcome.Unspecified,
    };

    /// <summary>The engine's action, or null for AGENT_ACTION_KIND_UNSPECIFIED and numbers this version does not know.</summary>
    public static AgentActionKind? ToEngine(this V1.AgentActionKind kind) => kind switch
    {
        V1.AgentActionKind.WarningGiven => AgentActionKind.WarningGiven,
        V1.AgentActionKind.SupervisorRequested => AgentActionKind.SupervisorRequested,
        V1.AgentActionKind.CallEndedByAgent => AgentActionKind.CallEndedByAgent,
        V1.AgentActionKind.CallerOnHold => AgentActionKind.CallerOnHold,
        V1.AgentActionKind.CallerOffHold => AgentActionKind.CallerOffHold,
        _ => null,
    };

    /// <summary>An unspecified reason counts as completed: the platform ended the call without saying why.</summary>
    public static CallEndReason ToEngine(this V1.CallEndReason reason) => reason switch
    {
        V1.CallEndReason.CustomerHungUp => CallEndReason.CallerHungUp,
        V1.CallEndReason.AgentEnded => CallEndReason.AgentEnded,
        V1.CallEndReason.Transferred => CallEndReason.Transferred,
        V1.CallEndReason.Error => CallEndReason.Dropped,
        _ => CallEndReason.Completed,
    };

    /// <summary>The engine's speaker, or null for SPEAKER_UNSPECIFIED and numbers this version does not know.</summary>
    public static CallSpeaker? ToEngine(this V1.Speaker speaker) => speaker switch
    {
        V1.Speaker.Customer => CallSpeaker.Customer,
        V1.Speaker.Agent => CallSpeaker.Agent,
        _ => null,
    };

    /// <summary>The level change of a step, with the category of the level_changed alert behind it.</summary>
    public static V1.EscalationChange ToContract(this EscalationStep step, ulong seq)
    {
        var category = "";
        foreach (var alert in step.Alerts)
        {
            if (alert.Kind == AlertKind.LevelChanged)
            {
                category = alert.Category;
            }
        }

        var change = new V1.EscalationChange
        {
            Seq = seq,
            Level = step.Level.ToContract(),
            PreviousLevel = step.PreviousLevel.ToContract(),
            RecommendedScript = step.RecommendedScript,
            Reason = step.Reason,
            Category = category,
        };
        change.Evidence.AddRange(step.Evidence);
        return change;
    }

    public static V1.Alert ToContract(this Alert alert, string historyId = "")
    {
        var message = new V1.Alert
        {
            AlertId = alert.AlertId,
            TenantId = alert.Call.TenantId,
            CallId = alert.Call.CallId,
            AgentId = alert.Call.AgentId,
            TeamId = alert.Call.TeamId,
            CustomerId = alert.Call.CustomerId,
            Kind = alert.Kind.ToContract(),
            Level = alert.Level.ToContract(),
            Category = alert.Category,
            Severity = alert.Severity.ToContract(),
            Reason = alert.Reason,
            RecommendedScript = alert.RecommendedScript,
            Seq = alert.Seq,
            At = Timestamp.FromDateTimeOffset(alert.At),
            ForAgent = (alert.Audience & AlertAudience.Agent) != 0,
            ForTeam = (alert.Audience & AlertAudience.Team) != 0,
            HistoryId = historyId,
            Responder = alert.Responder,
        };
        message.Evidence.AddRange(alert.Evidence);
        return message;
    }

    public static V1.Incident ToContract(this Incident incident)
    {
        var message = new V1.Incident
        {
            TenantId = incident.Call.TenantId,
            CallId = incident.Call.CallId,
            AgentId = incident.Call.AgentId,
            TeamId = incident.Call.TeamId,
            CustomerId = incident.Call.CustomerId,
            StartedAt = Timestamp.FromDateTimeOffset(incident.StartedAt),
            EndedAt = Timestamp.FromDateTimeOffset(incident.EndedAt),
            HighestLevel = incident.HighestLevel.ToContract(),
            Outcome = incident.Outcome.ToContract(),
            SupervisorAlerted = incident.SupervisorAlerted,
            ThreatRaised = incident.ThreatRaised,
            DurationMs = (ulong)Math.Max(0, (long)incident.Duration.TotalMilliseconds),
        };
        foreach (var utterance in incident.Timeline)
        {
            var item = new V1.IncidentUtterance
            {
                Seq = utterance.Seq,
                Speaker = utterance.Speaker == "agent" ? V1.Speaker.Agent : V1.Speaker.Customer,
                At = Timestamp.FromDateTimeOffset(utterance.At),
                OffsetMs = utterance.OffsetMs,
                Excerpt = utterance.Excerpt,
                LevelAfter = utterance.LevelAfter.ToContract(),
            };
            item.Categories.AddRange(utterance.Categories);
            item.Evidence.AddRange(utterance.Evidence);
            message.Timeline.Add(item);
        }

        foreach (var warning in incident.Warnings)
        {
            message.Warnings.Add(new V1.IncidentWarning
            {
                Seq = warning.Seq,
                At = Timestamp.FromDateTimeOffset(warning.At),
                Level = warning.Level.ToContract(),
                Script = warning.Script,
                GivenByAgent = warning.GivenByAgent,
            });
        }

        foreach (var response in incident.SupervisorResponses)
        {
            message.SupervisorResponses.Add(new V1.SupervisorResponse
            {
                Supervisor = response.Supervisor,
                Joining = response.Joining,
                At = Timestamp.FromDateTimeOffset(response.At),
                AlertId = response.AlertId,
            });
        }

        return message;
    }
}
