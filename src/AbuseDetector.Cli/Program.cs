using AbuseDetector.Cli;
using Grpc.Core;
using AbuseDetector.Detection;

using var interrupted = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // The first Ctrl+C ends streaming commands cleanly; the process exits through the normal path.
    e.Cancel = true;
    interrupted.Cancel();
};

return await RunAsync(args, interrupted.Token);

static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
{
    if (args.Length == 0)
    {
        // No command is a usage error: the usage goes where errors go.
        Console.Error.Write(Usage.Text);
        return 2;
    }

    if (args[0] is "help" or "--help" or "-h")
    {
        Console.Out.Write(Usage.Text);
        return 0;
    }

    try
    {
        var rest = args.Skip(1);
        return args[0] switch
        {
            "train" => TrainCommand.Run(CommandLine.Parse(rest), Console.Out),
            "eval" => EvalCommand.Run(CommandLine.Parse(rest, "json"), Console.Out),
            "classify" => ClassifyCommand.Run(CommandLine.Parse(rest, "json"), Console.In, Console.Out),
            "replay" => await ReplayCommand.RunAsync(CommandLine.Parse(rest, "json"), Console.Out, cancellationToken),
            "watch" => await WatchCommand.RunAsync(CommandLine.Parse(rest, "json"), Console.Out, cancellationToken),
            "incidents" => await IncidentsCommand.RunAsync(CommandLine.Parse(rest, "json"), Console.Out, cancellationToken),
            _ => throw new UsageException($"Unknown command '{args[0]}'; run 'abuse-detector help' for the list."),
        };
    }
    catch (UsageException e)
    {
        Console.Error.WriteLine($"abuse-detector: {e.Message}");
        return 2;
    }
    catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable && e.Status.DebugException is HttpRequestException unreachable)
    {
        Console.Error.WriteLine($"abuse-detector: could not reach the service ({unreachable.Message}); is it running? Set --server.");
        return 1;
    }
    catch (RpcException e) when (!(e.StatusCode == StatusCode.Cancelled && cancellationToken.IsCancellationRequested))
    {
        Console.Error.WriteLine($"abuse-detector: the service answered {e.StatusCode}: {e.Status.Detail}");
        return 1;
    }
    catch (Exception e) when (e is OperationCanceledException or RpcException && cancellationToken.IsCancellationRequested)
    {
        Console.Error.WriteLine("abuse-detector: interrupted.");
        return 130;
    }
    catch (Exception e) when (e is ModelFormatException or IOException or UnauthorizedAccessException or InvalidDataException or ArgumentException)
    {
        Console.Error.WriteLine($"abuse-detector: {e.Message}");
        return 1;
    }
    catch (Exception e)
    {
        // A bug, not bad input: still one line, with the type so it can be reported.
        Console.Error.WriteLine($"abuse-detector: unexpected {e.GetType().Name}: {e.Message}");
        return 1;
    }
}
