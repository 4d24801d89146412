using Scheme.Compiler.Diagnostics;
using Scheme.Compiler.Semantics.Symbols;
using Scheme.Compiler.Syntax;

namespace Scheme.Compiler.Semantics.Binding;

public sealed class RunBinder(RunSymbol symbol, BinderContext context) : DeclarationBinder<RunSymbol>(symbol, context)
{
    /// <summary>Binds each declaration on its own.</summary>
    public static void BindAll(IReadOnlyList<RunSymbol> symbols, BindingScope scope)
    {
        foreach (var symbol in symbols)
        {
            new RunBinder(symbol, scope.ContextOf(symbol)).Bind();
        }
    }

    public void Bind()
    {
        var set = Members(Described)
            .Property("checkpoints", p => ReadList<CheckpointSymbol>(p, Symbol.Checkpoints, Diagnose.UnknownCheckpoint))
            .Property("environments", p => ReadList<EnvironmentSymbol>(p, Symbol.Environments, Diagnose.UnknownEnvironment))
            .Property("conditions", ReadConditions)
            .Property("epochs", p => Symbol.Epochs = Constants.PositiveInteger(p, Diagnose.EpochsNotPositive) ?? Symbol.Epochs)
            .Property("description", p => Constants.String(p))
            .Read();
        foreach (var required in new[] { "checkpoints", "environments" }.Where(r => !set.Contains(r)))
        {
            Context.Report(Symbol.Declaration.Name.Span, Diagnose.MissingProperty(Described, required,
                $"A run crosses {required} with the other factors; list at least one."));
        }
        if (!set.Contains("conditions"))
        {
            Symbol.Conditions.Add(new RunEntry(RunSymbol.Baseline, Symbol.Declaration.Name));
        }
    }

    private void ReadList<T>(PropertySyntax property, List<RunEntry> entries, Func<string, string, DiagnosticMessage> unknown) where T : Symbol
    {
        var words = Constants.WordList(property);
        if (words.Count == 0 && property.Value is ListExpressionSyntax)
        {
            Context.Report(property.Value.Span, Diagnose.EmptyList($"'{property.Name.Text}'"));
        }
        foreach (var (word, syntax) in words)
        {
            var identifier = syntax is NameExpressionSyntax n ? n.Name : new IdentifierSyntax(word, syntax.Span);
            if (Context.Declarations.Resolve<T>(identifier, unknown, Context) is null)
            {
                Symbol.IncompleteLists.Add(property.Name.Text);
                continue;
            }
            Add(entries, word, syntax, property.Name.Text);
        }
    }

    private void ReadConditions(PropertySyntax property)
    {
        var words = Constants.WordList(property);
        if (words.Count == 0 && property.Value is ListExpressionSyntax)
        {
            Context.Report(property.Value.Span, Diagnose.EmptyList("'conditions'"));
        }
        foreach (var (word, syntax) in words)
        {
            if (word != RunSymbol.Baseline)
            {
                var identifier = syntax is NameExpressionSyntax n ? n.Name : new IdentifierSyntax(word, syntax.Span);
                if (Context.Declarations.Resolve<ManipulationSymbol>(identifier, Diagnose.UnknownCondition, Context) is null)
                {
                    Symbol.IncompleteLists.Add("conditions");
                    continue;
                }
            }
            Add(Symbol.Conditions, word, syntax, "conditions");
        }
    }

    private void Add(List<RunEntry> entries, string word, SyntaxNode syntax, string list)
    {
        if (entries.Any(e => e.Name == word))
        {
            Context.Report(syntax.Span, Diagnose.DuplicateListEntry(word, $"{list} of run '{Symbol.Name}'"));
            return;
        }
        entries.Add(new RunEntry(word, syntax));
    }
}
