using Scheme.Compiler.Diagnostics;
using Scheme.Compiler.Semantics.Symbols;
using Scheme.Compiler.Syntax;

namespace Scheme.Compiler.Semantics.Binding;

/// <summary>
/// A family's p-values are corrected together, so its hypotheses must agree on the method: otherwise one hypothesis would
/// be judged by Holm and its neighbour by Bonferroni over the same p-values, and power with "the family's correction"
/// would have no meaning. The first hypothesis of a family (in declaration order) sets its correction; each later one
/// that differs is reported at its <c>correction:</c>, or, when it takes the default, at its <c>family:</c>.
/// </summary>
public sealed class FamilyChecker(SemanticModel model, Func<Symbol, BinderContext> contextOf)
{
    public void Check()
    {
        foreach (var family in model.Hypotheses.GroupBy(h => h.Family, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            var first = family.First();
            foreach (var hypothesis in family.Skip(1).Where(h => h.Correction != first.Correction))
            {
                var written = Property(hypothesis, "correction");
                var span = (written?.Value ?? (SyntaxNode?)Property(hypothesis, "family")?.Value ?? hypothesis.Declaration.Name).Span;
                var context = contextOf(hypothesis);
                context.Report(span, Diagnose.FamilyCorrectionsDiffer(family.Key, hypothesis.Name, Shown(hypothesis), first.Name, Shown(first),
                    context.Describe(first.File, (Property(first, "correction")?.Value ?? (SyntaxNode)first.Declaration.Name).Span)));
            }
        }
    }

    private static PropertySyntax? Property(HypothesisSymbol hypothesis, string name) =>
        hypothesis.Declaration.Members.OfType<PropertySyntax>().FirstOrDefault(p => p.Name.Text == name);

    private static string Shown(HypothesisSymbol hypothesis) =>
        Property(hypothesis, "correction") is null ? $"{hypothesis.Correction} (the default)" : hypothesis.Correction;
}
