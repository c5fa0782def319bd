using AbuseDetector.Contracts.V1;
using Google.Protobuf.Reflection;

namespace AbuseDetector.Contracts.Tests;

public sealed class ProtoFileTests
{
    private static readonly string ProtoPath = Path.Combine(AppContext.BaseDirectory, "protos", "abuse_detector", "v1", "abuse_detector.proto");

    [Fact]
    public void Scan_ContractFile_NoNumberUsedTwiceWithinABlock()
    {
        // Arrange
        var text = File.ReadAllText(ProtoPath);

        // Act
        var reused = ProtoFieldScanner.FindReusedNumbers(text);

        // Assert
        Assert.Empty(reused);
    }

    [Fact]
    public void Scan_ContractFile_FindsEveryFieldTheCompilerFound()
    {
        // Arrange: guards the scanner itself, so the duplicate check cannot pass by reading nothing.
        var text = File.ReadAllText(ProtoPath);

        // Act
        var blocks = ProtoFieldScanner.Scan(text);

        // Assert
        var file = AbuseDetectorReflection.Descriptor;
        Assert.Equal(file.MessageTypes.Count + file.EnumTypes.Count, blocks.Count);
        foreach (var message in file.MessageTypes)
        {
            var expected = message.Fields.InDeclarationOrder().Select(f => (f.Name, f.FieldNumber));
            Assert.Equal(expected, blocks[message.Name]);
        }

        foreach (var enumType in file.EnumTypes)
        {
            var expected = enumType.Values.Select(v => (v.Name, v.Number));
            Assert.Equal(expected, blocks[enumType.Name]);
        }
    }

    [Fact]
    public void FindReusedNumbers_NumberReusedInsideOneof_ReportsBothFields()
    {
        // Arrange
        const string text = """
            message Example {
              uint64 seq = 1; // first
              oneof kind {
                string text = 2;
                bytes audio = 1;
              }
            }
            """;

        // Act
        var reused = ProtoFieldScanner.FindReusedNumbers(text);

        // Assert
        Assert.Equal(["Example: 1 used by seq, audio"], reused);
    }

    [Fact]
    public void Descriptor_EveryEnum_HasUnspecifiedAtZero()
    {
        // Arrange
        var enums = AbuseDetectorReflection.Descriptor.EnumTypes
            .Concat(AbuseDetectorReflection.Descriptor.MessageTypes.SelectMany(NestedEnums))
            .ToList();

        // Act & Assert
        Assert.Equal(9, enums.Count);
        Assert.All(enums, enumType =>
        {
            var zero = Assert.Single(enumType.Values, v => v.Number == 0);
            Assert.EndsWith("_UNSPECIFIED", zero.Name, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Unspecified_GeneratedEnums_AreTheDefaults()
    {
        // Assert: a platform that forgets a field sends 0, which must read as "unspecified", not a real value.
        Assert.Equal(Speaker.Unspecified, new TranscriptChunk().Speaker);
        Assert.Equal(AgentActionKind.Unspecified, new AgentAction().Kind);
        Assert.Equal(CallEndReason.Unspecified, new CallEnd().Reason);
        Assert.Equal(Category.Unspecified, new CategoryScore().Category);
        Assert.Equal(EscalationLevel.Unspecified, new EscalationChange().Level);
        Assert.Equal(AlertKind.Unspecified, new Alert().Kind);
        Assert.Equal(AlertSeverity.Unspecified, new Alert().Severity);
        Assert.Equal(IncidentOutcome.Unspecified, new Incident().Outcome);
        Assert.Equal(Profanity.Unspecified, new Assessment().Profanity);
    }

    private static IEnumerable<EnumDescriptor> NestedEnums(MessageDescriptor message) =>
        message.EnumTypes.Concat(message.NestedTypes.SelectMany(NestedEnums));
}
