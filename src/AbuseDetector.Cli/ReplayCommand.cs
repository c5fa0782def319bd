using System.Diagnostics;
using System.Globalization;
using AbuseDetector.Client;
using Grpc.Core;
using AbuseDetector.Contracts.V1;

namespace AbuseDetector.Cli;

/// <summary><c>replay &lt;call.jsonl&gt;</c>: streams a recorded call to the service at its own pace (or faster) and prints each update as it comes.</summary>
internal static class ReplayCommand
{
    public static async Task<int> RunAsync(CommandLine line, TextWriter output, CancellationToken cancellationToken)
    {
        var speed = ParseSpeed(line.Get("speed") ?? "1");
        var callId = line.Get("call-id");
        var json = line.Has("json");
        using var connection = ServiceConnection.Open(line);
        line.RejectUnknown();
        if (line.Positional.Count != 1)
        {
            throw new UsageException("replay takes one recorded call file (JSON lines of call events).");
        }

        var call = RecordedCall.Load(line.Positional[0]);
        var start = call.Start.Clone();
        if (callId is not null)
        {
            start.CallId = callId;
        }

        var printer = new UpdatePrinter(output, json);
        await using var stream = await connection.Client.StartCallAsync(start, new CallOptions(cancellationToken: cancellationToken));
        var reading = PrintUpdatesAsync(stream, printer, cancellationToken);
        var sending = SendAsync(stream, call, speed, cancellationToken);

        // The first to fail wins: a rejected call ends the reader with the service's status while the sender may still wait.
        var first = await Task.WhenAny(reading, sending);
        await first;
        await Task.WhenAll(reading, sending);
        return 0;
    }

    /// <summary>1 plays in real time, 10 ten times faster, max without waiting.</summary>
    internal static double ParseSpeed(string value)
    {
        if (value == "max")
        {
            return double.PositiveInfinity;
        }

        return double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var speed) && speed > 0 && double.IsFinite(speed)
            ? speed
            : throw new UsageException($"--speed takes a positive number (1 is real time) or max, not '{value}'.");
    }

    private static async Task SendAsync(CallStream stream, RecordedCall call, double speed, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var due = TimeSpan.Zero;
        var ended = false;
        foreach (var callEvent in call.Events)
        {
            due = RecordedCall.DueAt(callEvent, due);
            var wait = due / speed - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, cancellationToken);
            }

            switch (callEvent.EventCase)
            {
                case CallEvent.EventOneofCase.Chunk:
                    await stream.SendChunkAsync(callEvent.Chunk, cancellationToken);
                    break;
                case CallEvent.EventOneofCase.Action:
                    await stream.SendActionAsync(callEvent.Action, cancellationToken);
                    break;
                case CallEvent.EventOneofCase.End:
                    await stream.EndAsync(callEvent.End, cancellationToken);
                    ended = true;
                    break;
                default:
                    throw new InvalidDataException("A recorded call may hold only one start event, at the top.");
            }

            if (ended)
            {
                return;
            }
        }

        // A recording without an end still closes the call, so the service finishes its answers.
        await stream.EndAsync(new CallEnd { Reason = CallEndReason.Completed }, cancellationToken);
    }

    private static async Task PrintUpdatesAsync(CallStream stream, UpdatePrinter printer, CancellationToken cancellationToken)
    {
        await foreach (var update in stream.ReadUpdatesAsync(cancellationToken))
        {
            printer.Write(update);
        }
    }
}
