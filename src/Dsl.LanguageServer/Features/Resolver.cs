using Scheme.Compiler.Semantics.Expressions;
using Scheme.Compiler.Semantics.Symbols;
using Scheme.Compiler.Syntax;
using Scheme.LanguageServer.Workspace;

namespace Scheme.LanguageServer.Features;

/// <summary>What a name stands for: a declaration, an outcome environments declare, or a library function.</summary>
public abstract record Target(string Name);

public sealed record DeclarationTarget(Symbol Symbol) : Target(Symbol.Name);

public sealed record OutcomeTarget(string Name) : Target(Name);

public sealed record FunctionTarget(FunctionSignature Function) : Target(Function.Name);

/// <summary>A name written in a file of the snapshot.</summary>
public sealed record NameAt(CompilationUnitSyntax Unit, IdentifierSyntax Name);

/// <summary>
/// Resolves names the way the language scopes them: declaration names are global to a suite and its imports (a
/// duplicate is an error), so a reference names the declaration of that name when there is one; otherwise it names the
/// outcome of that name that environments declare (<c>rate(touched_config)</c>).
/// </summary>
public static class Resolver
{
    public static Target? Resolve(Snapshot snapshot, NameOccurrence occurrence)
    {
        var text = occurrence.Name.Text;
        return occurrence.Role switch
        {
            NameRole.Declaration or NameRole.Reference when snapshot.Declarations.TryGetValue(text, out var symbol) => new DeclarationTarget(symbol),
            NameRole.Outcome => new OutcomeTarget(text),
            NameRole.Reference when DeclaresOutcome(snapshot, text) => new OutcomeTarget(text),
            NameRole.Function when FunctionLibrary.All.TryGetValue(text, out var function) => new FunctionTarget(function),
            _ => null,
        };
    }

    /// <summary>Every place the target is named, declarations included, in every file of the check.</summary>
    public static IEnumerable<(NameAt Name, bool IsDeclaration)> Occurrences(Snapshot snapshot, Target target)
    {
        foreach (var unit in snapshot.Units)
        {
            foreach (var occurrence in snapshot.Index(unit).Names)
            {
                if (occurrence.Name.Text != target.Name)
                {
                    continue;
                }
                var matches = target switch
                {
                    DeclarationTarget => occurrence.Role is NameRole.Declaration or NameRole.Reference,
                    OutcomeTarget => occurrence.Role is NameRole.Outcome
                        || (occurrence.Role is NameRole.Reference && !snapshot.Declarations.ContainsKey(target.Name)),
                    FunctionTarget => occurrence.Role is NameRole.Function,
                    _ => false,
                };
                if (matches)
                {
                    yield return (new NameAt(unit, occurrence.Name), occurrence.Role is NameRole.Declaration or NameRole.Outcome);
                }
            }
        }
    }

    /// <summary>Where the target is declared: a declaration's name, or every outcome of that name.</summary>
    public static IEnumerable<NameAt> Definitions(Snapshot snapshot, Target target) => target switch
    {
        DeclarationTarget d => snapshot.Unit(d.Symbol.File.FullPath) is { } unit ? [new NameAt(unit, d.Symbol.Declaration.Name)] : [],
        OutcomeTarget => Occurrences(snapshot, target).Where(o => o.IsDeclaration).Select(o => o.Name),
        _ => [],
    };

    private static bool DeclaresOutcome(Snapshot snapshot, string name) =>
        snapshot.Units.Any(u => snapshot.Index(u).Names.Any(n => n.Role == NameRole.Outcome && n.Name.Text == name));
}
