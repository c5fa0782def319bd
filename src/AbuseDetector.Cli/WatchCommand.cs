using AbuseDetector.Contracts.V1;

namespace AbuseDetector.Cli;

/// <summary><c>watch --tenant T (--team X | --agent Y) [--since ID]</c>: prints alerts live, after the team's or agent's missed ones.</summary>
internal static class WatchCommand
{
    public static async Task<int> RunAsync(CommandLine line, TextWriter output, CancellationToken cancellationToken)
    {
        var request = new WatchAlertsRequest { TenantId = line.Require("tenant", "with the tenant whose alerts to watch") };
        var team = line.Get("team");
        var agent = line.Get("agent");
        var since = line.Get("since");
        var json = line.Has("json");
        using var client = ServiceConnection.Open(line);
        line.RejectUnknown();
        line.RejectPositional("watch");
        switch (team, agent)
        {
            case (not null, null):
                request.TeamId = team;
                break;
            case (null, not null):
                request.AgentId = agent;
                break;
            default:
                throw new UsageException("watch takes either --team or --agent, not both and not neither.");
        }

        if (since is not null)
        {
            request.SinceHistoryId = since;
        }

        var printer = new UpdatePrinter(output, json);
        try
        {
            await foreach (var alert in client.WatchAlertsAsync(request, cancellationToken))
            {
                printer.Write(alert);
                await output.FlushAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C ends a watch normally.
        }

        return 0;
    }
}
