using Scheme.Compiler.Semantics.Symbols;
using Scheme.Compiler.Syntax;

namespace Scheme.Compiler.Emit;

/// <summary>
/// What emit needs to know of one declaration kind: the runtime type it becomes, the ExperimentDefinition list that
/// holds it, the template that writes it and the values that template is given, and what its preregistration
/// fingerprint covers. The table of kinds (Declarations/DeclarationKinds) supplies one per kind that becomes a
/// definition; the emitters have no list of kinds of their own.
/// </summary>
public sealed class KindEmission
{
    private KindEmission(DeclarationKind kind, string runtimeType, string experimentList, Func<Symbol, LineMap, object> model,
        Func<Symbol, IEnumerable<string>>? loadedText)
    {
        Kind = kind;
        RuntimeType = runtimeType;
        ExperimentList = experimentList;
        Model = model;
        LoadedText = loadedText;
    }

    public DeclarationKind Kind { get; }

    /// <summary>The Scheme.Model type a declaration becomes, e.g. SpecDefinition.</summary>
    public string RuntimeType { get; }

    /// <summary>The ExperimentDefinition property that lists the kind's definitions, e.g. Specs.</summary>
    public string ExperimentList { get; }

    /// <summary>The template that writes the definition's initializer: Templates/&lt;Kind&gt;.scriban.</summary>
    public string Template => Kind + ".scriban";

    /// <summary>The values the template is given (DefinitionModels).</summary>
    public Func<Symbol, LineMap, object> Model { get; }

    /// <summary>
    /// Text a declaration loads or holds beyond its canonical form (files, prompts, rubrics), hashed with it; null for
    /// a kind that loads nothing, whose hash is its canonical text's alone.
    /// </summary>
    public Func<Symbol, IEnumerable<string>>? LoadedText { get; }

    public static KindEmission Of<TSymbol>(DeclarationKind kind, string runtimeType, string experimentList, Func<TSymbol, LineMap, object> model,
        Func<TSymbol, IEnumerable<string>>? loadedText = null) where TSymbol : Symbol =>
        new(kind, runtimeType, experimentList, (symbol, lines) => model((TSymbol)symbol, lines),
            loadedText is null ? null : symbol => loadedText((TSymbol)symbol));
}
