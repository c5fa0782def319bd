using System.Buffers.Binary;
using System.Security.Cryptography;
using AbuseDetector.Detection.Internal;
using AbuseDetector.Tests;

namespace AbuseDetector.Detection.Tests.Internal;

public sealed class ModelFileTests : IDisposable
{
    private static readonly string[] Texts =
    [
        "",
        "thanks for sorting my bill out",
        "you f***ing useless idiot i'll find you",
        "WHAT THE HELL IS WRONG WITH YOU!!!",
        "\uD83D\uDD95 sh1t f u c k",
    ];

    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void SaveThenLoad_RandomModel_GivesIdenticalScores()
    {
        // Arrange
        var model = TestModels.Random(seed: 11);
        var path = _folder.PathOf("model.bin");
        var original = new AbuseClassifier(model);

        // Act
        ModelFile.Save(model, path);
        var loaded = AbuseClassifier.Load(path);

        // Assert
        foreach (var text in Texts)
        {
            Assert.Equal(original.Score(text), loaded.Score(text));
            Assert.Equal(original.PredictToxicSpans(text), loaded.PredictToxicSpans(text));
        }
    }

    [Fact]
    public void SaveThenLoad_EveryField_RoundTrips()
    {
        // Arrange
        var model = new ModelParameters
        {
            Name = "round-trip",
            TrainedAt = "2026-11-22T10:00:00Z",
            Seed = 1234,
            Groups = TestModels.Random(seed: 3).Groups,
            Tasks =
            [
                new DecisionTask { Name = "olid-c", Group = "product", Heads = ["insult", "hate", "threat"], Labels = ["IND", "GRP", "OTH"], Offsets = [0f, 0.25f, -0.5f] },
            ],
            Notes = new Dictionary<string, string>(StringComparer.Ordinal) { ["sources"] = "call-domain,olid" },
        };
        var path = _folder.PathOf("model.bin");

        // Act
        ModelFile.Save(model, path);
        var loaded = ModelFile.Load(path);

        // Assert
        Assert.Equal((model.Name, model.TrainedAt, model.Seed), (loaded.Name, loaded.TrainedAt, loaded.Seed));
        Assert.Equal(model.Notes, loaded.Notes);
        var task = Assert.Single(loaded.Tasks);
        Assert.Equal(("olid-c", "product"), (task.Name, task.Group));
        Assert.Equal(["insult", "hate", "threat"], task.Heads);
        Assert.Equal(["IND", "GRP", "OTH"], task.Labels);
        Assert.Equal([0f, 0.25f, -0.5f], task.Offsets);
        Assert.Equal(model.Groups.Length, loaded.Groups.Length);
        for (var g = 0; g < model.Groups.Length; g++)
        {
            var (expected, actual) = (model.Groups[g], loaded.Groups[g]);
            Assert.Equal((expected.Name, expected.Scope, expected.HashBits), (actual.Name, actual.Scope, actual.HashBits));
            Assert.Equal(expected.Heads, actual.Heads);
            Assert.Equal(expected.Weights, actual.Weights);
            Assert.Equal(expected.Scales, actual.Scales);
            Assert.Equal(expected.Biases, actual.Biases);
            Assert.Equal(expected.CalibrationSlopes, actual.CalibrationSlopes);
            Assert.Equal(expected.CalibrationIntercepts, actual.CalibrationIntercepts);
            Assert.Equal(expected.Thresholds, actual.Thresholds);
        }
    }

    [Fact]
    public void Write_Layout_MatchesTheDocumentedFormat()
    {
        // Arrange
        var model = TestModels.BiasOnly([0f, 0f, 0f, 0f, 0f, 0f]);

        // Act
        var bytes = Serialize(model);

        // Assert: magic, version 2, header length, then the int16 weights and a SHA-256 of everything before it.
        Assert.Equal("ABUSEDET"u8.ToArray(), bytes[..8]);
        Assert.Equal(2u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8)));
        var headerLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(12));
        var weightCount = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(16 + headerLength));
        Assert.Equal(8u << TestModels.SmallHashBits, weightCount);
        Assert.Equal(16 + headerLength + 4 + ((int)weightCount * sizeof(short)) + 32, bytes.Length);
        Assert.Equal(SHA256.HashData(bytes.AsSpan(0, bytes.Length - 32)), bytes[^32..]);
    }

    [Fact]
    public void Read_TruncatedFile_ThrowsSayingCorruptOrTruncated()
    {
        // Arrange
        var bytes = Serialize(TestModels.Random(seed: 1));

        // Act
        var error = Assert.Throws<ModelFormatException>(() => ModelFile.Read(bytes.AsSpan(0, bytes.Length - 100), "cut.model"));

        // Assert
        Assert.Contains("'cut.model'", error.Message, StringComparison.Ordinal);
        Assert.Contains("corrupt or truncated", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(20)]
    [InlineData(47)]
    public void Read_TooShortForAHeader_ThrowsSayingNotAModelFile(int length)
    {
        // Arrange
        var bytes = Serialize(TestModels.Random(seed: 1))[..length];

        // Act
        var error = Assert.Throws<ModelFormatException>(() => ModelFile.Read(bytes, "short.model"));

        // Assert
        Assert.Contains("'short.model' is not an AbuseDetector model file", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(16)] // first header byte
    [InlineData(-40)] // a weight near the end
    [InlineData(-1)] // the checksum itself
    public void Read_OneFlippedBit_ThrowsSayingCorrupt(int offset)
    {
        // Arrange
        var bytes = Serialize(TestModels.Random(seed: 2));
        bytes[offset >= 0 ? offset : bytes.Length + offset] ^= 0x04;

        // Act
        var error = Assert.Throws<ModelFormatException>(() => ModelFile.Read(bytes, "flipped.model"));

        // Assert
        Assert.Contains("checksum does not match", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_WrongMagic_ThrowsSayingNotAModelFile()
    {
        // Arrange
        var bytes = Serialize(TestModels.Random(seed: 2));
        "NOTMODEL"u8.CopyTo(bytes);

        // Act
        var error = Assert.Throws<ModelFormatException>(() => ModelFile.Read(bytes, "other.bin"));

        // Assert
        Assert.Contains("not an AbuseDetector model file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_OtherFormatVersion_ThrowsNamingBothVersions()
    {
        // Arrange: a well-formed file of version 1 (int8 weights, before ML.NET), checksum and all.
        var bytes = Serialize(TestModels.Random(seed: 2));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), 1);
        bytes = Reseal(bytes);

        // Act
        var error = Assert.Throws<ModelFormatException>(() => ModelFile.Read(bytes, "future.model"));

        // Assert
        Assert.Contains("version 1", error.Message, StringComparison.Ordinal);
        Assert.Contains("reads version 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_HeaderThatIsNotJson_ThrowsSayingSo()
    {
        // Arrange: overwrite the header with as many spaces and an 'x', then reseal so the checksum passes.
        var bytes = Serialize(TestModels.Random(seed: 2));
        var headerLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(12));
        bytes.AsSpan(16, headerLength).Fill((byte)' ');
        bytes[16] = (byte)'x';
        bytes = Reseal(bytes);

        // Act
        var error = Assert.Throws<ModelFormatException>(() => ModelFile.Read(bytes, "garbled.model"));

        // Assert
        Assert.Contains("not valid JSON", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_HeaderLengthBeyondTheFile_ThrowsSayingItDoesNotFit()
    {
        // Arrange
        var bytes = Serialize(TestModels.Random(seed: 2));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(12), (uint)bytes.Length);
        bytes = Reseal(bytes);

        // Act
        var error = Assert.Throws<ModelFormatException>(() => ModelFile.Read(bytes, "long.model"));

        // Assert
        Assert.Contains("does not fit the file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_BytesAfterTheWeights_ThrowsCountingThem()
    {
        // Arrange: three extra bytes between the weights and a checksum that covers them.
        var bytes = Serialize(TestModels.Random(seed: 2));
        bytes = Reseal([.. bytes[..^32], 1, 2, 3, .. bytes[^32..]]);

        // Act
        var error = Assert.Throws<ModelFormatException>(() => ModelFile.Read(bytes, "padded.model"));

        // Assert
        Assert.Contains("3 unexpected bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_PerHeadArraysOfTheWrongLength_ThrowsSayingInconsistent()
    {
        // Arrange: six heads, five thresholds.
        var group = TestModels.Group(AbuseClassifier.ProductGroup, TestModels.ProductHeads, TestModels.SmallHashBits,
            TestModels.Weights(6, TestModels.SmallHashBits), thresholds: [0.5f, 0.5f, 0.5f, 0.5f, 0.5f]);
        var bytes = Serialize(TestModels.Model(group));

        // Act
        var error = Assert.Throws<ModelFormatException>(() => ModelFile.Read(bytes, "odd.model"));

        // Assert
        Assert.Contains("inconsistently", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_EmptyFile_ThrowsModelFormatException()
    {
        // Arrange
        var path = _folder.PathOf("empty.model");
        File.WriteAllBytes(path, []);

        // Act
        var error = Assert.Throws<ModelFormatException>(() => ModelFile.Load(path));

        // Assert
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingFile_ThrowsSayingItCannotBeRead()
    {
        // Arrange
        var path = _folder.PathOf("nowhere.model");

        // Act
        var error = Assert.Throws<ModelFormatException>(() => ModelFile.Load(path));

        // Assert
        Assert.Contains($"The model file '{path}' cannot be read", error.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<IOException>(error.InnerException);
    }

    [Fact]
    public void Load_Directory_ThrowsModelFormatException()
    {
        // Act
        var error = Assert.Throws<ModelFormatException>(() => ModelFile.Load(_folder.FullPath));

        // Assert
        Assert.Contains("cannot be read", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Save_NewFile_LeavesOnlyTheModelBehind()
    {
        // Arrange
        var path = _folder.PathOf("model.bin");

        // Act
        ModelFile.Save(TestModels.Random(seed: 5), path);

        // Assert
        Assert.Equal([path], Directory.GetFiles(_folder.FullPath));
    }

    [Fact]
    public void Save_OverAnExistingModel_ReplacesIt()
    {
        // Arrange
        var path = _folder.PathOf("model.bin");
        ModelFile.Save(TestModels.BiasOnly([-1f, -1f, -1f, -1f, -1f, -1f]), path);
        var replacement = TestModels.BiasOnly([2f, 2f, 2f, 2f, 2f, 2f]);

        // Act
        ModelFile.Save(replacement, path);

        // Assert
        Assert.Equal(Serialize(replacement), File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFiles(_folder.FullPath));
    }

    [Fact]
    public void Save_OverAFileThatIsNotAModel_ReplacesIt()
    {
        // Arrange
        var path = _folder.PathOf("model.bin");
        File.WriteAllText(path, "not a model");

        // Act
        ModelFile.Save(TestModels.Random(seed: 5), path);

        // Assert
        Assert.Equal("test-model", ModelFile.Load(path).Name);
    }

    [Fact]
    public void Save_WriteFailsHalfway_KeepsTheOldModelAndLeavesNoTemporaryFile()
    {
        // Arrange: a group without weights makes Write throw after the header is written.
        var path = _folder.PathOf("model.bin");
        var good = TestModels.Random(seed: 6);
        ModelFile.Save(good, path);
        var broken = TestModels.Model(TestModels.Group(AbuseClassifier.ProductGroup, TestModels.ProductHeads, TestModels.SmallHashBits, weights: null!));

        // Act
        Assert.ThrowsAny<Exception>(() => ModelFile.Save(broken, path));

        // Assert
        Assert.Equal(Serialize(good), File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFiles(_folder.FullPath));
    }

    [Fact]
    public void Save_IntoAFolderThatDoesNotExist_CreatesIt()
    {
        // Arrange
        var path = Path.Combine(_folder.FullPath, "models", "nested", "model.bin");

        // Act
        ModelFile.Save(TestModels.Random(seed: 7), path);

        // Assert
        Assert.Equal("test-model", ModelFile.Load(path).Name);
    }

    private static byte[] Serialize(ModelParameters model)
    {
        using var stream = new MemoryStream();
        ModelFile.Write(model, stream);
        return stream.ToArray();
    }

    /// <summary>Replaces the trailing checksum with one that matches the (edited) content.</summary>
    private static byte[] Reseal(byte[] bytes)
    {
        var body = bytes[..^32];
        return [.. body, .. SHA256.HashData(body)];
    }
}
