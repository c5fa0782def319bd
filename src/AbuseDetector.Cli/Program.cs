using AbuseDetector.Cli;
using AbuseDetector.Detection;

return Run(args);

static int Run(string[] args)
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
            _ => throw new UsageException($"Unknown command '{args[0]}'; run 'abuse-detector help' for the list."),
        };
    }
    catch (UsageException e)
    {
        Console.Error.WriteLine($"abuse-detector: {e.Message}");
        return 2;
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
