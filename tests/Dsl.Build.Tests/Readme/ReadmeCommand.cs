using System.Text.RegularExpressions;

namespace Scheme.Build.Tests.Readme;

/// <summary>One command line of a <c>```sh</c> block of the README: its environment assignments and its words.</summary>
/// <param name="Line">The line as written (without its trailing comment), for messages.</param>
public sealed partial record ReadmeCommand(string Line, IReadOnlyDictionary<string, string> Environment, IReadOnlyList<string> Words)
{
    /// <summary>Every command of every <c>```sh</c> block, in order. Comments (<c>  # ...</c>) are dropped.</summary>
    public static IReadOnlyList<ReadmeCommand> Read(string markdown)
    {
        var commands = new List<ReadmeCommand>();
        var inShell = false;
        foreach (var raw in markdown.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.StartsWith("```", StringComparison.Ordinal))
            {
                inShell = !inShell && line.Trim() == "```sh";
                continue;
            }
            if (!inShell)
            {
                continue;
            }
            var text = Comment().Replace(line, "").Trim();
            if (text.Length == 0)
            {
                continue;
            }
            var words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
            var environment = new Dictionary<string, string>(StringComparer.Ordinal);
            while (words.Count > 0 && Assignment().Match(words[0]) is { Success: true } m)
            {
                environment[m.Groups[1].Value] = m.Groups[2].Value;
                words.RemoveAt(0);
            }
            commands.Add(new ReadmeCommand(text, environment, words));
        }
        return commands;
    }

    /// <summary>The arguments after <c>dotnet run --project PROJECT --</c>, or null when the command is not that.</summary>
    public IReadOnlyList<string>? RunnerArguments(string project)
    {
        var separator = Words.ToList().IndexOf("--");
        return Words.Count > 4 && Words[0] == "dotnet" && Words[1] == "run" && Words[2] == "--project" && Words[3] == project && separator == 4
            ? Words.Skip(5).ToList()
            : null;
    }

    public override string ToString() => Line;

    [GeneratedRegex(@"\s+#.*$")]
    private static partial Regex Comment();

    [GeneratedRegex(@"^([A-Z_][A-Z0-9_]*)=(.*)$")]
    private static partial Regex Assignment();
}
