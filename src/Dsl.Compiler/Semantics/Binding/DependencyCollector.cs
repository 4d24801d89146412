using Scheme.Compiler.Semantics.Expressions;
using Scheme.Compiler.Semantics.Symbols;

namespace Scheme.Compiler.Semantics.Binding;

/// <summary>
/// What each hypothesis's result depends on, resolved by the binder rather than guessed at run time: its own part; its
/// metric and that metric's simulated values; every run that feeds one of its cells, and of those runs only the
/// checkpoints, environments and conditions the cell takes in; each checkpoint's and environment's lineage (<c>extends</c>); each
/// manipulation with the specs it puts into prompts and the checkpoints that judge its reasoning edits; the specs a
/// metric or detector cites; and the judge checkpoints of the outcomes the metric reads, transitively. Loaded files
/// (prompts, workspace files, rubrics) are in their declaration's fingerprint. The hand-written C# the hypothesis's data
/// run through is a part of its own per partial member (<see cref="CSharpMembers"/>): the csharp() methods of the
/// detectors, graders, metric and reasoning edits read, and the tools of the environments taken in. A change to any of
/// these parts after the lock makes the hypothesis exploratory, and a change to anything else leaves it confirmatory.
/// </summary>
public sealed class DependencyCollector(SemanticModel model)
{
    private readonly Dictionary<string, string> _classes = CSharpMembers.Classes(model);

    public void Collect()
    {
        foreach (var hypothesis in model.Hypotheses)
        {
            hypothesis.Dependencies = Of(hypothesis);
        }
        // A family's correction adjusts each member's p-value by the others': what decides one member's p decides every
        // member's result, and so does the list of members (dropping a failing member after the lock loosens the others').
        foreach (var family in Families(model))
        {
            var union = new SortedSet<string>(family.SelectMany(h => h.Dependencies), StringComparer.Ordinal)
            {
                PreregistrationParts.Family(family.Key),
            };
            foreach (var hypothesis in family)
            {
                hypothesis.Dependencies = new SortedSet<string>(union, StringComparer.Ordinal);
            }
        }
    }

    /// <summary>
    /// Every family, a hypothesis alone in its own included: its list of members is a part too, so that a member moved out
    /// of a family after the lock (leaving one, which is then not corrected at all) changes the standing of the rest.
    /// </summary>
    public static IEnumerable<IGrouping<string, HypothesisSymbol>> Families(SemanticModel model) =>
        model.Hypotheses.GroupBy(h => h.Family, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal);

    private SortedSet<string> Of(HypothesisSymbol hypothesis)
    {
        var parts = new SortedSet<string>(StringComparer.Ordinal) { PreregistrationParts.Of(hypothesis) };
        if (hypothesis.Metric is null || model.Metrics.FirstOrDefault(m => m.Name == hypothesis.Metric) is not { } metric)
        {
            return parts;
        }
        parts.Add(PreregistrationParts.Of(metric));
        parts.Add(PreregistrationParts.Simulate(metric.Name));
        var expressions = new[] { metric.PerUnit, metric.Condition }.OfType<BoundExpression>().ToList();
        // Each expression's csharp() calls are methods of the class of the file that holds it.
        var csharp = expressions.SelectMany(e => CSharpMembers.Calls(e, metric, _classes)).ToList();
        // A pair metric's data are the units of its two conditions only, in runs that have both.
        var pair = metric.PairConditions;
        foreach (var cell in new[] { hypothesis.Left, hypothesis.Right }.OfType<DesignCell>())
        {
            foreach (var run in model.Runs.Where(r => Feeds(r, cell) && (pair is null || pair.All(c => r.Conditions.Any(x => x.Name == c)))))
            {
                parts.Add(PreregistrationParts.Of(run));
                foreach (var checkpoint in Matching(run.Checkpoints, cell.Checkpoint).SelectMany(Lineage))
                {
                    parts.Add(PreregistrationParts.Of(checkpoint));
                }
                // Only where the metric is computed: a run's other environments give it no value (absent, never 0).
                foreach (var environment in Matching(run.Environments, cell.Environment).Select(Environment).OfType<EnvironmentSymbol>()
                             .Where(e => metric.AppliesTo.Count == 0 || metric.AppliesTo.Contains(e)))
                {
                    // Its lineage too: what a base changes, every environment that extends it inherits.
                    parts.UnionWith(EnvironmentLineage(environment).Select(PreregistrationParts.Of));
                    var read = OutcomesRead(metric, environment).ToList();
                    expressions.AddRange(read);
                    csharp.AddRange(read.SelectMany(e => CSharpMembers.Calls(e, environment, _classes)));
                    csharp.AddRange(EnvironmentLineage(environment).SelectMany(e => CSharpMembers.Tools(e, _classes)));
                }
                foreach (var manipulation in Matching(run.Conditions, cell.Condition).Where(c => pair is null || pair.Contains(c))
                             .Select(Manipulation).OfType<ManipulationSymbol>())
                {
                    parts.Add(PreregistrationParts.Of(manipulation));
                    expressions.AddRange(manipulation.SystemEdits.Concat(manipulation.UserEdits));
                    if (manipulation.ReasoningEdit is { } edit)
                    {
                        expressions.Add(edit);
                        csharp.AddRange(CSharpMembers.Calls(edit, manipulation, _classes));
                    }
                }
            }
        }
        parts.UnionWith(csharp.Select(PreregistrationParts.CSharp));
        foreach (var node in expressions.SelectMany(BoundTreeWalker.Descendants))
        {
            switch (node)
            {
                case BoundJudge judge:
                    parts.UnionWith(Lineage(judge.Checkpoint).Select(PreregistrationParts.Of));
                    break;
                case BoundCites cites when model.Specs.FirstOrDefault(s => s.Name == cites.Spec) is { } spec:
                    parts.Add(PreregistrationParts.Of(spec));
                    break;
                case BoundSpecReference reference when model.Specs.FirstOrDefault(s => s.Name == reference.Spec) is { } spec:
                    parts.Add(PreregistrationParts.Of(spec));
                    break;
            }
        }
        return parts;
    }

    /// <summary>The detectors and follow-up graders of an environment that the metric reads, and those they read in turn.</summary>
    private static IEnumerable<BoundExpression> OutcomesRead(MetricSymbol metric, EnvironmentSymbol environment)
    {
        // An outcome defined twice is an error reported elsewhere; all its definitions count here.
        var graders = environment.Outcomes.Select(o => (o.Name, Expression: o.Predicate))
            .Concat(environment.Followups.Select(f => (Name: f.Outcome, Expression: f.Grader)))
            .ToLookup(g => g.Name, g => g.Expression, StringComparer.Ordinal);
        var pending = new Stack<string>(Read(metric.PerUnit).Concat(Read(metric.Condition)));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (pending.TryPop(out var name))
        {
            if (!seen.Add(name))
            {
                continue;
            }
            foreach (var grader in graders[name])
            {
                yield return grader;
                foreach (var next in Read(grader))
                {
                    pending.Push(next);
                }
            }
        }
    }

    private static IEnumerable<string> Read(BoundExpression? expression) =>
        expression is null ? [] : BoundTreeWalker.Descendants(expression).OfType<BoundOutcome>().Select(o => o.Name);

    private static IEnumerable<string> Matching(IEnumerable<RunEntry> entries, string? cell) =>
        entries.Select(e => e.Name).Where(name => cell is null || cell == name);

    private static bool Feeds(RunSymbol run, DesignCell cell) =>
        (cell.Checkpoint is null || run.Checkpoints.Any(c => c.Name == cell.Checkpoint))
        && (cell.Environment is null || run.Environments.Any(e => e.Name == cell.Environment))
        && (cell.Condition is null || run.Conditions.Any(c => c.Name == cell.Condition));

    private IEnumerable<CheckpointSymbol> Lineage(string name)
    {
        var seen = new HashSet<CheckpointSymbol>(ReferenceEqualityComparer.Instance);
        for (var checkpoint = model.Checkpoints.FirstOrDefault(c => c.Name == name); checkpoint is not null && seen.Add(checkpoint); checkpoint = checkpoint.Base)
        {
            yield return checkpoint;
        }
    }

    private static IEnumerable<EnvironmentSymbol> EnvironmentLineage(EnvironmentSymbol environment)
    {
        var seen = new HashSet<EnvironmentSymbol>(ReferenceEqualityComparer.Instance);
        for (var e = environment; e is not null && seen.Add(e); e = e.Base)
        {
            yield return e;
        }
    }

    private EnvironmentSymbol? Environment(string name) => model.Environments.FirstOrDefault(e => e.Name == name);

    private ManipulationSymbol? Manipulation(string name) => model.Manipulations.FirstOrDefault(m => m.Name == name);
}
