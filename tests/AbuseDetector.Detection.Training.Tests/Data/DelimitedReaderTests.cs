using System.Text;
using AbuseDetector.Detection.Training.Data;
using AbuseDetector.Tests;

namespace AbuseDetector.Detection.Training.Tests.Data;

public sealed class DelimitedReaderTests
{
    [Fact]
    public void ReadAll_PlainRecords_SplitsOnCommas()
    {
        // Act
        var rows = Read("id,text,label\n1,hello,0\n2,bye,1\n", ',');

        // Assert
        Assert.Equal([["id", "text", "label"], ["1", "hello", "0"], ["2", "bye", "1"]], rows);
    }

    [Fact]
    public void ReadAll_QuotedFieldWithDelimiters_KeepsThemInTheField()
    {
        // Act
        var rows = Read("1,\"well, you know, whatever\",0\n", ',');

        // Assert
        Assert.Equal([["1", "well, you know, whatever", "0"]], rows);
    }

    [Fact]
    public void ReadAll_DoubledQuotes_BecomeOneQuote()
    {
        // Act
        var rows = Read("1,\"he said \"\"no\"\" twice\",\"\"\"\"\n", ',');

        // Assert
        Assert.Equal([["1", "he said \"no\" twice", "\""]], rows);
    }

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    [InlineData("\r")]
    public void ReadAll_LineBreakInsideQuotes_IsPartOfTheField(string lineBreak)
    {
        // Arrange
        var input = $"1,\"first line{lineBreak}second line\",0{lineBreak}2,next,1{lineBreak}";

        // Act
        var rows = Read(input, ',');

        // Assert
        Assert.Equal([["1", $"first line{lineBreak}second line", "0"], ["2", "next", "1"]], rows);
    }

    [Fact]
    public void ReadAll_CrLfBetweenRecords_EndsEachRecordOnce()
    {
        // Act
        var rows = Read("a,b\r\nc,d\r\n", ',');

        // Assert
        Assert.Equal([["a", "b"], ["c", "d"]], rows);
    }

    [Fact]
    public void ReadAll_Tabs_SplitOnTabsOnly()
    {
        // Act
        var rows = Read("id\ttweet\tlabel\n7\tone, two; three\tOFF\n", '\t');

        // Assert
        Assert.Equal([["id", "tweet", "label"], ["7", "one, two; three", "OFF"]], rows);
    }

    [Fact]
    public void ReadAll_Semicolons_SplitOnSemicolonsAndQuotesWork()
    {
        // Act
        var rows = Read("comment;isHate\n\"a; b\";0.5\nplain, commas;0\n", ';');

        // Assert
        Assert.Equal([["comment", "isHate"], ["a; b", "0.5"], ["plain, commas", "0"]], rows);
    }

    [Fact]
    public void ReadAll_LastLineWithoutNewline_IsRead()
    {
        // Act
        var rows = Read("a,b\nc,d", ',');

        // Assert
        Assert.Equal([["a", "b"], ["c", "d"]], rows);
    }

    [Fact]
    public void ReadAll_LastFieldQuotedAtEndOfInput_IsRead()
    {
        // Act
        var rows = Read("a,\"b, c\"", ',');

        // Assert
        Assert.Equal([["a", "b, c"]], rows);
    }

    [Fact]
    public void ReadAll_EmptyFields_AreKept()
    {
        // Act
        var rows = Read(",x,,\n", ',');

        // Assert
        Assert.Equal([["", "x", "", ""]], rows);
    }

    [Fact]
    public void ReadAll_EmptyQuotedField_IsEmpty()
    {
        // Act
        var rows = Read("\"\",b\n", ',');

        // Assert
        Assert.Equal([["", "b"]], rows);
    }

    [Fact]
    public void ReadAll_EmptyInput_HasNoRecords()
    {
        // Act
        var rows = Read("", ',');

        // Assert
        Assert.Empty(rows);
    }

    [Fact]
    public void TryReadRecord_ReusedList_HoldsOnlyTheCurrentRecord()
    {
        // Arrange
        using var reader = new DelimitedReader(new StringReader("a,b,c\nd\n"), ',');
        var fields = new List<string>();

        // Act
        reader.TryReadRecord(fields);
        var second = reader.TryReadRecord(fields);
        var secondFields = fields.ToList();
        var third = reader.TryReadRecord(fields);

        // Assert
        Assert.True(second);
        Assert.Equal(["d"], secondFields);
        Assert.False(third);
        Assert.Empty(fields);
    }

    [Fact]
    public void Open_FileWithByteOrderMark_DropsTheMark()
    {
        // Arrange
        using var folder = new TempDirectory();
        var path = folder.PathOf("data.csv");
        File.WriteAllText(path, "id,text\n1,caf\u00E9\n", new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));

        // Act
        using var reader = DelimitedReader.Open(path, ',');
        var rows = reader.ReadAll().ToList();

        // Assert
        Assert.Equal([["id", "text"], ["1", "caf\u00E9"]], rows);
    }

    [Fact]
    public void Open_MissingFile_ThrowsFileNotFoundNamingIt()
    {
        // Arrange
        using var folder = new TempDirectory();
        var path = folder.PathOf("missing.csv");

        // Act
        var error = Assert.Throws<FileNotFoundException>(() => DelimitedReader.Open(path, ','));

        // Assert
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    private static List<string[]> Read(string input, char delimiter)
    {
        using var reader = new DelimitedReader(new StringReader(input), delimiter);
        return [.. reader.ReadAll()];
    }
}
