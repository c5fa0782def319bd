using System.Text.Json;
using AbuseDetector.Escalation;

namespace AbuseDetector.Alerts.Redis.Tests;

public sealed class IncidentJsonTests
{
    private static readonly DateTimeOffset Started = new(2026, 11, 22, 13, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Serialize_Incident_WritesSnakeCaseFieldsWithTimelineAndWarnings()
    {
        var incident = TestAlerts.Incident("acme", "call-1", Started);

        using var json = JsonDocument.Parse(IncidentJson.Serialize(incident));

        var root = json.RootElement;
        Assert.Equal("ended_by_agent", root.GetProperty("outcome").GetString());
        Assert.Equal("end_call_permitted", root.GetProperty("highest_level").GetString());
        Assert.Equal("2026-11-22T13:00:00.000Z", root.GetProperty("started_at").GetString());
        Assert.Equal(240_000, root.GetProperty("duration_ms").GetInt64());
        var second = root.GetProperty("timeline")[1];
        Assert.Equal(7UL, second.GetProperty("seq").GetUInt64());
        Assert.Equal(90_000UL, second.GetProperty("offset_ms").GetUInt64());
        Assert.Equal("final_warning", second.GetProperty("level_after").GetString());
        Assert.Equal("threat", second.GetProperty("categories")[0].GetString());
        Assert.False(root.GetProperty("warnings")[0].GetProperty("given_by_agent").GetBoolean());
        Assert.True(root.GetProperty("threat_raised").GetBoolean());
    }

    [Fact]
    public void Parse_IncidentWithSupervisorResponses_ReadsThemBackInOrder()
    {
        IncidentSupervisorResponse[] responses = [new("Alex", false, Started.AddMinutes(1), "alert-1"), new("Sam", true, Started.AddMinutes(2), "")];
        var incident = TestAlerts.Incident("acme", "call-1", Started) with { SupervisorResponses = responses };

        var json = TestAlerts.Json(incident);
        var parsed = IncidentJson.Parse(json);

        Assert.Contains("\"supervisor_responses\":[{\"supervisor\":\"Alex\",\"joining\":false,\"at\":\"2026-11-22T13:01:00.000Z\",\"alert_id\":\"alert-1\"}", json, StringComparison.Ordinal);
        Assert.Equal(responses, parsed.SupervisorResponses);
        Assert.DoesNotContain("supervisor_responses", TestAlerts.Json(incident with { SupervisorResponses = [] }), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UtteranceWithEvidence_ReadsTheFlaggedWordsBack()
    {
        var incident = TestAlerts.Incident("acme", "call-1", Started);
        incident = incident with { Timeline = [incident.Timeline[0] with { Evidence = ["hurt you"] }, .. incident.Timeline.Skip(1)] };

        var json = TestAlerts.Json(incident);
        var parsed = IncidentJson.Parse(json);

        Assert.Contains("\"evidence\":[\"hurt you\"]", json, StringComparison.Ordinal);
        Assert.Equal(["hurt you"], parsed.Timeline[0].Evidence);
        Assert.Empty(parsed.Timeline[1].Evidence);
    }

    [Fact]
    public void Serialize_Incident_WritesTheStoredBytesExactly()
    {
        var incident = TestAlerts.Incident("acme", "call-1", Started.AddMilliseconds(5)) with { Warnings = [] };

        var json = TestAlerts.Json(incident);

        Assert.Equal(
            """{"tenant_id":"acme","call_id":"call-1","agent_id":"agent-1","team_id":"team-1","customer_id":"cust-1","language":"en-GB","started_at":"2026-11-22T13:00:00.005Z","ended_at":"2026-11-22T13:04:00.005Z","duration_ms":240000,"highest_level":"end_call_permitted","outcome":"ended_by_agent","timeline":[{"seq":3,"speaker":"customer","at":"2026-11-22T13:00:30.005Z","offset_ms":30000,"excerpt":"you [expletive]","categories":["swearing"],"level_after":"notice"},{"seq":7,"speaker":"customer","at":"2026-11-22T13:01:30.005Z","offset_ms":90000,"excerpt":"I know where you live","categories":["threat"],"level_after":"final_warning"}],"warnings":[],"supervisor_alerted":true,"threat_raised":true}""",
            json);
    }

    [Theory]
    [InlineData("{\"tenant_id\":\"t\"}", "'call_id' is missing")]
    [InlineData("{\"tenant_id\":\"t\",\"call_id\":\"c\",\"started_at\":\"2026-11-22T13:00:00Z\",\"ended_at\":\"2026-11-22T13:00:00Z\",\"highest_level\":\"warning\",\"outcome\":\"completed\",\"timeline\":[{\"seq\":1}]}", "'timeline.at' is missing")]
    [InlineData("{\"tenant_id\":\"t\",\"timeline\":[{\"at\":\"soon\"}]}", "'timeline.at' must be an ISO 8601 time")]
    [InlineData("{\"tenant_id\":\"t\",\"timeline\":[1]}", "'timeline' must be an array of objects")]
    [InlineData("{\"tenant_id\":\"t\",\"threat_raised\":\"yes\"}", "'threat_raised' must be true or false")]
    [InlineData("{\"tenant_id\":\"t\",\"warnings\":[{\"at\":\"2026-11-22T13:00:00Z\",\"level\":\"loud\"}]}", "'level' has the unknown value 'loud'")]
    public void Parse_BadIncident_ThrowsFormatExceptionNamingTheField(string json, string expected)
    {
        var error = Assert.Throws<FormatException>(() => IncidentJson.Parse(json));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SerializedIncident_RoundTrips()
    {
        var incident = TestAlerts.Incident("acme", "call-1", Started, outcome: IncidentOutcome.CallerHungUp);

        var parsed = IncidentJson.Parse(IncidentJson.Serialize(incident));

        Assert.Equal(incident.Call, parsed.Call);
        Assert.Equal((incident.StartedAt, incident.EndedAt, incident.HighestLevel, incident.Outcome), (parsed.StartedAt, parsed.EndedAt, parsed.HighestLevel, parsed.Outcome));
        Assert.Equal(incident.Timeline.Select(u => (u.Seq, u.Speaker, u.At, u.OffsetMs, u.Excerpt, string.Join(",", u.Categories), u.LevelAfter)), parsed.Timeline.Select(u => (u.Seq, u.Speaker, u.At, u.OffsetMs, u.Excerpt, string.Join(",", u.Categories), u.LevelAfter)));
        Assert.Equal(incident.Warnings, parsed.Warnings);
        Assert.True(parsed.SupervisorAlerted);
    }

    [Fact]
    public void Parse_UnknownOutcome_ThrowsFormatExceptionNamingIt()
    {
        var json = TestAlerts.Json(TestAlerts.Incident("acme", "call-1", Started)).Replace("ended_by_agent", "exploded", StringComparison.Ordinal);

        var error = Assert.Throws<FormatException>(() => IncidentJson.Parse(json));

        Assert.Contains("'outcome' has the unknown value 'exploded'", error.Message, StringComparison.Ordinal);
    }
}
