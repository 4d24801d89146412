using Scheme.Compiler.Semantics.Expressions;

namespace Scheme.Compiler.Semantics.Symbols;

/// <summary>
/// The C# a suite runs beyond its generated code: per declaration, the partial members its file's class declares for it
/// (a csharp("M") call in one of its expressions, a tool of the suite's own). The emitter declares the same members
/// (CSharpEmitter.PartialMethods); the preregistration fingerprints their implementations, and DependencyCollector
/// makes a hypothesis depend on those its detectors, metric and environments use.
/// </summary>
public static class CSharpMembers
{
    /// <summary>Every partial member of the suite, each once, in a stable order.</summary>
    public static IReadOnlyList<CSharpMember> All(SemanticModel model)
    {
        var classes = Classes(model);
        return model.Declarations.SelectMany(s => SemanticModel.ExpressionsOf(s).SelectMany(e => Calls(e, s, classes)).Concat(Tools(s, classes)))
            .Distinct().OrderBy(m => m.Class, StringComparer.Ordinal).ThenBy(m => m.Method, StringComparer.Ordinal).ToList();
    }

    /// <summary>The generated class of each file (by path), as the emitter names it.</summary>
    public static Dictionary<string, string> Classes(SemanticModel model) =>
        GeneratedNames.FileClasses(model.Units.Select(u => u.File.Path), model.Experiment?.Name);

    /// <summary>The csharp() methods an expression of <paramref name="owner"/> calls: declared in the class of the owner's file.</summary>
    public static IEnumerable<CSharpMember> Calls(BoundExpression expression, Symbol owner, IReadOnlyDictionary<string, string> classes) =>
        BoundTreeWalker.Descendants(expression).OfType<BoundCSharp>().Select(c => new CSharpMember(classes[owner.File.Path], c.Method));

    /// <summary>The methods of an environment's own (not built-in) tools, declared in the class of its file.</summary>
    public static IEnumerable<CSharpMember> Tools(Symbol owner, IReadOnlyDictionary<string, string> classes) =>
        owner is EnvironmentSymbol environment
            ? environment.Tools.Where(t => !t.IsBuiltin).Select(t => new CSharpMember(classes[owner.File.Path], GeneratedNames.ToolMethod(t.Name)))
            : [];
}
