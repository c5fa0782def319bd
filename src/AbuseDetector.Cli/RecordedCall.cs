using AbuseDetector.Contracts.V1;
using Google.Protobuf;

namespace AbuseDetector.Cli;

/// <summary>
/// A recorded call: one <see cref="CallEvent"/> per line in the protobuf JSON mapping (field names in snake_case or
/// lowerCamelCase, enums by name), starting with a <c>start</c> event. Blank lines are skipped.
/// </summary>
internal sealed class RecordedCall
{
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(false));

    private RecordedCall(CallStart start, IReadOnlyList<CallEvent> events)
    {
        Start = start;
        Events = events;
    }

    public CallStart Start { get; }

    /// <summary>The events after the start, in file order.</summary>
    public IReadOnlyList<CallEvent> Events { get; }

    /// <summary>Reads a recorded call; a bad line is an <see cref="InvalidDataException"/> naming the file and line.</summary>
    public static RecordedCall Load(string path)
    {
        CallStart? start = null;
        var events = new List<CallEvent>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            CallEvent callEvent;
            try
            {
                callEvent = Parser.Parse<CallEvent>(line);
            }
            catch (InvalidProtocolBufferException ex)
            {
                throw new InvalidDataException($"{path}:{lineNumber}: not a call event ({ex.Message}).", ex);
            }
            catch (InvalidJsonException ex)
            {
                throw new InvalidDataException($"{path}:{lineNumber}: not valid JSON ({ex.Message}).", ex);
            }

            if (callEvent.EventCase == CallEvent.EventOneofCase.None)
            {
                throw new InvalidDataException($"{path}:{lineNumber}: the event has none of start, chunk, action, end.");
            }

            if (start is null)
            {
                start = callEvent.EventCase == CallEvent.EventOneofCase.Start
                    ? callEvent.Start
                    : throw new InvalidDataException($"{path}:{lineNumber}: the first event must be a start.");
                continue;
            }

            events.Add(callEvent);
        }

        return start is null
            ? throw new InvalidDataException($"{path} holds no events.")
            : new RecordedCall(start, events);
    }

    /// <summary>
    /// When, in call time, an event is due: a chunk when its utterance ends (the speech engine sends it then); any other
    /// event right after the one before it.
    /// </summary>
    public static TimeSpan DueAt(CallEvent callEvent, TimeSpan previous) => callEvent.EventCase == CallEvent.EventOneofCase.Chunk
        ? TimeSpan.FromMilliseconds(Math.Max(callEvent.Chunk.EndMs, callEvent.Chunk.StartMs))
        : previous;
}
