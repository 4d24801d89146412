using Scheme.Compiler.Emit;
using Scheme.Compiler.Semantics.Binding;
using Scheme.Compiler.Semantics.Symbols;
using Scheme.Compiler.Syntax;
using Scheme.Compiler.Text;

namespace Scheme.Compiler.Declarations;

/// <summary>
/// The one table of declaration kinds. Each row says everything the compiler does per kind: the symbol it makes,
/// how its declarations bind, whether an unused one warns, the runtime definition it becomes, the template that
/// writes it, and what its preregistration fingerprint covers. The binder and the emitters are given this table and
/// hold no list of kinds of their own, so a kind cannot be half added: a declaration whose kind is missing here is a
/// compiler error, never filed as another kind, and a test checks the table against the syntax and the runtime.
/// </summary>
/// <remarks>
/// Rows are in binding order: a kind may read every kind above it (runs read checkpoints, environments and
/// manipulations; hypotheses read metrics and runs). The experiment's lists and the preregistration follow the same order.
/// Adding a kind: its keyword and rule in grammar/, a case in Syntax/SyntaxTreeBuilder, a Symbol, a binder with BindAll,
/// a model in Emit/DefinitionModels and a template in Emit/Templates, a runtime definition with its list on
/// ExperimentDefinition, and a row here.
/// </remarks>
public static class DeclarationKinds
{
    public static IReadOnlyList<DeclarationDescriptor> All { get; } =
    [
        // The experiment is the definition itself (Experiment.scriban), not an entry of one of its lists.
        Row(DeclarationKind.Experiment, (n, d, f) => new ExperimentSymbol(n, d, f), ExperimentBinder.BindAll),
        Row(DeclarationKind.Spec, (n, d, f) => new SpecSymbol(n, d, f), SpecBinder.BindAll, warnsWhenUnused: true,
            definition: ("SpecDefinition", "Specs", DefinitionModels.Spec), loads: PreregistrationEmitter.LoadedBy),
        Row(DeclarationKind.Checkpoint, (n, d, f) => new CheckpointSymbol(n, d, f), CheckpointBinder.BindAll, warnsWhenUnused: true,
            definition: ("CheckpointDefinition", "Checkpoints", DefinitionModels.Checkpoint)),
        Row(DeclarationKind.Environment, (n, d, f) => new EnvironmentSymbol(n, d, f), EnvironmentBinder.BindAll, warnsWhenUnused: true,
            definition: ("EnvironmentDefinition", "Environments", DefinitionModels.Environment), loads: PreregistrationEmitter.LoadedBy),
        Row(DeclarationKind.Manipulation, (n, d, f) => new ManipulationSymbol(n, d, f), ManipulationBinder.BindAll, warnsWhenUnused: true,
            definition: ("ManipulationDefinition", "Manipulations", DefinitionModels.Manipulation), loads: PreregistrationEmitter.LoadedBy),
        Row(DeclarationKind.Metric, (n, d, f) => new MetricSymbol(n, d, f), MetricBinder.BindAll,
            definition: ("MetricDefinition", "Metrics", DefinitionModels.Metric), loads: PreregistrationEmitter.LoadedBy),
        Row(DeclarationKind.Run, (n, d, f) => new RunSymbol(n, d, f), RunBinder.BindAll,
            definition: ("RunDefinition", "Runs", DefinitionModels.Run)),
        Row(DeclarationKind.Hypothesis, (n, d, f) => new HypothesisSymbol(n, d, f), HypothesisBinder.BindAll,
            definition: ("HypothesisDefinition", "Hypotheses", DefinitionModels.Hypothesis)),
    ];

    public static IReadOnlyList<KindBinding> Bindings { get; } = All.Select(k => k.Binding).ToList();

    public static IReadOnlyList<KindEmission> Emissions { get; } = All.Select(k => k.Emission).OfType<KindEmission>().ToList();

    /// <param name="definition">The runtime type it becomes, the ExperimentDefinition list that holds it, and its template's values.</param>
    /// <param name="loads">Text the declaration loads or holds beyond its canonical form, fingerprinted with it.</param>
    private static DeclarationDescriptor Row<TSymbol>(DeclarationKind kind, Func<string, DeclarationSyntax, SourceFile, TSymbol> create,
        Action<IReadOnlyList<TSymbol>, BindingScope> bind, bool warnsWhenUnused = false,
        (string RuntimeType, string ExperimentList, Func<TSymbol, LineMap, object> Model)? definition = null,
        Func<TSymbol, IEnumerable<string>>? loads = null) where TSymbol : Symbol =>
        new(kind,
            KindBinding.Of(kind, create, bind, warnsWhenUnused),
            definition is var (type, list, model) ? KindEmission.Of(kind, type, list, model, loads) : null);
}

/// <summary>One row of the table: a kind, how it binds, and how it is emitted (null for the experiment itself).</summary>
public sealed record DeclarationDescriptor(DeclarationKind Kind, KindBinding Binding, KindEmission? Emission);
