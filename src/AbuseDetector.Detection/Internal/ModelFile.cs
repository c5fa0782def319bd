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
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelFormatException($"The model file '{path}' cannot be read: {e.Message}", e);
        }

        return Read(bytes, path);
    }

    public static ModelParameters Read(ReadOnlySpan<byte> bytes, string source)
    {
        if (bytes.Length < Magic.Length + 8 + ChecksumLength || !bytes.StartsWith(Magic))
        {
            throw new ModelFormatException($"'{source}' is not an AbuseDetector model file (wrong signature or too short).");
        }

        var version = BinaryPrimitives.ReadUInt32LittleEndian(bytes[8..]);
        if (version != FormatVersion)
        {
            throw new ModelFormatException($"'{source}' is model format version {version}; this build reads version {FormatVersion}.");
        }

        var body = bytes[..^ChecksumLength];
        Span<byte> actual = stackalloc byte[ChecksumLength];
        SHA256.HashData(body, actual);
        if (!actual.SequenceEqual(bytes[^ChecksumLength..]))
        {
            throw new ModelFormatException($"'{source}' is corrupt or truncated: its SHA-256 checksum does not match its content.");
        }

        var headerLength = BinaryPrimitives.ReadUInt32LittleEndian(bytes[12..]);
        if (headerLength > MaxHeaderLength || 16 + headerLength > body.Length)
        {
            throw new ModelFormatException($"'{source}' has a header length ({headerLength} bytes) that does not fit the file.");
        }

        Header header;
        try
        {
            header = JsonSerializer.Deserialize<Header>(body.Slice(16, (int)headerLength), HeaderJson)
                ?? throw new ModelFormatException($"'{source}' has an empty header.");
        }
        catch (JsonException e)
        {
            throw new ModelFormatException($"'{source}' has a header that is not valid JSON: {e.Message}", e);
        }

        var offset = 16 + (int)headerLength;
        var groups = new HeadGroup[header.Groups.Length];
        for (var i = 0; i < groups.Length; i++)
        {
            var description = header.Groups[i];
            if (offset + 4 > body.Length)
            {
                throw new ModelFormatException($"'{source}' ends before the weights of head group '{description.Name}'.");
            }

            var count = BinaryPrimitives.ReadUInt32LittleEndian(body[offset..]);
            offset += 4;
            var expected = (long)HeadGroup.StrideFor(description.Heads.Length) << description.HashBits;
            if (count != expected || offset + (count * sizeof(short)) > body.Length)
            {
                throw new ModelFormatException($"'{source}' has {count} weights for head group '{description.Name}'; its header implies {expected}.");
            }

            var weights = new short[count];
            body.Slice(offset, (int)count * sizeof(short)).CopyTo(System.Runtime.InteropServices.MemoryMarshal.AsBytes(weights.AsSpan()));
            offset += (int)count * sizeof(short);
            groups[i] = description.ToGroup(weights, source);
        }

        if (offset != body.Length)
        {
            throw new ModelFormatException($"'{source}' has {body.Length - offset} unexpected bytes after the weights.");
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
