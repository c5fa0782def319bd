using System.Text;

namespace AbuseDetector.Detection.Training.Data;

/// <summary>
/// Reads RFC 4180 records: fields may be quoted, quotes inside are doubled, and quoted fields may hold
/// delimiters and line breaks. Works for commas, tabs and semicolons alike.
/// </summary>
internal sealed class DelimitedReader(TextReader reader, char delimiter) : IDisposable
{
    private readonly StringBuilder _field = new();

    public static DelimitedReader Open(string path, char delimiter)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The data file '{path}' does not exist.", path);
        }

        return new DelimitedReader(new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true), delimiter);
    }

    /// <summary>Reads the next record into <paramref name="fields"/>; false at the end of the input.</summary>
    public bool TryReadRecord(List<string> fields)
    {
        fields.Clear();
        _field.Clear();
        var next = reader.Read();
        if (next < 0)
        {
            return false;
        }

        var quoted = false;
        var atFieldStart = true;
        while (true)
        {
            if (next < 0)
            {
                fields.Add(_field.ToString());
                return true;
            }

            var c = (char)next;
            if (quoted)
            {
                if (c == '"')
                {
                    if (reader.Peek() == '"')
                    {
                        reader.Read();
                        _field.Append('"');
                    }
                    else
                    {
                        quoted = false;
                    }
                }
                else
                {
                    _field.Append(c);
                }
            }
            else if (c == '"' && atFieldStart)
            {
                quoted = true;
                atFieldStart = false;
            }
            else if (c == delimiter)
            {
                fields.Add(_field.ToString());
                _field.Clear();
                atFieldStart = true;
            }
            else if (c is '\r' or '\n')
            {
                if (c == '\r' && reader.Peek() == '\n')
                {
                    reader.Read();
                }

                fields.Add(_field.ToString());
                return true;
            }
            else
            {
                _field.Append(c);
                atFieldStart = false;
            }

            next = reader.Read();
        }
    }

    /// <summary>Reads every record, the header first.</summary>
    public IEnumerable<string[]> ReadAll()
    {
        var fields = new List<string>();
        while (TryReadRecord(fields))
        {
            yield return [.. fields];
        }
    }

    public void Dispose() => reader.Dispose();
}
