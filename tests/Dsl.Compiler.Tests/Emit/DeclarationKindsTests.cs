using Scheme.Compiler.Declarations;
using Scheme.Compiler.Diagnostics;
using Scheme.Compiler.Emit;
using Scheme.Compiler.Semantics.Binding;
using Scheme.Compiler.Semantics.Symbols;
using Scheme.Compiler.Syntax;
using Scheme.Compiler.Text;
using Scheme.Model;

namespace Scheme.Compiler.Tests.Emit;

/// <summary>
/// The table of declaration kinds against everything it must agree with: the syntax's kinds, the symbols, the
/// templates and the runtime's definitions. A kind added to one and not the others fails here, by name.
/// </summary>
public sealed class DeclarationKindsTests
{
    /// <summary>Simulate blocks state values, not a name, so they are bound on their own and are no row.</summary>
    private static readonly DeclarationKind[] NotDeclarations = [DeclarationKind.Simulate];

    [Fact]
    public void Every_declaration_kind_of_the_syntax_has_exactly_one_row()
    {
        var expected = Enum.GetValues<DeclarationKind>().Except(NotDeclarations).Order();
        Assert.Equal(expected, DeclarationKinds.All.Select(k => k.Kind).Order());
        Assert.All(DeclarationKinds.All, row =>
        {
            Assert.Equal(row.Kind, row.Binding.Kind);
            Assert.Equal(row.Kind, row.Emission?.Kind ?? row.Kind);
        });
    }

    [Fact]
    public void Every_symbol_type_is_made_by_one_row_whose_kind_it_names()
    {
        var file = new SourceFile("suite.scheme", "");
        var made = DeclarationKinds.All.Select(row =>
        {
            var syntax = new DeclarationSyntax(row.Kind, new IdentifierSyntax("x", new TextSpan(0, 1)), null, null, [], null, new TextSpan(0, 1));
            var symbol = row.Binding.Create(syntax, file);
            Assert.Equal(row.Kind.ToString().ToLowerInvariant(), symbol.KindName);
            Assert.Same(syntax, symbol.Declaration);
            return symbol.GetType();
        }).ToList();
        var symbolTypes = typeof(Symbol).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(Symbol)) && !t.IsAbstract);
        Assert.Equal(symbolTypes.Select(t => t.Name).Order(), made.Select(t => t.Name).Order());
    }

    [Fact]
    public void Every_definition_is_a_runtime_type_listed_by_ExperimentDefinition_and_every_declaration_list_has_a_row()
    {
        var lists = typeof(ExperimentDefinition).GetProperties()
            .Where(p => p.PropertyType.IsGenericType && p.PropertyType.GetGenericTypeDefinition() == typeof(IReadOnlyList<>))
            .ToDictionary(p => p.Name, p => p.PropertyType.GetGenericArguments()[0]);
        foreach (var kind in DeclarationKinds.Emissions)
        {
            Assert.True(lists.TryGetValue(kind.ExperimentList, out var element), $"ExperimentDefinition has no list {kind.ExperimentList} for {kind.Kind}.");
            Assert.Equal(kind.RuntimeType, element.Name);
            Assert.Equal(typeof(ExperimentDefinition).Namespace, element.Namespace);
        }
        // The lists that are not declarations: what simulate blocks state and the judges every kind may ask.
        var rowless = lists.Keys.Except(DeclarationKinds.Emissions.Select(k => k.ExperimentList)).Order();
        Assert.Equal([nameof(ExperimentDefinition.Judges), nameof(ExperimentDefinition.Simulation)], rowless);
    }

    [Fact]
    public void Every_template_a_row_names_is_embedded_in_the_compiler()
    {
        var resources = typeof(CSharpEmitter).Assembly.GetManifestResourceNames();
        foreach (var template in DeclarationKinds.Emissions.Select(k => k.Template).Append("Experiment.scriban").Append("SchemeFile.scriban"))
        {
            Assert.Contains($"Scheme.Compiler.Emit.Templates.{template}", resources);
        }
    }

    [Fact]
    public void A_kind_missing_from_the_table_stops_the_compiler_instead_of_being_filed_as_another_kind()
    {
        var result = SchemeCompilation.Compile([new SourceFile("suite.scheme", """
            experiment E { seed: 1 }
            spec Rules { AS1: "Be honest." }
            """, "/study/suite.scheme")]);
        var withoutSpecs = DeclarationKinds.Bindings.Where(k => k.Kind != DeclarationKind.Spec).ToList();

        var error = Assert.Throws<InvalidOperationException>(() =>
            new Binder(result.Model!.Units, new DiagnosticBag(), new FileDependencies(), withoutSpecs).Bind());
        Assert.Contains("Spec", error.Message);
    }

    [Fact]
    public void Rows_bind_in_an_order_where_each_kind_reads_only_kinds_above_it()
    {
        var order = DeclarationKinds.All.Select(k => k.Kind).ToList();
        // Runs name checkpoints, environments and manipulations; metrics read environments' outcomes;
        // hypotheses read metrics and runs; checkpoints' judges and prompt edits' specs come before all.
        (DeclarationKind Reader, DeclarationKind Read)[] reads =
        [
            (DeclarationKind.Run, DeclarationKind.Checkpoint), (DeclarationKind.Run, DeclarationKind.Environment),
            (DeclarationKind.Run, DeclarationKind.Manipulation), (DeclarationKind.Metric, DeclarationKind.Environment),
            (DeclarationKind.Hypothesis, DeclarationKind.Metric), (DeclarationKind.Hypothesis, DeclarationKind.Run),
            (DeclarationKind.Manipulation, DeclarationKind.Spec), (DeclarationKind.Environment, DeclarationKind.Checkpoint),
        ];
        Assert.All(reads, r => Assert.True(order.IndexOf(r.Read) < order.IndexOf(r.Reader), $"{r.Reader} binds before {r.Read}, which it reads."));
    }
}
