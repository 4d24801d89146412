using System.Globalization;
using Scheme.Compiler.Semantics.Symbols;
using Scriban.Runtime;
using static Scheme.Compiler.Emit.CSharpLiterals;

namespace Scheme.Compiler.Emit;

/// <summary>
/// The functions templates call as <c>cs.name</c>: each spells one value as a C# literal (CSharpLiterals), so a
/// template decides where values go and how the code is laid out, and never how a string is escaped.
/// </summary>
internal static class TemplateFunctions
{
    public static ScriptObject Create()
    {
        var cs = new ScriptObject();
        cs.Import("quoted", new Func<string, string>(Quoted));
        cs.Import("text", new Func<string, string>(String));
        cs.Import("nullable", new Func<string?, string>(Nullable));
        cs.Import("number", new Func<double, string>(Number));
        cs.Import("nullable_number", new Func<double?, string>(v => v is { } d ? Number(d) : "null"));
        cs.Import("int", new Func<long, string>(v => v.ToString(CultureInfo.InvariantCulture)));
        cs.Import("long", new Func<long, string>(v => v.ToString(CultureInfo.InvariantCulture) + "L"));
        cs.Import("bool", new Func<bool, string>(Bool));
        cs.Import("identifier", new Func<string, string>(Identifier));
        cs.Import("quoted_list", new Func<IEnumerable<object>, string>(items => List(items.Select(i => Quoted((string)i)))));
        cs.Import("list", new Func<IEnumerable<object>, string>(items => List(items.Select(i => (string)i))));
        cs.Import("value", new Func<object?, string>(Value));
        cs.Import("cell", new Func<DesignCell, string>(Cell));
        return cs;
    }

    /// <summary>A param's value typed as object, so a list of mixed values is one C# collection.</summary>
    private static string Value(object? value) => value switch
    {
        bool b => $"(object){Bool(b)}",
        double d => $"(object){Number(d)}",
        string s => $"(object){Quoted(s)}",
        _ => "null!",
    };

    /// <summary>A design cell with only the coordinates it fixes, e.g. new Cell(Condition: "baseline").</summary>
    public static string Cell(DesignCell cell)
    {
        var parts = new List<string>();
        if (cell.Checkpoint is not null)
        {
            parts.Add($"Checkpoint: {Quoted(cell.Checkpoint)}");
        }
        if (cell.Environment is not null)
        {
            parts.Add($"Environment: {Quoted(cell.Environment)}");
        }
        if (cell.Condition is not null)
        {
            parts.Add($"Condition: {Quoted(cell.Condition)}");
        }
        if (!cell.Params.IsEmpty)
        {
            parts.Add($"Params: [{string.Join(", ", cell.Params.Select(p => $"new CellParam({Quoted(p.Name)}, {Value(p.Value)})"))}]");
        }
        return $"new Cell({string.Join(", ", parts)})";
    }
}
