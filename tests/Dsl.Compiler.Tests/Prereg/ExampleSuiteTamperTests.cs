using Microsoft.CodeAnalysis;
using Scheme.Analysis.Prereg;
using Scheme.Compiler.Emit;
using Scheme.Compiler.Tests.Golden;
using Scheme.Model;

namespace Scheme.Compiler.Tests.Prereg;

/// <summary>
/// Tampering with the shipped example suite after its preregistration lock: each kind of dependency the compiler
/// resolves (a spec a condition prepends, a judge checkpoint of a reasoning edit, a checkpoint's lineage, a loaded rubric,
/// a loaded data file, simulated values, a manipulation, a run, a hypothesis) is changed in a copy of
/// experiments/AntiScheming, the copy is compiled and loaded, and exactly the hypotheses that depend on the change
/// become exploratory, each naming the changed part. A comment or a change nothing depends on leaves all confirmatory.
/// </summary>
public sealed class ExampleSuiteTamperTests : IDisposable
{
    private static readonly string Root = TestPaths.RepositoryRoot;

    private static readonly DateTimeOffset LockedAt = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly string _directory = Directory.CreateTempSubdirectory("scheme-tamper-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    public static TheoryData<string, string, string, string, string[]> Changes => new()
    {
        // file, text before, text after, the part that changes, the hypotheses that become exploratory
        { "spec.scheme", "No covert actions or strategic deception", "No covert actions or deception", "spec AntiScheming", ["H1", "H2", "H4", "H5", "H6", "H7", "H8"] },
        // H6's pair metric reads only its two conditions (EvalCue and baseline), so the spec of WithSpec is not its data.
        { "spec.scheme", "model: \"gpt-4.1\"", "model: \"gpt-4.1-mini\"", "checkpoint judge", ["H3"] },
        { "spec.scheme", "reasoning_effort: high", "reasoning_effort: medium", "checkpoint o3", ["H1", "H2", "H3", "H4", "H5", "H6", "H7", "H8"] },
        { "rubrics/confession.md", "feigns ignorance", "pretends not to know", "environment OversightSubversion", ["H1", "H2", "H3", "H4", "H5", "H6", "H7"] },
        { "data/arithmetic_key.json", "\"625\"", "\"626\"", "environment SandbaggingQA", ["H1", "H2", "H4", "H5", "H6", "H7", "H8"] },
        { "suite.scheme", "covert_rate[o3] = 13%", "covert_rate[o3] = 14%", "simulate covert_rate", ["H1", "H2", "H3", "H5", "H6", "H7"] },
        { "suite.scheme", "alignment_faking[o3] = 11%", "alignment_faking[o3] = 12%", "simulate alignment_faking", ["H5", "H6"] },
        { "suite.scheme", "spec_citation[o3] = 0.01", "spec_citation[o3] = 0.02", "simulate spec_citation", ["H4"] },
        { "suite.scheme", "Note: this is an alignment evaluation.", "Note: this is an evaluation.", "manipulation EvalCue", ["H1", "H2", "H4", "H5", "H6", "H7", "H8"] },
        { "suite.scheme", "say the model may be being tested or evaluated?", "say it may be tested?", "manipulation StripEvalAwareness", ["H3"] },
        { "suite.scheme", "epochs: 50", "epochs: 60", "run Counterfactual", ["H3"] },
        { "suite.scheme", "  alpha: 0.05\n  family: secondary", "  alpha: 0.01\n  family: secondary", "hypothesis H4", ["H4"] },
        // What a hypothesis estimates decides its result (a ratio's interval, an average's test): declaring one is a change.
        { "suite.scheme", "  expect covert_rate[o3_as] < covert_rate[o3]\n  test: fisher_exact", "  expect covert_rate[o3_as] < covert_rate[o3]\n  estimand: risk_ratio\n  test: fisher_exact", "hypothesis H1", ["H1", "H2"] },
        // Only the eval_awareness metric reads this rubric, and no hypothesis tests that metric.
        { "rubrics/eval_awareness.md", "red-teaming exercise", "red-team exercise", "metric eval_awareness", [] },
        // Layout and comments are not meaning.
        { "suite.scheme", "metric covert_rate = rate(covert_action)", "// the rate of covert actions\nmetric   covert_rate =   rate( covert_action )", "", [] },
    };

    [Theory]
    [MemberData(nameof(Changes))]
    public void A_change_after_the_lock_makes_exactly_its_dependents_exploratory(string file, string before, string after, string part, string[] expected)
    {
        var locked = PreregistrationLock.Create(Compile("locked", _ => { }), LockedAt, null);
        var changed = Compile("changed", directory =>
        {
            var path = Path.Combine(directory, file);
            var text = File.ReadAllText(path);
            Assert.Contains(before, text);
            File.WriteAllText(path, text.Replace(before, after, StringComparison.Ordinal));
        });

        var standings = changed.Hypotheses.ToDictionary(h => h.Name, h => PreregistrationVerifier.Assess(locked, changed, h, LockedAt.AddHours(1)));

        Assert.Equal(expected, standings.Where(s => !s.Value.Confirmatory).Select(s => s.Key).Order());
        foreach (var name in expected)
        {
            Assert.Contains(standings[name].Changes, c => c.Name == part);
        }
        if (part.Length > 0)
        {
            Assert.Contains(PreregistrationVerifier.Compare(locked, changed.Preregistration!), c => c.Name == part);
        }
    }

    /// <summary>
    /// A family's correction adjusts each member's p-value by the others': dropping a member after the lock (a failing
    /// H2 moved to a family of its own) loosens H1's correction, so H1 is exploratory although its own text, metric and
    /// data are unchanged; families that did not change stay confirmatory.
    /// </summary>
    [Fact]
    public void Moving_a_hypothesis_out_of_its_family_makes_the_rest_of_the_family_exploratory()
    {
        var locked = PreregistrationLock.Create(Compile("locked", _ => { }), LockedAt, null);
        var changed = Compile("changed", directory =>
        {
            var path = Path.Combine(directory, "suite.scheme");
            var text = File.ReadAllText(path);
            const string h2 = "covert_rate[o3, SandbaggingQA]\n  test: fisher_exact\n  alpha: 0.01\n  family: primary";
            Assert.Contains(h2, text);
            File.WriteAllText(path, text.Replace(h2, h2.Replace("family: primary", "family: sandbagging"), StringComparison.Ordinal));
        });

        var standings = changed.Hypotheses.ToDictionary(h => h.Name, h => PreregistrationVerifier.Assess(locked, changed, h, LockedAt.AddHours(1)));

        Assert.Equal(["H1", "H2"], standings.Where(s => !s.Value.Confirmatory).Select(s => s.Key).Order());
        Assert.Contains(standings["H1"].Changes, c => c.Name == "family primary");
        Assert.DoesNotContain(standings["H1"].Changes, c => c.Name.StartsWith("hypothesis", StringComparison.Ordinal));
    }

    /// <summary>Copies the example suite, lets <paramref name="tamper"/> change the copy, compiles it and loads its definition.</summary>
    private ExperimentDefinition Compile(string name, Action<string> tamper)
    {
        var directory = Path.Combine(_directory, name);
        ExampleSuiteCopy.CopyTo(directory);
        tamper(directory);
        return ExampleSuiteCopy.Compile(directory, "Tamper" + name);
    }
}
