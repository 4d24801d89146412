using Antlr4.Runtime;
using Scheme.Compiler.Syntax.Generated;

namespace Scheme.Compiler.Tests.Formatting;

/// <summary>
/// Seeded edits that keep a file parsing but stress the formatter where it is weakest: comments of every kind and line
/// breaks, blank lines and tabs put between any two tokens (inside a list, a call, an expression, before a closing brace).
/// </summary>
internal sealed class LayoutMutator(int seed)
{
    private readonly Random _random = new(seed);

    public string Mutate(string text)
    {
        var lexer = new SchemeLexer(new AntlrInputStream(text));
        lexer.RemoveErrorListeners();
        var starts = lexer.GetAllTokens().Where(t => t.Channel == TokenConstants.DefaultChannel).Select(t => t.StartIndex).ToList();
        if (starts.Count == 0)
        {
            return text;
        }
        var picks = Enumerable.Range(0, _random.Next(1, 12)).Select(_ => starts[_random.Next(starts.Count)]).Distinct().OrderDescending();
        foreach (var at in picks)
        {
            text = text.Insert(at, Piece());
        }
        return text;
    }

    private string Piece()
    {
        var n = _random.Next(1000);
        return _random.Next(9) switch
        {
            0 => $"// line {n}\n",
            1 => $" // trailing {n}   \n",
            2 => $"/* block {n} */ ",
            3 => $"/* block {n} */\n",
            4 => $"\n/* two\n   lines {n} */\n",
            5 => "\n\n\n",
            6 => "\t ",
            7 => $"\n  // leading {n}\n\n",
            _ => "\n",
        };
    }
}
