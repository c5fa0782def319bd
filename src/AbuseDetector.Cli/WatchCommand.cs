using AbuseDetector.Contracts.V1;
using Grpc.Core;

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
        using var connection = ServiceConnection.Open(line);
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
            using var watch = connection.Client.WatchAlerts(request, cancellationToken: cancellationToken);
            await foreach (var alert in watch.ResponseStream.ReadAllAsync(cancellationToken))
            {
                printer.Write(alert);
                await output.FlushAsync(cancellationToken);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled } && cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C ends a watch normally.
        }

        return 0;
    }
}
