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
        var json = IncidentJson.SerializeToString(TestAlerts.Incident("acme", "call-1", Started)).Replace("ended_by_agent", "exploded", StringComparison.Ordinal);

        var error = Assert.Throws<FormatException>(() => IncidentJson.Parse(json));

        Assert.Contains("'outcome' has the unknown value 'exploded'", error.Message, StringComparison.Ordinal);
    }
}
