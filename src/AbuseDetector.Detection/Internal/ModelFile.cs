using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace AbuseDetector.Detection.Internal;

/// <summary>
/// The model file format, version 2. All integers little-endian.
/// <code>
/// [0..8)     magic "ABUSEDET"
/// [8..12)    format version (uint32) = 2
/// [12..16)   header length H (uint32)
/// [16..16+H) header: UTF-8 JSON (names, heads, scales, biases, calibration, thresholds, tasks)
/// then, per head group in header order: weight count N (uint32), then N int16 weights
/// [end-32..end) SHA-256 of every byte before it
/// </code>
/// Saving writes a temporary file beside the target and renames it over the target, so a crash never
/// leaves a half-written model where a good one was.
/// </summary>
internal static class ModelFile
{
    public const int FormatVersion = 2;
    private const int ChecksumLength = 32;
    private const int MaxHeaderLength = 16 * 1024 * 1024;
    private static ReadOnlySpan<byte> Magic => "ABUSEDET"u8;

    private static readonly JsonSerializerOptions HeaderJson = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = false,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static void Save(ModelParameters model, string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Environment.ProcessId}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                Write(model, stream);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }

    public static void Write(ModelParameters model, Stream destination)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var header = JsonSerializer.SerializeToUtf8Bytes(Header.From(model), HeaderJson);
        Span<byte> word = stackalloc byte[4];

        void Put(ReadOnlySpan<byte> bytes)
        {
            hash.AppendData(bytes);
            destination.Write(bytes);
        }

        Put(Magic);
        BinaryPrimitives.WriteUInt32LittleEndian(word, FormatVersion);
        Put(word);
        BinaryPrimitives.WriteUInt32LittleEndian(word, (uint)header.Length);
        Put(word);
        Put(header);
        foreach (var group in model.Groups)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(word, (uint)group.Weights.Length);
            Put(word);
            Put(System.Runtime.InteropServices.MemoryMarshal.AsBytes(group.Weights.AsSpan()));
        }

        destination.Write(hash.GetHashAndReset());
    }

    public static ModelParameters Load(string path)
    {
        try
        {
            // Streamed: weights go straight into their arrays, so the file is never held whole in memory as well.
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16, FileOptions.SequentialScan);
            return Read(file, path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelFormatException($"The model file '{path}' cannot be read: {e.Message}", e);
        }
    }

    public static ModelParameters Read(ReadOnlySpan<byte> bytes, string source)
    {
        using var stream = new MemoryStream(bytes.ToArray(), writable: false);
        return Read(stream, source);
    }

    /// <summary>Checks the signature, version and checksum in a first pass over the stream, then reads the model in a second.</summary>
    private static ModelParameters Read(Stream stream, string source)
    {
        var length = stream.Length;
        Span<byte> start = stackalloc byte[16];
        if (length < Magic.Length + 8 + ChecksumLength || stream.ReadAtLeast(start, start.Length, throwOnEndOfStream: false) < start.Length || !start.StartsWith(Magic))
        {
            throw new ModelFormatException($"'{source}' is not an AbuseDetector model file (wrong signature or too short).");
        }

        var version = BinaryPrimitives.ReadUInt32LittleEndian(start[8..]);
        if (version != FormatVersion)
        {
            throw new ModelFormatException($"'{source}' is model format version {version}; this build reads version {FormatVersion}.");
        }

        var bodyLength = length - ChecksumLength;
        if (!ChecksumMatches(stream, bodyLength))
        {
            throw new ModelFormatException($"'{source}' is corrupt or truncated: its SHA-256 checksum does not match its content.");
        }

        var headerLength = BinaryPrimitives.ReadUInt32LittleEndian(start[12..]);
        if (headerLength > MaxHeaderLength || 16 + headerLength > bodyLength)
        {
            throw new ModelFormatException($"'{source}' has a header length ({headerLength} bytes) that does not fit the file.");
        }

        stream.Position = 16;
        var headerBytes = new byte[headerLength];
        stream.ReadExactly(headerBytes);
        Header header;
        try
        {
            header = JsonSerializer.Deserialize<Header>(headerBytes, HeaderJson)
                ?? throw new ModelFormatException($"'{source}' has an empty header.");
        }
        catch (JsonException e)
        {
            throw new ModelFormatException($"'{source}' has a header that is not valid JSON: {e.Message}", e);
        }

        var groups = new HeadGroup[header.Groups.Length];
        Span<byte> word = stackalloc byte[4];
        for (var i = 0; i < groups.Length; i++)
        {
            var description = header.Groups[i];
            if (stream.Position + 4 > bodyLength)
            {
                throw new ModelFormatException($"'{source}' ends before the weights of head group '{description.Name}'.");
            }

            stream.ReadExactly(word);
            var count = BinaryPrimitives.ReadUInt32LittleEndian(word);
            var expected = (long)HeadGroup.StrideFor(description.Heads.Length) << description.HashBits;
            if (count != expected || stream.Position + (count * sizeof(short)) > bodyLength)
            {
                throw new ModelFormatException($"'{source}' has {count} weights for head group '{description.Name}'; its header implies {expected}.");
            }

            // Every element is read from the file next, so the array need not be zeroed first.
            var weights = GC.AllocateUninitializedArray<short>((int)count);
            stream.ReadExactly(System.Runtime.InteropServices.MemoryMarshal.AsBytes(weights.AsSpan()));
            groups[i] = description.ToGroup(weights, source);
        }

        if (stream.Position != bodyLength)
        {
            throw new ModelFormatException($"'{source}' has {bodyLength - stream.Position} unexpected bytes after the weights.");
        }

        return new ModelParameters
        {
            Name = header.Name,
            TrainedAt = header.TrainedAt,
            Seed = header.Seed,
            Groups = groups,
            Tasks = header.Tasks,
            Notes = header.Notes,
        };
    }

    /// <summary>Hashes the first <paramref name="bodyLength"/> bytes in chunks and compares them with the trailer that follows.</summary>
    private static bool ChecksumMatches(Stream stream, long bodyLength)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            stream.Position = 0;
            for (var left = bodyLength; left > 0;)
            {
                var read = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
                if (read == 0)
                {
                    return false;
                }

                hash.AppendData(buffer, 0, read);
                left -= read;
            }

            Span<byte> actual = stackalloc byte[ChecksumLength];
            Span<byte> stored = stackalloc byte[ChecksumLength];
            hash.GetHashAndReset(actual);
            stream.ReadExactly(stored);
            return actual.SequenceEqual(stored);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private sealed class Header
    {
        public string Name { get; set; } = "";

        public string TrainedAt { get; set; } = "";

        public int Seed { get; set; }

        public GroupHeader[] Groups { get; set; } = [];

        public DecisionTask[] Tasks { get; set; } = [];

        public Dictionary<string, string> Notes { get; set; } = [];

        public static Header From(ModelParameters model) => new()
        {
            Name = model.Name,
            TrainedAt = model.TrainedAt,
            Seed = model.Seed,
            Groups = [.. model.Groups.Select(GroupHeader.From)],
            Tasks = model.Tasks,
            Notes = model.Notes,
        };
    }

    private sealed class GroupHeader
    {
        public string Name { get; set; } = "";

        public FeatureScope Scope { get; set; }

        public int HashBits { get; set; }

        public string[] Heads { get; set; } = [];

        public float[] Scales { get; set; } = [];

        public float[] Biases { get; set; } = [];

        public float[] CalibrationSlopes { get; set; } = [];

        public float[] CalibrationIntercepts { get; set; } = [];

        public float[] Thresholds { get; set; } = [];

        public static GroupHeader From(HeadGroup group) => new()
        {
            Name = group.Name,
            Scope = group.Scope,
            HashBits = group.HashBits,
            Heads = group.Heads,
            Scales = group.Scales,
            Biases = group.Biases,
            CalibrationSlopes = group.CalibrationSlopes,
            CalibrationIntercepts = group.CalibrationIntercepts,
            Thresholds = group.Thresholds,
        };

        public HeadGroup ToGroup(short[] weights, string source)
        {
            var heads = Heads.Length;
            if (HashBits is < 8 or > 24 || heads == 0 || Scales.Length != heads || Biases.Length != heads
                || CalibrationSlopes.Length != heads || CalibrationIntercepts.Length != heads || Thresholds.Length != heads)
            {
                throw new ModelFormatException($"'{source}' describes head group '{Name}' inconsistently (hash bits or per-head arrays).");
            }

            return new HeadGroup
            {
                Name = Name,
                Scope = Scope,
                HashBits = HashBits,
                Heads = Heads,
                Weights = weights,
                Scales = Scales,
                Biases = Biases,
                CalibrationSlopes = CalibrationSlopes,
                CalibrationIntercepts = CalibrationIntercepts,
                Thresholds = Thresholds,
            };
        }
    }
}
