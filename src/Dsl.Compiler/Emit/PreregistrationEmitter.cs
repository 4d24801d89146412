using System.Security.Cryptography;
using System.Text;
using Scheme.Compiler.Semantics.Expressions;
using Scheme.Compiler.Semantics.Symbols;
using Scheme.Compiler.Syntax;
using static Scheme.Compiler.Emit.CSharpLiterals;

namespace Scheme.Compiler.Emit;

/// <summary>
/// Computes what `prereg lock` locks: for every declaration a hash of its canonical text plus the text of
/// the files it loads (workspace files, prompts, rubrics), so editing a loaded rubric is a deviation too,
/// while reformatting or commenting is not; and one part per metric's simulated values. Paths never enter a hash,
/// so it is the same on every machine. Which parts each hypothesis depends on is the binder's (DependencyCollector).
/// </summary>
public static class PreregistrationEmitter
{
    public static string Initializer(SemanticModel model, string indent)
    {
        var parts = Parts(model).ToList();
        var b = new StringBuilder("new PreregistrationDigest(\n").Append(indent).Append("[\n");
        foreach (var (name, hash, canonical) in parts)
        {
            b.Append(indent).Append("    new(").Append(Quoted(name)).Append(", ").Append(Quoted(hash));
            if (canonical is not null)
            {
                b.Append(", ").Append(Quoted(canonical));
            }
            b.Append("),\n");
        }
        return b.Append(indent).Append("])").ToString();
    }

    public static IEnumerable<(string Name, string Hash, string? Canonical)> Parts(SemanticModel model)
    {
        foreach (var h in model.Hypotheses)
        {
            yield return Part(h, quote: true);
        }
        foreach (var m in model.Metrics)
        {
            yield return Part(m, quote: true, Rubrics(m.PerUnit is null ? [] : [m.PerUnit]));
        }
        foreach (var r in model.Runs)
        {
            yield return Part(r, quote: true);
        }
        // One part per metric's simulated values, so that a new value for one metric does not touch another's hypotheses.
        foreach (var metric in model.Simulation.GroupBy(v => v.Metric).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var simulate = string.Join("; ", metric.Select(v => $"{v.Scenario}: {v.Metric}{v.Cell} = {Number(v.Value)}"));
            yield return (PreregistrationParts.Simulate(metric.Key), Hash(simulate), simulate);
        }
        foreach (var e in model.Environments)
        {
            var loaded = e.Files.Select(f => $"{f.Path}\n{f.Content}")
                .Append(e.System?.Template ?? "").Append(e.User?.Template ?? "")
                .Concat(Rubrics(e.Outcomes.Select(o => o.Predicate).Concat(e.Followups.Select(f => f.Grader))));
            yield return Part(e, quote: false, loaded);
        }
        foreach (var m in model.Manipulations)
        {
            var injected = m.ReasoningEdit is BoundInject { Text: BoundLiteral { Value: string text } } ? [text] : Array.Empty<string>();
            yield return Part(m, quote: false, injected.Concat(Rubrics(m.ReasoningEdit is null ? [] : [m.ReasoningEdit])));
        }
        foreach (var c in model.Checkpoints)
        {
            yield return Part(c, quote: false);
        }
        foreach (var s in model.Specs)
        {
            yield return Part(s, quote: false, s.Principles.Select(p => $"{p.Id}: {p.Text}"));
        }
    }

    private static (string, string, string?) Part(Symbol symbol, bool quote, IEnumerable<string>? loaded = null)
    {
        var canonical = CanonicalPrinter.Print(symbol.Declaration);
        var hashed = loaded is null ? canonical : canonical + "\n" + string.Join("\n", loaded);
        return (PreregistrationParts.Of(symbol), Hash(hashed), quote ? canonical : null);
    }

    private static IEnumerable<string> Rubrics(IEnumerable<BoundExpression> expressions) =>
        expressions.SelectMany(BoundTreeWalker.Descendants).OfType<BoundJudge>().Select(j => j.RubricText ?? j.Question ?? "");

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
