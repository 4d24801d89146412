using Scheme.Compiler.Diagnostics;
using Scheme.Compiler.Semantics.Expressions;
using Scheme.Compiler.Semantics.Symbols;
using Scheme.Compiler.Syntax;

namespace Scheme.Compiler.Semantics.Binding;

/// <summary>
/// Checks the C# members each file's class will have once every declaration is bound: a field per declaration,
/// a partial method per csharp("M") and per tool of your own. Names C# would reject (two members of one name,
/// an identifier past 511 characters) are reported at the .scheme name that makes them, never left to a C# error
/// in generated code. Declaration names and csharp() names on their own are checked where they are bound.
/// </summary>
public sealed class GeneratedNameChecker(SemanticModel model, Func<Symbol, BinderContext> contextOf)
{
    public void Check()
    {
        var classes = GeneratedNames.FileClasses(model.Units.Select(u => u.File.Path), model.Experiment?.Name);
        foreach (var unit in model.Units)
        {
            var symbols = model.DeclaredIn(unit).ToList();
            if (symbols.Count == 0)
            {
                continue;
            }
            var context = contextOf(symbols[0]);
            var className = classes[unit.File.Path];
            var fields = symbols.Where(s => s is not ExperimentSymbol).ToDictionary(s => s.Name, StringComparer.Ordinal);
            var csharp = new Dictionary<string, BoundCSharp>(StringComparer.Ordinal);
            foreach (var call in symbols.SelectMany(SemanticModel.ExpressionsOf).SelectMany(BoundTreeWalker.Descendants).OfType<BoundCSharp>())
            {
                csharp.TryAdd(call.Method, call);
            }
            var tools = new Dictionary<string, ToolSymbol>(StringComparer.Ordinal);
            foreach (var tool in symbols.OfType<EnvironmentSymbol>().SelectMany(e => e.Tools).Where(t => !t.IsBuiltin))
            {
                var method = GeneratedNames.ToolMethod(tool.Name);
                var at = ((CallExpressionSyntax)tool.Syntax).Function.Span;
                if (method.Length > GeneratedNames.MaxIdentifierLength)
                {
                    context.Report(at, Diagnose.NameTooLong($"The C# method {method[..20]}... of tool '{tool.Name}'", method.Length, GeneratedNames.MaxIdentifierLength));
                }
                else if (tools.TryGetValue(method, out var first))
                {
                    // The same tool in two environments shares its method; two different tools cannot.
                    if (first.Name != tool.Name)
                    {
                        context.Report(at, Diagnose.SameCSharpName($"Tool '{tool.Name}'",
                            $"tool '{first.Name}' ({context.Describe(unit.File, first.Syntax.Span)})", method, className));
                    }
                }
                else if (csharp.TryGetValue(method, out var call))
                {
                    context.Report(at, Diagnose.SameCSharpName($"Tool '{tool.Name}'",
                        $"csharp(\"{method}\") ({context.Describe(unit.File, call.Syntax.Span)})", method, className));
                }
                else if (fields.TryGetValue(method, out var field))
                {
                    contextOf(field).Report(field.Declaration.Name.Span, Diagnose.DeclarationNamedLikeMethod(method,
                        $"the C# method of tool '{tool.Name}' ({context.Describe(unit.File, at)})"));
                }
                tools.TryAdd(method, tool);
            }
        }
    }
}
