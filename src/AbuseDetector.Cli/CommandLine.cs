namespace AbuseDetector.Cli;

/// <summary>A usage error: the message is one sentence for the user, and the exit code is 2.</summary>
internal sealed class UsageException(string message) : Exception(message);

/// <summary>Parsed options of one command: <c>--name value</c> pairs, bare <c>--flag</c>s and positional words.</summary>
internal sealed class CommandLine
{
    private readonly Dictionary<string, string> _options = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    private CommandLine()
    {
    }

    public List<string> Positional { get; } = [];

    /// <summary>Parses arguments; <paramref name="flagNames"/> are the options that take no value.</summary>
    public static CommandLine Parse(IEnumerable<string> args, params string[] flagNames)
    {
        var line = new CommandLine();
        using var enumerator = args.GetEnumerator();
        while (enumerator.MoveNext())
        {
            var arg = enumerator.Current;
            if (arg == "--")
            {
                while (enumerator.MoveNext())
                {
                    line.Positional.Add(enumerator.Current);
                }

                break;
            }

            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
            {
                line.Positional.Add(arg);
                continue;
            }

            var name = arg[2..];
            if (Array.IndexOf(flagNames, name) >= 0)
            {
                line._flags.Add(name);
            }
            else if (enumerator.MoveNext())
            {
                line._options[name] = enumerator.Current;
            }
            else
            {
                throw new UsageException($"The option --{name} needs a value.");
            }
        }

        return line;
    }

    public string? Get(string name)
    {
        _used.Add(name);
        return _options.GetValueOrDefault(name);
    }

    public string Require(string name, string what) =>
        Get(name) ?? throw new UsageException($"Missing --{name} {what}.");

    public bool Has(string flag)
    {
        _used.Add(flag);
        return _flags.Contains(flag);
    }

    public int GetInt(string name, int fallback)
    {
        var value = Get(name);
        if (value is null)
        {
            return fallback;
        }

        return int.TryParse(value, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var parsed)
            ? parsed
            : throw new UsageException($"--{name} takes a whole number, not '{value}'.");
    }

    /// <summary>Rejects words outside options for a command that takes none, so a stray "-json" is never silently ignored.</summary>
    public void RejectPositional(string command)
    {
        if (Positional.Count > 0)
        {
            throw new UsageException($"{command} takes no text arguments, but got '{Positional[0]}' (options start with --).");
        }
    }

    /// <summary>Rejects options the command does not know, so a typo is never silently ignored.</summary>
    public void RejectUnknown()
    {
        foreach (var name in _options.Keys.Concat(_flags))
        {
            if (!_used.Contains(name))
            {
                throw new UsageException($"Unknown option --{name}.");
            }
        }
    }
}
