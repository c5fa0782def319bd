using System.Buffers;
using System.Buffers.Text;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace AbuseDetector.Alerts.Redis.Internal;

/// <summary>
/// The outbox's append-only journal on local disk, so alerts waiting for Redis outlive the process. UTF-8 lines, each
/// ended by '\n':
/// <code>
/// # abuse-detector outbox journal 1        the header, first line
/// + 17 9f0c...e1 {"alert_id":...}          alert number 17 taken into the outbox: its attempt token and JSON
/// - 17 18 19                               alerts 17, 18 and 19 are done with: published, duplicates or dropped
/// </code>
/// Alert JSON never holds a raw newline, so a line is a record; a last line without its '\n' is a write a crash cut
/// short and is skipped. Appends go straight to the file with <see cref="RandomAccess"/> (no buffer in the process), so
/// a crash of the process loses nothing; <see cref="JournalFlushPolicy"/> decides when they are forced to disk. The file
/// is held with <see cref="FileShare.None"/> (an exclusive lock on Linux), so two instances never share one. Opening it
/// replays it and rewrites it with only the alerts still pending; it is rewritten the same way (compacted) whenever it
/// passes the size limit and has doubled since the last rewrite. A rewrite goes to a temporary file that is written,
/// forced to disk and renamed over the journal, so a crash at any point leaves one whole journal.
/// Not thread-safe: the publisher calls it under its lock, except <see cref="WriteSnapshot"/>, which touches only the
/// temporary file, and the once-a-second flush, which only forces the current file to disk.
/// </summary>
internal sealed class OutboxJournal : IDisposable
{
    private const string Header = "# abuse-detector outbox journal 1";
    private static readonly byte[] HeaderLine = Encoding.UTF8.GetBytes(Header + "\n");

    private readonly string _path;
    private readonly string _compactingPath;
    private readonly JournalFlushPolicy _flush;
    private readonly long _maxBytes;
    private readonly ILogger _logger;
    private readonly ITimer? _flushTimer;
    private SafeFileHandle _handle;
    private long _length;
    private long _lengthAfterRewrite;
    private long _nextNumber;
    private int _dirty;

    // While a compaction writes its snapshot: what is appended meanwhile, to be added to the new file.
    private List<byte[]>? _compactionTail;
    private SafeFileHandle? _compacting;
    private long _compactingLength;

    private OutboxJournal(string path, SafeFileHandle handle, long length, long nextNumber, JournalFlushPolicy flush, long maxBytes, TimeProvider time, ILogger logger)
    {
        _path = path;
        _compactingPath = path + ".compacting";
        _handle = handle;
        _length = length;
        _lengthAfterRewrite = length;
        _nextNumber = nextNumber;
        _flush = flush;
        _maxBytes = maxBytes;
        _logger = logger;
        if (flush == JournalFlushPolicy.EverySecond)
        {
            _flushTimer = time.CreateTimer(static state => ((OutboxJournal)state!).FlushIfDirty(), this, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        }
    }

    /// <summary>Gets the file's length now.</summary>
    public long Length => _length;

    /// <summary>Gets a value indicating whether the file is past its limit, has doubled since the last rewrite, and no compaction runs.</summary>
    public bool NeedsCompaction => _compactionTail is null && _length > _maxBytes && _length > 2 * _lengthAfterRewrite;

    /// <summary>Locks the journal, replays it and rewrites it with the alerts still pending.</summary>
    /// <param name="path">The file; created, with its folder, when missing.</param>
    /// <param name="flush">When appends are forced to disk.</param>
    /// <param name="maxBytes">The size past which it is compacted.</param>
    /// <param name="time">The clock for the once-a-second flush and the replayed alerts' enqueue time.</param>
    /// <param name="logger">Logs what the replay found.</param>
    /// <returns>The journal, and the alerts not done with before, in the order they were taken.</returns>
    /// <exception cref="IOException">Another process holds the file, it is not a journal, or it cannot be read or written; the message names OutboxJournalPath.</exception>
    public static (OutboxJournal Journal, List<OutboxItem> Pending) Open(string path, JournalFlushPolicy flush, long maxBytes, TimeProvider time, ILogger logger)
    {
        if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } folder)
        {
            Guard(path, () => OperatingSystem.IsWindows() ? Directory.CreateDirectory(folder) : Directory.CreateDirectory(folder, OwnerOnlyFolder));
        }

        var handle = OpenExclusive(path, FileMode.OpenOrCreate);
        SafeFileHandle? rewritten = null;
        try
        {
            var (pending, nextNumber, skipped) = Replay(path, Guard(path, () => ReadAll(handle)), time);
            if (skipped > 0)
            {
                AlertsLog.OutboxJournalLinesSkipped(logger, skipped);
            }

            if (pending.Count > 0)
            {
                AlertsLog.OutboxJournalReplayed(logger, pending.Count);
            }

            // Rewritten at once: drops what is done with and a torn last line, which the next append would run into.
            var compactingPath = path + ".compacting";
            rewritten = OpenExclusive(compactingPath, FileMode.Create);
            var length = Guard(path, () =>
            {
                var written = WriteLines(rewritten, pending, HeaderLine);
                RandomAccess.FlushToDisk(rewritten);
                File.Move(compactingPath, path, overwrite: true);
                return written;
            });
            handle.Dispose();
            return (new OutboxJournal(path, rewritten, length, nextNumber, flush, maxBytes, time, logger), pending);
        }
        catch
        {
            handle.Dispose();
            rewritten?.Dispose();
            throw;
        }
    }

    /// <summary>Writes an alert taken into the outbox and gives it its number.</summary>
    public void Append(OutboxItem item)
    {
        item.JournalNumber = _nextNumber++;
        Write(AlertLine(item));
    }

    /// <summary>Writes that these alerts are done with; alerts not in the journal are passed over.</summary>
    public void Complete(IEnumerable<OutboxItem> items)
    {
        var line = new StringBuilder("-");
        foreach (var item in items)
        {
            if (item.JournalNumber > 0)
            {
                line.Append(' ').Append(item.JournalNumber.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        if (line.Length > 1)
        {
            Write(Encoding.ASCII.GetBytes(line.Append('\n').ToString()));
        }
    }

    /// <summary>Starts a compaction: from now on appends are also kept for the new file.</summary>
    public void BeginCompaction() => _compactionTail = [];

    /// <summary>Writes the pending alerts to the temporary file and forces it to disk; called without the publisher's lock.</summary>
    public void WriteSnapshot(IReadOnlyList<OutboxItem> snapshot)
    {
        var compacting = File.OpenHandle(_compactingPath, FileMode.Create, FileAccess.ReadWrite, FileShare.None);
        _compacting = compacting;
        _compactingLength = WriteLines(compacting, snapshot, HeaderLine);
        RandomAccess.FlushToDisk(compacting);
    }

    /// <summary>Adds what was appended meanwhile to the new file, renames it over the journal and carries on in it.</summary>
    public void FinishCompaction()
    {
        var compacting = _compacting!;
        foreach (var line in _compactionTail!)
        {
            RandomAccess.Write(compacting, line, _compactingLength);
            _compactingLength += line.Length;
        }

        if (_flush == JournalFlushPolicy.EveryWrite)
        {
            RandomAccess.FlushToDisk(compacting);
        }

        File.Move(_compactingPath, _path, overwrite: true);
        var before = _length;
        var old = _handle;
        Volatile.Write(ref _handle, compacting);
        old.Dispose();
        _length = _lengthAfterRewrite = _compactingLength;
        _compacting = null;
        _compactionTail = null;
        Volatile.Write(ref _dirty, 1);
        AlertsLog.OutboxJournalCompacted(_logger, before, _length);
    }

    /// <summary>Gives up a compaction that failed; the journal goes on as it was and tries again once it has doubled.</summary>
    public void AbortCompaction()
    {
        _compacting?.Dispose();
        _compacting = null;
        _compactionTail = null;
        _lengthAfterRewrite = _length;
        try
        {
            File.Delete(_compactingPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Deleted at the next open.
        }
    }

    /// <summary>Forces what was written to disk (unless the policy leaves it to the operating system) and closes the file.</summary>
    public void Dispose()
    {
        _flushTimer?.Dispose();
        if (_flush != JournalFlushPolicy.OperatingSystem && Volatile.Read(ref _dirty) == 1)
        {
            RandomAccess.FlushToDisk(_handle);
        }

        _handle.Dispose();
        if (_compacting is not null)
        {
            AbortCompaction();
        }
    }

    private void Write(byte[] line)
    {
        try
        {
            RandomAccess.Write(_handle, line, _length);
        }
        catch (IOException)
        {
            // A part written before the error must not become a line of its own.
            RandomAccess.SetLength(_handle, _length);
            throw;
        }

        _length += line.Length;
        _compactionTail?.Add(line);
        if (_flush == JournalFlushPolicy.EveryWrite)
        {
            RandomAccess.FlushToDisk(_handle);
        }
        else
        {
            Volatile.Write(ref _dirty, 1);
        }
    }

    private void FlushIfDirty()
    {
        if (Interlocked.Exchange(ref _dirty, 0) == 0)
        {
            return;
        }

        try
        {
            RandomAccess.FlushToDisk(Volatile.Read(ref _handle));
        }
        catch (ObjectDisposedException)
        {
            // Swapped by a compaction, which marks the new file to flush, or closed.
        }
        catch (IOException e)
        {
            AlertsLog.OutboxJournalWriteFailed(_logger, e);
        }
    }

    private static byte[] AlertLine(OutboxItem item)
    {
        Span<byte> number = stackalloc byte[20];
        Utf8Formatter.TryFormat(item.JournalNumber, number, out var digits);
        var line = new byte[2 + digits + 1 + item.Token.Length + 1 + item.Payload.Length + 1];
        line[0] = (byte)'+';
        line[1] = (byte)' ';
        number[..digits].CopyTo(line.AsSpan(2));
        var at = 2 + digits;
        line[at++] = (byte)' ';
        at += Encoding.ASCII.GetBytes(item.Token, line.AsSpan(at));
        line[at++] = (byte)' ';
        item.Payload.CopyTo(line.AsSpan(at));
        line[^1] = (byte)'\n';
        return line;
    }

    /// <summary>Writes the header and an alert line per item from the start of the file; returns the length written.</summary>
    private static long WriteLines(SafeFileHandle handle, IReadOnlyList<OutboxItem> items, byte[] header)
    {
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        long offset = 0;
        buffer.Write(header);
        foreach (var item in items)
        {
            buffer.Write(AlertLine(item));
            if (buffer.WrittenCount >= 1024 * 1024)
            {
                RandomAccess.Write(handle, buffer.WrittenSpan, offset);
                offset += buffer.WrittenCount;
                buffer.ResetWrittenCount();
            }
        }

        RandomAccess.Write(handle, buffer.WrittenSpan, offset);
        return offset + buffer.WrittenCount;
    }

    private static byte[] ReadAll(SafeFileHandle handle)
    {
        var data = new byte[RandomAccess.GetLength(handle)];
        var read = 0;
        while (read < data.Length)
        {
            var n = RandomAccess.Read(handle, data.AsSpan(read), read);
            if (n == 0)
            {
                break;
            }

            read += n;
        }

        return data[..read];
    }

    /// <summary>The alerts taken and not done with, in order; the next free number; how many lines were unreadable.</summary>
    private static (List<OutboxItem> Pending, long NextNumber, int Skipped) Replay(string path, ReadOnlySpan<byte> data, TimeProvider time)
    {
        var taken = new Dictionary<long, OutboxItem>();
        var order = new List<long>();
        long highest = 0;
        var skipped = 0;
        var first = true;
        while (!data.IsEmpty)
        {
            var newline = data.IndexOf((byte)'\n');
            if (newline < 0)
            {
                // Cut short by a crash; a first line must be a piece of the header, or this is some other file.
                if (first && !HeaderLine.AsSpan().StartsWith(data))
                {
                    throw NotAJournal(path);
                }

                skipped++;
                break;
            }

            var line = data[..newline];
            data = data[(newline + 1)..];
            if (first)
            {
                first = false;
                if (!line.SequenceEqual(HeaderLine.AsSpan(0, HeaderLine.Length - 1)))
                {
                    throw NotAJournal(path);
                }

                continue;
            }

            if (line.StartsWith("+ "u8) && TryReadAlert(line[2..], time, out var item))
            {
                highest = Math.Max(highest, item.JournalNumber);
                if (taken.TryAdd(item.JournalNumber, item))
                {
                    order.Add(item.JournalNumber);
                }
            }
            else if (!line.StartsWith("- "u8) || !TryReadNumbers(line[2..], taken))
            {
                skipped++;
            }
        }

        var pending = new List<OutboxItem>(taken.Count);
        foreach (var number in order)
        {
            if (taken.TryGetValue(number, out var item))
            {
                pending.Add(item);
            }
        }

        return (pending, highest + 1, skipped);
    }

    private static bool TryReadAlert(ReadOnlySpan<byte> rest, TimeProvider time, out OutboxItem item)
    {
        item = null!;
        var space = rest.IndexOf((byte)' ');
        if (space <= 0 || !Utf8Parser.TryParse(rest[..space], out long number, out var used) || used != space || number <= 0)
        {
            return false;
        }

        rest = rest[(space + 1)..];
        space = rest.IndexOf((byte)' ');
        if (space <= 0)
        {
            return false;
        }

        var token = Encoding.ASCII.GetString(rest[..space]);
        var payload = rest[(space + 1)..].ToArray();
        try
        {
            item = new OutboxItem(AlertJson.Parse(payload), payload, token, time.GetTimestamp()) { JournalNumber = number };
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static bool TryReadNumbers(ReadOnlySpan<byte> rest, Dictionary<long, OutboxItem> taken)
    {
        var numbers = new List<long>();
        foreach (var range in rest.Split((byte)' '))
        {
            if (!Utf8Parser.TryParse(rest[range], out long number, out var used) || used != rest[range].Length)
            {
                return false;
            }

            numbers.Add(number);
        }

        foreach (var number in numbers)
        {
            taken.Remove(number);
        }

        return true;
    }

    /// <summary>
    /// Opens the file for this process alone, readable by its owner only: the journal holds alerts, with customer ids and
    /// excerpts of what callers said.
    /// </summary>
    private static SafeFileHandle OpenExclusive(string path, FileMode mode) =>
        Guard(path, () =>
        {
            var handle = File.OpenHandle(path, mode, FileAccess.ReadWrite, FileShare.None);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(handle, OwnerOnlyFile);
            }

            return handle;
        });

    /// <summary>Runs a file operation, turning its failure into a sentence that names the setting.</summary>
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private static T Guard<T>(string path, Func<T> operation)
    {
        try
        {
            return operation();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"The outbox journal '{path}' (OutboxJournalPath) cannot be used: {e.Message} Each instance needs its own OutboxJournalPath, on a local disk it may write.", e);
        }
    }

    private static IOException NotAJournal(string path) =>
        new($"The file '{path}' named by OutboxJournalPath is not an outbox journal (its first line is not '{Header}'): point OutboxJournalPath at a new file or at a journal.");
}
