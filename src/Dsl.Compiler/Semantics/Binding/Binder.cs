using Scheme.Compiler.Diagnostics;
using Scheme.Compiler.Semantics.Expressions;
using Scheme.Compiler.Semantics.Symbols;
using Scheme.Compiler.Syntax;
using Scheme.Compiler.Text;

namespace Scheme.Compiler.Semantics.Binding;

/// <summary>
/// Binds a whole compilation: declares every name of every file in one namespace, then binds the declarations
/// kind by kind in the order of the table of kinds it is given (checkpoints before runs, environments before
/// metrics, metrics before hypotheses), then the simulate blocks, then runs the design checks and the
/// unused-declaration analysis. What is particular to a kind lives in its KindBinding, not here.
/// </summary>
public sealed class Binder(IReadOnlyList<CompilationUnitSyntax> units, DiagnosticBag diagnostics, FileDependencies dependencies,
    IReadOnlyList<KindBinding> kinds)
{
    private readonly DeclarationTable _table = new(GeneratedNames.FileClasses(units.Select(u => u.File.Path), experiment: null));
    private readonly JudgeRegistry _judges = new();
    private readonly Dictionary<Symbol, BinderContext> _contexts = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<Scheme.Compiler.Text.SourceFile, BinderContext> _fileContexts = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<DeclarationKind, KindBinding> _kinds = kinds.ToDictionary(k => k.Kind);

    /// <summary>
    /// Whether to resolve what each hypothesis's preregistration depends on: emit needs it, diagnostics do not (the
    /// collector reports nothing), so the language server's check as you type leaves it out.
    /// </summary>
    public bool CollectDependencies { get; init; } = true;

    /// <summary>Declarations refused a name (duplicates, 'baseline'): still checked, never part of the model.</summary>
    private readonly List<Symbol> _rejected = [];

    public SemanticModel Bind()
    {
        var simulateBlocks = Declare();
        var scope = new BindingScope(ContextOf, () => kinds.SelectMany(Ordered));
        foreach (var kind in kinds)
        {
            kind.Bind(Ordered(kind).ToList(), scope);
        }
        var simulated = new Dictionary<(string, string, DesignCell), (BinderContext, SyntaxNode)>();
        var simulateBinders = simulateBlocks.Select(s => new SimulateBinder(s.Declaration, _fileContexts[s.File], simulated)).ToList();
        var simulation = simulateBinders.SelectMany(b => b.Bind()).ToList();

        // A refused declaration may hold more mistakes than its name; check its body too, so fixing the name does
        // not reveal a second round of errors. What it references counts as used.
        foreach (var symbol in _rejected)
        {
            KindOf(symbol.Declaration).Bind([symbol], scope);
        }

        var model = new SemanticModel
        {
            Units = units,
            Declarations = kinds.SelectMany(Ordered).ToList(),
            Simulation = simulation,
            SimulationIncomplete = simulateBinders.Any(b => b.HadErrors),
            Judges = _judges.All,
        };
        new DesignChecker(model, ContextOf).Check();
        new FamilyChecker(model, ContextOf).Check();
        new ReasoningReadsChecker(model, ContextOf).Check();
        new EditTargetChecker(model, ContextOf).Check();
        if (CollectDependencies)
        {
            new DependencyCollector(model).Collect();
        }
        new GeneratedNameChecker(model, ContextOf).Check();
        new UsageAnalyzer(_table, ContextOf, kinds.Where(k => k.WarnsWhenUnused).Select(k => k.Kind).ToHashSet()).Report();
        return model;
    }

    private List<(DeclarationSyntax Declaration, Scheme.Compiler.Text.SourceFile File)> Declare()
    {
        var simulateBlocks = new List<(DeclarationSyntax, Scheme.Compiler.Text.SourceFile)>();
        foreach (var unit in units)
        {
            var context = new BinderContext(unit.File, diagnostics, _table, _judges, dependencies);
            _fileContexts[unit.File] = context;
            foreach (var declaration in unit.Declarations)
            {
                if (declaration.Kind == DeclarationKind.Simulate)
                {
                    simulateBlocks.Add((declaration, unit.File));
                    continue;
                }
                if (declaration.Name.IsMissing)
                {
                    continue;
                }
                var symbol = KindOf(declaration).Create(declaration, unit.File);
                _contexts[symbol] = context;
                // A reserved name is still declared, so its uses are not reported as unknown too.
                if (_table.ReservedBy(declaration.Name.Text) is { } reason)
                {
                    context.Report(declaration.Name.Span, Diagnose.ReservedName(declaration.Name.Text, reason));
                }
                if (declaration.Name.Text.Length > GeneratedNames.MaxIdentifierLength)
                {
                    context.Report(declaration.Name.Span, Diagnose.NameTooLong(
                        $"The name of {declaration.Kind.ToString().ToLowerInvariant()} {declaration.Name.Text[..20]}...",
                        declaration.Name.Text.Length, GeneratedNames.MaxIdentifierLength));
                }
                if (declaration.Name.Text == RunSymbol.Baseline)
                {
                    context.Report(declaration.Name.Span, Diagnose.BaselineRedeclared());
                    _rejected.Add(symbol);
                    continue;
                }
                if (!_table.TryDeclare(symbol, out var existing))
                {
                    context.Report(declaration.Name.Span, Diagnose.DuplicateDeclaration(declaration.Name.Text,
                        $"{Article(existing!.KindName)} {existing.KindName}", context.Describe(existing.File, existing.Declaration.Name.Span)));
                    _rejected.Add(symbol);
                }
            }
        }
        CheckExperimentCount();
        CheckFileNames();
        CheckLinePaths();
        return simulateBlocks;
    }

    /// <summary>Generated files are named after their sources, so two sources may not share a file name.</summary>
    private void CheckFileNames()
    {
        foreach (var group in units.GroupBy(u => Path.GetFileName(u.File.Path), StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            var first = group.First();
            foreach (var other in group.Skip(1))
            {
                diagnostics.Report(other.File, new Scheme.Compiler.Text.TextSpan(0, 0), Diagnose.SameFileName(group.Key, first.File.Path, other.File.Path));
            }
        }
    }

    /// <summary>
    /// Every generated file names its source in #line directives, which cannot hold a quote or a line break, and is
    /// itself named after its source's file name, which C#'s compiler is given in a response file that drops tabs
    /// and other control characters. Such a path is refused here, so the name of a file or folder never becomes code.
    /// </summary>
    private void CheckLinePaths()
    {
        foreach (var unit in units)
        {
            var reason = GeneratedNames.UnwritableLinePath(unit.File.Path) ?? GeneratedNames.UnwritableLinePath(unit.File.FullPath);
            var explanation = "a C# #line directive cannot hold: errors in the generated code could not point back here, and the rest of the path would be read as C#";
            if (reason is null && Path.GetFileName(unit.File.Path).FirstOrDefault(char.IsControl) is var c and not '\0')
            {
                reason = $"a control character (U+{(int)c:X4}) in its file name";
                explanation = "C#'s compiler drops from the name of the file generated from it, so the build could not find that file";
            }
            if (reason is not null)
            {
                diagnostics.Report(unit.File, new Scheme.Compiler.Text.TextSpan(0, 0), Diagnose.UnwritablePath(reason, explanation));
            }
        }
    }

    private void CheckExperimentCount()
    {
        var experiments = _table.OfType<ExperimentSymbol>().OrderBy(e => e.File.Path, StringComparer.Ordinal).ThenBy(e => e.Declaration.Span.Start).ToList();
        foreach (var extra in experiments.Skip(1))
        {
            ContextOf(extra).Report(extra.Declaration.Name.Span, Diagnose.DuplicateExperiment(experiments[0].Name));
        }
        var firstRun = _table.OfType<RunSymbol>().OrderBy(r => r.File.Path, StringComparer.Ordinal).FirstOrDefault();
        if (experiments.Count == 0 && firstRun is not null)
        {
            ContextOf(firstRun).Report(firstRun.Declaration.Name.Span, Diagnose.MissingExperiment());
        }
    }

    /// <summary>A kind missing from the table is a compiler bug, never a declaration silently filed as another kind.</summary>
    private KindBinding KindOf(DeclarationSyntax declaration) =>
        _kinds.TryGetValue(declaration.Kind, out var kind)
            ? kind
            : throw new InvalidOperationException($"The table of declaration kinds has no entry for {declaration.Kind}.");

    /// <summary>The accepted declarations of a kind in a deterministic order: by file path, then position.</summary>
    private IEnumerable<Symbol> Ordered(KindBinding kind) =>
        _table.All
            .Where(s => s.Declaration.Kind == kind.Kind)
            .OrderBy(s => s.File.Path, StringComparer.Ordinal)
            .ThenBy(s => s.Declaration.Span.Start);

    private BinderContext ContextOf(Symbol symbol) => _contexts[symbol];

    private static string Article(string word) => "aeiou".Contains(word[0]) ? "an" : "a";
}
