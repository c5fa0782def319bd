using System.Text.Json;
using AbuseDetector.Escalation;

namespace AbuseDetector.Alerts.Redis.Tests;

public sealed class AlertJsonTests
{
    [Fact]
    public void Serialize_Alert_WritesTheContractFieldsInSnakeCase()
    {
        var alert = TestAlerts.Make("acme", 7) with { Kind = AlertKind.SupervisorNeeded, Level = EscalationLevel.FinalWarning, Severity = AlertSeverity.Critical };

        using var json = JsonDocument.Parse(AlertJson.Serialize(alert));

        var root = json.RootElement;
        Assert.Equal(
            ["alert_id", "tenant_id", "call_id", "agent_id", "team_id", "customer_id", "kind", "level", "category", "severity", "reason", "evidence", "recommended_script", "seq", "at", "audience"],
            root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("acme-alert-7", root.GetProperty("alert_id").GetString());
        Assert.Equal("acme", root.GetProperty("tenant_id").GetString());
        Assert.Equal("call-7", root.GetProperty("call_id").GetString());
        Assert.Equal("agent-1", root.GetProperty("agent_id").GetString());
        Assert.Equal("team-1", root.GetProperty("team_id").GetString());
        Assert.Equal("cust-9", root.GetProperty("customer_id").GetString());
        Assert.Equal("supervisor_needed", root.GetProperty("kind").GetString());
        Assert.Equal("final_warning", root.GetProperty("level").GetString());
        Assert.Equal("swearing", root.GetProperty("category").GetString());
        Assert.Equal("critical", root.GetProperty("severity").GetString());
        Assert.Equal("The caller swore twice.", root.GetProperty("reason").GetString());
        Assert.Equal(["you [expletive] idiot"], root.GetProperty("evidence").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("I want to help, but I need you to stop swearing.", root.GetProperty("recommended_script").GetString());
        Assert.Equal(JsonValueKind.Number, root.GetProperty("seq").ValueKind);
        Assert.Equal(7UL, root.GetProperty("seq").GetUInt64());
        Assert.Equal("agent_and_team", root.GetProperty("audience").GetString());
    }

    [Fact]
    public void Serialize_Alert_WritesTheContractBytesExactly()
    {
        // Pinned byte for byte: field order, number and time formats, and the default escaping of quotes, apostrophes,
        // markup characters and non-ASCII letters.
        var alert = TestAlerts.Make("acme", 7) with { Reason = "He said \"it's <over> & done\" – ü", Evidence = ["a", "b+c"] };

        var json = TestAlerts.Json(alert);

        Assert.Equal(
            """{"alert_id":"acme-alert-7","tenant_id":"acme","call_id":"call-7","agent_id":"agent-1","team_id":"team-1","customer_id":"cust-9","kind":"level_changed","level":"warning","category":"swearing","severity":"warning","reason":"He said \u0022it\u0027s \u003Cover\u003E \u0026 done\u0022 \u2013 \u00FC","evidence":["a","b\u002Bc"],"recommended_script":"I want to help, but I need you to stop swearing.","seq":7,"at":"2026-11-22T13:05:00.130Z","audience":"agent_and_team"}""",
            json);
    }

    [Theory]
    [InlineData(AlertKind.LevelChanged, AlertAudience.Agent, AlertSeverity.Warning, EscalationLevel.Warning)]
    [InlineData(AlertKind.SupervisorNeeded, AlertAudience.Team, AlertSeverity.Critical, EscalationLevel.FinalWarning)]
    [InlineData(AlertKind.Threat, AlertAudience.AgentAndTeam, AlertSeverity.Critical, EscalationLevel.EndCallPermitted)]
    [InlineData(AlertKind.Coaching, AlertAudience.Team, AlertSeverity.Info, EscalationLevel.None)]
    [InlineData(AlertKind.RepeatCaller, AlertAudience.Agent, AlertSeverity.Info, EscalationLevel.None)]
    [InlineData(AlertKind.CallEnded, AlertAudience.Team, AlertSeverity.Info, EscalationLevel.Notice)]
    [InlineData(AlertKind.AgentWellbeing, AlertAudience.Team, AlertSeverity.Warning, EscalationLevel.None)]
    public void Parse_SerializedAlertOfEachKind_RoundTrips(AlertKind kind, AlertAudience audience, AlertSeverity severity, EscalationLevel level)
    {
        var alert = TestAlerts.Make("acme", 3, audience, severity) with { Kind = kind, Level = level, Category = kind == AlertKind.Threat ? "threat" : "", Evidence = kind == AlertKind.CallEnded ? [] : ["x", "y"], Seq = kind == AlertKind.AgentWellbeing ? 0 : ulong.MaxValue };

        var json = AlertJson.Serialize(alert);
        var parsed = AlertJson.Parse(json);

        Assert.Equal(alert with { Evidence = [] }, parsed with { Evidence = [] });
        Assert.Equal(alert.Evidence, parsed.Evidence);
        Assert.Equal(json, AlertJson.Serialize(parsed));
    }

    [Fact]
    public void Serialize_AtWithOffset_WritesIso8601UtcWithMillisecondsAndZ()
    {
        var alert = TestAlerts.Make("acme", 0) with { At = new DateTimeOffset(2026, 11, 22, 14, 5, 0, 123, TimeSpan.FromHours(1)) };

        using var json = JsonDocument.Parse(AlertJson.Serialize(alert));

        Assert.Equal("2026-11-22T13:05:00.123Z", json.RootElement.GetProperty("at").GetString());
    }

    [Theory]
    [InlineData(AlertKind.LevelChanged, "level_changed")]
    [InlineData(AlertKind.Threat, "threat")]
    [InlineData(AlertKind.Coaching, "coaching")]
    [InlineData(AlertKind.RepeatCaller, "repeat_caller")]
    [InlineData(AlertKind.CallEnded, "call_ended")]
    [InlineData(AlertKind.AgentWellbeing, "agent_wellbeing")]
    [InlineData(AlertKind.SupervisorAcknowledged, "supervisor_acknowledged")]
    [InlineData(AlertKind.SupervisorJoining, "supervisor_joining")]
    public void Serialize_EachKind_WritesItsContractName(AlertKind kind, string name)
    {
        var json = TestAlerts.Json(TestAlerts.Make("acme", 1) with { Kind = kind });

        Assert.Contains($"\"kind\":\"{name}\"", json, StringComparison.Ordinal);
        Assert.Equal(kind, AlertJson.Parse(json).Kind);
    }

    [Fact]
    public void Serialize_SupervisorAnswer_WritesTheResponderLastAndReadsItBack()
    {
        var alert = TestAlerts.Make("acme", 5) with { Kind = AlertKind.SupervisorJoining, Responder = "Alex" };

        var json = TestAlerts.Json(alert);
        var parsed = AlertJson.Parse(json);

        Assert.EndsWith(",\"responder\":\"Alex\"}", json, StringComparison.Ordinal);
        Assert.Equal("Alex", parsed.Responder);
        Assert.DoesNotContain("responder", TestAlerts.Json(alert with { Responder = "" }), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SerializedAlert_RoundTrips()
    {
        var alert = TestAlerts.Make("acme", 42, AlertAudience.Team, AlertSeverity.Info) with { Evidence = ["one", "two \"quoted\" ü"], Level = EscalationLevel.EndCallPermitted };

        var parsed = AlertJson.Parse(AlertJson.Serialize(alert));

        Assert.Equal(alert with { Evidence = [] }, parsed with { Evidence = [] });
        Assert.Equal(alert.Evidence, parsed.Evidence);
        Assert.Equal(TimeSpan.Zero, parsed.At.Offset);
    }

    [Theory]
    [InlineData("", "Alert JSON is not valid")]
    [InlineData("[1,2]", "expected an object")]
    [InlineData("{\"alert_id\":\"a\"", "not valid")]
    [InlineData("{\"alert_id\":\"a\",\"tenant_id\":\"t\",\"call_id\":\"c\",\"agent_id\":\"g\",\"team_id\":\"m\",\"kind\":\"nope\"}", "'kind' has the unknown value 'nope'")]
    [InlineData("{\"alert_id\":\"a\",\"tenant_id\":\"t\",\"call_id\":\"c\",\"agent_id\":\"g\",\"team_id\":\"m\",\"kind\":\"threat\",\"level\":\"warning\",\"severity\":\"info\"}", "'at' is missing")]
    [InlineData("{\"alert_id\":\"a\",\"seq\":\"7\"}", "'seq' must be a whole number")]
    [InlineData("{\"alert_id\":\"a\",\"at\":\"yesterday\"}", "'at' must be an ISO 8601 time")]
    [InlineData("{\"alert_id\":\"a\",\"evidence\":\"x\"}", "'evidence' must be an array of strings")]
    [InlineData("{\"alert_id\":\"a\",\"evidence\":[1]}", "'evidence' must be an array of strings")]
    [InlineData("{\"alert_id\":7}", "'alert_id' must be a string")]
    [InlineData("{\"alert_id\":\"a\",\"tenant_id\":\"t\",\"call_id\":\"c\",\"agent_id\":\"g\",\"team_id\":\"m\",\"kind\":\"threat\",\"level\":\"warning\",\"severity\":\"info\",\"at\":\"2026-11-22T13:05:00Z\",\"audience\":\"everyone\"}", "'audience' has the unknown value 'everyone'")]
    public void Parse_BadJson_ThrowsFormatExceptionSayingWhy(string json, string expected)
    {
        var error = Assert.Throws<FormatException>(() => AlertJson.Parse(json));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"alert_id\":\"a\"")]
    [InlineData("{\"alert_id\":\"a\",")]
    [InlineData("{\"alert_id\":")]
    [InlineData("{")]
    public void Parse_TruncatedObject_ThrowsFormatExceptionFromTheJsonReader(string json)
    {
        var error = Assert.Throws<FormatException>(() => AlertJson.Parse(json));

        Assert.IsAssignableFrom<System.Text.Json.JsonException>(error.InnerException);
        Assert.Contains("Alert JSON is not valid", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnknownFieldsAndNoAudience_IgnoresThemAndReadsAudienceNone()
    {
        var json = TestAlerts.Json(TestAlerts.Make("acme", 1)).Replace("\"audience\":\"agent_and_team\"", "\"future\":{\"x\":[1]}", StringComparison.Ordinal);

        var alert = AlertJson.Parse(json);

        Assert.Equal(AlertAudience.None, alert.Audience);
        Assert.Equal("acme-alert-1", alert.AlertId);
    }
}
