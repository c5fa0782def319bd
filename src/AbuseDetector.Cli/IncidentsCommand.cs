using System.Globalization;
using AbuseDetector.Contracts.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace AbuseDetector.Cli;

/// <summary><c>incidents list|show</c>: the manager's notes kept by the service.</summary>
internal static class IncidentsCommand
{
    private static readonly JsonFormatter Json = new(JsonFormatter.Settings.Default.WithPreserveProtoFieldNames(true));

    public static async Task<int> RunAsync(CommandLine line, TextWriter output, CancellationToken cancellationToken)
    {
        if (line.Positional.Count == 0)
        {
            throw new UsageException("incidents takes a subcommand: list, or show <call id>.");
        }

        var tenant = line.Require("tenant", "with the tenant whose incidents to read");
        var json = line.Has("json");
        switch (line.Positional[0])
        {
            case "list":
            {
                var request = new ListIncidentsRequest
                {
                    TenantId = tenant,
                    TeamId = line.Get("team") ?? "",
                    AgentId = line.Get("agent") ?? "",
                    CustomerId = line.Get("customer") ?? "",
                    From = ParseTime(line.Get("from"), "from"),
                    To = ParseTime(line.Get("to"), "to"),
                    Limit = (uint)Math.Max(0, line.GetInt("limit", 0)),
                };
                using var connection = ServiceConnection.Open(line);
                line.RejectUnknown();
                if (line.Positional.Count > 1)
                {
                    throw new UsageException("incidents list takes no further words; filter with --team, --agent, --customer, --from, --to.");
                }

                var response = await connection.Client.ListIncidentsAsync(request, cancellationToken: cancellationToken);
                foreach (var incident in response.Incidents)
                {
                    output.WriteLine(json ? Json.Format(incident) : Summary(incident));
                }

                return 0;
            }

            case "show":
            {
                using var connection = ServiceConnection.Open(line);
                line.RejectUnknown();
                if (line.Positional.Count != 2)
                {
                    throw new UsageException("incidents show takes one call id.");
                }

                var incident = await connection.Client.GetIncidentAsync(new GetIncidentRequest { TenantId = tenant, CallId = line.Positional[1] }, cancellationToken: cancellationToken);
                if (json)
                {
                    output.WriteLine(Json.Format(incident));
                }
                else
                {
                    WriteNotes(incident, output);
                }

                return 0;
            }

            default:
                throw new UsageException($"Unknown incidents subcommand '{line.Positional[0]}'; use list or show.");
        }
    }

    private static Timestamp? ParseTime(string? value, string name)
    {
        if (value is null)
        {
            return null;
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? Timestamp.FromDateTimeOffset(time)
            : throw new UsageException($"--{name} takes an ISO 8601 time such as 2026-11-22T09:00:00Z, not '{value}'.");
    }

    private static string Summary(Incident incident)
    {
        var threat = incident.ThreatRaised ? "  THREAT" : "";
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{Time(incident.StartedAt)}  call {incident.CallId}  agent {incident.AgentId}  team {incident.TeamId}  customer {Or(incident.CustomerId)}  level {UpdatePrinter.Name(incident.HighestLevel)}  outcome {UpdatePrinter.Name(incident.Outcome)}  {incident.Timeline.Count} flagged, {incident.Warnings.Count} warnings{threat}");
    }

    private static void WriteNotes(Incident incident, TextWriter output)
    {
        var culture = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(culture, $"Incident on call {incident.CallId} (tenant {incident.TenantId})"));
        output.WriteLine(string.Create(culture, $"  agent {incident.AgentId}, team {incident.TeamId}, customer {Or(incident.CustomerId)}"));
        output.WriteLine(string.Create(culture, $"  {Time(incident.StartedAt)} to {Time(incident.EndedAt)} ({incident.DurationMs / 1000.0:0.#} s), outcome {UpdatePrinter.Name(incident.Outcome)}"));
        output.WriteLine(string.Create(culture, $"  highest level {UpdatePrinter.Name(incident.HighestLevel)}; supervisor alerted: {Yes(incident.SupervisorAlerted)}; threat: {Yes(incident.ThreatRaised)}"));
        output.WriteLine("  What was said:");
        foreach (var utterance in incident.Timeline)
        {
            var categories = string.Join(", ", utterance.Categories);
            output.WriteLine(string.Create(culture, $"    {utterance.OffsetMs / 1000.0,7:0.0} s  {UpdatePrinter.Name(utterance.Speaker),-8} [{categories}] \"{utterance.Excerpt}\" -> {UpdatePrinter.Name(utterance.LevelAfter)}"));
        }

        output.WriteLine("  Warnings:");
        foreach (var warning in incident.Warnings)
        {
            var who = warning.GivenByAgent ? "given by the agent" : "recommended";
            var words = warning.Script.Length > 0 ? $": \"{warning.Script}\"" : "";
            output.WriteLine(string.Create(culture, $"    {Time(warning.At)}  {UpdatePrinter.Name(warning.Level)} {who}{words}"));
        }
    }

    private static string Time(Timestamp? time) => time is null ? "-" : time.ToDateTimeOffset().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Or(string value) => value.Length == 0 ? "(unknown)" : value;

    private static string Yes(bool value) => value ? "yes" : "no";
}
