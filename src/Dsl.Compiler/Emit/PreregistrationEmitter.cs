using System.Security.Cryptography;
using System.Text;
using Scheme.Compiler.Semantics.Expressions;
using Scheme.Compiler.Semantics.Symbols;
using static Scheme.Compiler.Emit.CSharpLiterals;

namespace Scheme.Compiler.Emit;

/// <summary>
/// Computes what `prereg lock` locks: for every declaration a hash of its canonical text plus the text of
/// the files it loads (workspace files, prompts, rubrics), so editing a loaded rubric is a deviation too,
/// while reformatting or commenting is not; and one part per metric's simulated values. Paths never enter a hash,
/// so it is the same on every machine. Which parts each hypothesis depends on is the binder's (DependencyCollector).
/// What each kind loads is its KindEmission's.
/// Every part keeps the exact text its hash is of (the canonical declaration followed by the loaded text), so that
/// `prereg verify` can show a line diff of what changed, a rubric's or a data file's lines included.
/// </summary>
public static class PreregistrationEmitter
{
    /// <param name="csharp">Reads the C# implementations of the suite's partial members; null when no C# sources were
    /// given (then the suite has no C# parts, and a lock that had them reports them removed).</param>
    public static IEnumerable<(string Name, string Hash, string? Canonical)> Parts(SemanticModel model, IReadOnlyList<KindEmission> kinds,
        ICSharpImplementations? csharp = null)
    {
        foreach (var kind in kinds)
        {
            foreach (var symbol in model.Declarations.Where(s => s.Declaration.Kind == kind.Kind))
            {
                var canonical = CanonicalPrinter.Print(symbol.Declaration);
                var hashed = kind.LoadedText is null ? canonical : canonical + "\n" + string.Join("\n", kind.LoadedText(symbol));
                yield return (PreregistrationParts.Of(symbol), Hash(hashed), hashed);
            }
        }
        // One part per partial member implemented in C#, of its normalized source and the project's code it uses.
        if (csharp is not null)
        {
            var texts = csharp.CanonicalTexts(CSharpMembers.All(model));
            foreach (var (member, text) in texts.OrderBy(t => t.Key.Class, StringComparer.Ordinal).ThenBy(t => t.Key.Method, StringComparer.Ordinal))
            {
                yield return (PreregistrationParts.CSharp(member), Hash(text), text);
            }
        }
        // One part per family: its members and their correction, which adjusts each member's p-value
        // by the others' (a member dropped after the lock would loosen the correction of the rest).
        foreach (var family in Semantics.Binding.DependencyCollector.Families(model))
        {
            var members = family.OrderBy(h => h.Name, StringComparer.Ordinal).Select(h => $"{h.Name} (correction: {h.Correction})");
            var text = $"family {family.Key}: {string.Join(", ", members)}";
            yield return (PreregistrationParts.Family(family.Key), Hash(text), text);
        }
        // One part per metric's simulated values, so that a new value for one metric does not touch another's hypotheses.
        foreach (var metric in model.Simulation.GroupBy(v => v.Metric).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var simulate = string.Join("; ", metric.Select(v => $"{v.Scenario}: {v.Metric}{v.Cell} = {SimulatedText(v)}"));
            yield return (PreregistrationParts.Simulate(metric.Key), Hash(simulate), simulate);
        }
    }

    /// <summary>A value as a simulate block writes it, normalized: a number, or a distribution with its parameters in order
    /// (names and spacing dropped), so <c>normal(mean: 1.5, sd: .5)</c> locks as <c>normal(1.5, 0.5)</c>. A plain number
    /// keeps the text it always had, so locks made before distributions existed still verify.</summary>
    private static string SimulatedText(SimulatedValueSymbol v) => v.Distribution switch
    {
        null => Number(v.Value),
        { Kind: Scheme.Contracts.SimulatedDistributions.Poisson } d => $"{d.Kind}({Number(d.First)})",
        { } d => $"{d.Kind}({Number(d.First)}, {Number(d.Second)})",
    };

    /// <summary>
    /// One loaded text under a line naming its role, its path as the .scheme writes it (never resolved: the hash must be
    /// the same on every machine) and its length. Without the marker two files that trade a line (the last line of
    /// a.md moved to the start of b.md) would join to the same text and keep the hash; the length makes the split
    /// unambiguous, and the line tells verify's diff which file changed.
    /// </summary>
    internal static string Loaded(string role, string? path, string text) =>
        $"--- {role}{(path is null ? "" : " " + path)} ({text.Length} characters)\n{text}";

    public static IEnumerable<string> LoadedBy(SpecSymbol spec) => spec.Principles.Select(p => Loaded("principle", p.Id, p.Text));

    /// <remarks>Grader files are marked apart, so moving a file between the model's workspace and the graders' is a change.
    /// An inherited member's text is here too (the environment is emitted whole); its base is a dependency of its own.</remarks>
    public static IEnumerable<string> LoadedBy(EnvironmentSymbol environment) =>
        environment.Files.Select(f => Loaded(f.Verbatim ? "verbatim file" : "file", f.Path, f.Content))
            .Concat(environment.GraderFiles.Select(f => Loaded(f.Verbatim ? "grader verbatim file" : "grader file", f.Path, f.Content)))
            .Append(Loaded("system prompt", null, environment.System?.Template ?? "")).Append(Loaded("user prompt", null, environment.User?.Template ?? ""))
            .Concat(Rubrics(environment.Outcomes.Select(o => o.Predicate).Concat(environment.Followups.Select(f => f.Grader))));

    public static IEnumerable<string> LoadedBy(ManipulationSymbol manipulation)
    {
        var injected = manipulation.ReasoningEdit is BoundInject { Text: BoundLiteral { Value: string text } } ? [Loaded("injected text", null, text)] : Array.Empty<string>();
        // A workspace edit's content may be load()ed, which its canonical text does not hold.
        // Each argument is marked apart, so text moved from an edit's path to its content is a change too.
        var files = manipulation.FileEdits.SelectMany(e => e.Arguments.OfType<BoundLiteral>()
            .Select(a => Loaded("file edit argument", null, Convert.ToString(a.Value, System.Globalization.CultureInfo.InvariantCulture) ?? "")));
        return injected.Concat(files).Concat(Rubrics(manipulation.ReasoningEdit is null ? [] : [manipulation.ReasoningEdit]));
    }

    public static IEnumerable<string> LoadedBy(MetricSymbol metric) => Rubrics(metric.PerUnit is null ? [] : [metric.PerUnit]);

    private static IEnumerable<string> Rubrics(IEnumerable<BoundExpression> expressions) =>
        expressions.SelectMany(BoundTreeWalker.Descendants).OfType<BoundJudge>()
            .Select(j => j.RubricText is { } rubric ? Loaded("rubric", j.RubricPath, rubric) : Loaded("judge question", null, j.Question ?? ""));

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
