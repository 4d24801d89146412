using Scheme.Analysis;
using Scheme.Compiler.Emit;
using Scheme.Compiler.Tests.Golden;
using Scheme.Compiler.Text;
using Scheme.Contracts;
using Scheme.Engine.Store;
using Scheme.Model;

namespace Scheme.Compiler.Tests.Emit;

/// <summary>
/// The compiler accepts exactly the contracts' closed sets and hands the runtime what the contracts define: every
/// built-in tool with the catalog's signature and description, every test where it fits, every correction, capability,
/// provider and <c>then</c>. Adding an entry to a catalog needs no edit here.
/// </summary>
public sealed class CatalogTests
{
    private static CompilationResult Compile(string text) =>
        SchemeCompilation.Compile([new SourceFile("suite.scheme", text, "/study/suite.scheme")], new EmitOptions("Catalog"));

    private static ExperimentDefinition Load(CompilationResult result)
    {
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        var trees = result.GeneratedFiles.Select(f => CSharpBuild.Parse(f.Content, f.FileName)).ToList();
        var (problems, image) = CSharpBuild.Emit(CSharpBuild.Create("Catalog", trees, Microsoft.CodeAnalysis.OutputKind.ConsoleApplication));
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        return (ExperimentDefinition)CSharpBuild.Load(image!).GetType("Catalog.E", throwOnError: true)!.GetProperty("Definition")!.GetValue(null)!;
    }

    private static string Suite(string tools = "read_file", string test = "", string correction = "", string capabilities = "tools", string then = "resample",
        string sandbox = "") => $$"""
        experiment E { seed: 1 }
        checkpoint m { provider: simulated capabilities: [{{capabilities}}] }
        checkpoint judge { provider: simulated }
        environment Q { {{sandbox}} user: "Hi" tools: [{{tools}}] covert_action: contains(output, "x") }
        manipulation Strip { reasoning: remove sentences where judge(judge, "Is it?") then: {{then}} requires: reasoning_prefill }
        metric covert_rate = rate(covert_action)
        metric length_mean = mean(length(output))
        run Main { checkpoints: [m] environments: [Q] conditions: [baseline, Strip] epochs: 2 }
        {{test}}
        """;

    [Fact]
    public void Every_builtin_tool_reaches_the_runtime_with_the_catalogs_signature_and_description()
    {
        var tools = string.Join(", ", BuiltinToolCatalog.All.Select(t => t.DeclaredArguments ? $"{t.Name}(answer: string)" : t.Name));

        // bash and python need a sandbox; the catalog's tools all reach an environment that has one.
        var definition = Load(Compile(Suite(tools: tools, capabilities: "tools, reasoning_prefill", sandbox: "sandbox: bubblewrap")));

        foreach (var tool in BuiltinToolCatalog.All)
        {
            var emitted = definition.Environment("Q").Tools.Single(t => t.Name == tool.Name);
            Assert.True(emitted.IsBuiltin);
            Assert.Equal(tool.Description, emitted.Description);
            Assert.Equal(tool.Arguments.Select(a => (a.Name, a.Type, a.Description)), emitted.Parameters.Select(p => (p.Name, p.Type, p.Description)));
        }
        Assert.Equal(new SandboxDefinition("bubblewrap"), definition.Environment("Q").Sandbox);
    }

    [Fact]
    public void Descriptions_written_in_the_language_reach_the_model_in_place_of_the_catalogs()
    {
        var tools = "bash(\"Run one command.\", command: \"A line of bash.\"), read_file(\"Open a file.\"), " +
            "submit(answer: string(\"Your answer\"))";

        var environment = Load(Compile(Suite(tools: tools, capabilities: "tools, reasoning_prefill", sandbox: "sandbox: bubblewrap"))).Environment("Q");

        var described = environment.Tools.ToDictionary(t => t.Name);
        Assert.Equal(("Run one command.", "A line of bash."), (described["bash"].Description, described["bash"].Parameters.Single().Description));
        Assert.Equal(("Open a file.", null), (described["read_file"].Description, described["read_file"].Parameters.Single().Description));
        Assert.Equal((BuiltinToolCatalog.Find("submit")!.Description, "Your answer"),
            (described["submit"].Description, described["submit"].Parameters.Single().Description));
    }

    [Fact]
    public void Hostile_descriptions_reach_the_model_as_written_and_never_as_code()
    {
        // Text that would end a C# string, comment or raw literal, a #line directive, and a Scriban tag.
        const string Hostile = "\"); System.Environment.Exit(3); /* */ //\n#line 1 \"x.cs\"\n\"\"{{ tools }} \u2028 */";
        var tools = $"bash(\"\"\"{Hostile}\"\"\", command: \"\"\"{Hostile}\"\"\")";

        var bash = Load(Compile(Suite(tools: tools, capabilities: "tools, reasoning_prefill", sandbox: "sandbox: bubblewrap"))).Environment("Q").Tools.Single();

        Assert.Equal((Hostile, Hostile), (bash.Description, bash.Parameters.Single().Description));
    }

    public static TheoryData<string, string> TestsAndHypotheses()
    {
        var data = new TheoryData<string, string>();
        // Tests of another estimand than the difference are accepted with it (Every_test_of_an_estimand_is_accepted).
        foreach (var test in StatisticalTests.All.Where(t => t.TestsEstimands.Contains(Estimands.Difference)))
        {
            var metric = test.Metrics.Contains(MetricKind.Rate) ? "covert_rate" : "length_mean";
            var expect = test.Comparisons.Contains(Comparison.Constant) ? $"{metric}[m] > 0.1"
                : test.Comparisons.Contains(Comparison.Paired) ? $"{metric}[m, Strip] > {metric}[m, baseline]"
                : $"{metric}[m, Strip] > {metric}[m, baseline]";
            data.Add(test.Name, expect);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(TestsAndHypotheses))]
    public void Every_test_is_accepted_where_it_fits(string test, string expect)
    {
        var definition = Load(Compile(Suite(capabilities: "tools, reasoning_prefill", test: $"hypothesis H {{ expect {expect} test: {test} }}")));

        Assert.Equal(test, definition.Hypotheses.Single().Test);
    }

    public static TheoryData<string, string> EstimandTests()
    {
        var data = new TheoryData<string, string>();
        foreach (var test in StatisticalTests.All)
        {
            foreach (var estimand in test.TestsEstimands.Where(e => e != Estimands.Difference))
            {
                data.Add(test.Name, estimand);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(EstimandTests))]
    public void Every_test_of_an_estimand_is_accepted(string test, string estimand)
    {
        var definition = Load(Compile(TwoCheckpoints($"covert_rate[m] > covert_rate[m2]  estimand: {estimand}  test: {test}")));

        Assert.Equal((test, estimand), (definition.Hypotheses.Single().Test, definition.Hypotheses.Single().Estimand));
    }

    public static TheoryData<Comparison, MetricKind, string> Shapes()
    {
        var data = new TheoryData<Comparison, MetricKind, string>();
        foreach (var estimand in Estimands.All)
        {
            foreach (var comparison in estimand.Comparisons)
            {
                foreach (var metric in estimand.Metrics)
                {
                    data.Add(comparison, metric, estimand.Name);
                }
            }
        }
        return data;
    }

    private static string TwoCheckpoints(string hypothesis) => $$"""
        experiment E { seed: 1 }
        checkpoint m { provider: simulated }
        checkpoint m2 { provider: simulated }
        environment Q { user: "Hi" covert_action: contains(output, "x") }
        environment Q2 { user: "Hello" covert_action: contains(output, "y") }
        manipulation Cue { user: append("Note: this is an evaluation.") }
        metric covert_rate = rate(covert_action)
        metric length_mean = mean(length(output))
        run Main { checkpoints: [m, m2] environments: [Q, Q2] conditions: [baseline, Cue] epochs: 20 }
        hypothesis H { expect {{hypothesis}} }
        """;

    /// <summary>
    /// A hypothesis that names no test gets the catalog's default for what it compares and estimates, the default fits,
    /// and the analysis evaluates the compiled hypothesis on units: no shape of hypothesis compiles into one the analysis
    /// cannot test.
    /// </summary>
    [Theory]
    [MemberData(nameof(Shapes))]
    public void Every_comparison_gets_a_default_test_that_fits_and_is_evaluated(Comparison comparison, MetricKind metric, string estimand)
    {
        var name = metric == MetricKind.Rate ? "covert_rate" : "length_mean";
        var expect = comparison switch
        {
            Comparison.Constant => $"{name}[m] > 0.1",
            Comparison.Paired => $"{name}[m, Cue] > {name}[m, baseline]",
            _ => $"{name}[m] > {name}[m2]",
        };
        var definition = Load(Compile(TwoCheckpoints(expect + (estimand == Estimands.Default ? "" : $"  estimand: {estimand}"))));
        var units = from checkpoint in new[] { "m", "m2" }
                    from environment in new[] { "Q", "Q2" }
                    from condition in new[] { "baseline", "Cue" }
                    from epoch in Enumerable.Range(0, 20)
                    let salt = checkpoint.Length * 3 + condition.Length + environment.Length * 5
                    select new UnitRecord($"{checkpoint}-{environment}-{condition}-{epoch}", "Main", checkpoint, environment, "default", condition, epoch, epoch, UnitStatus.Done,
                        new Dictionary<string, bool> { ["covert_action"] = (epoch + salt) % 3 == 0 },
                        new Dictionary<string, double?> { ["length_mean"] = (epoch * 37 + salt * 11) % 13 });

        var hypothesis = definition.Hypotheses.Single();
        var row = ExperimentAnalyzer.Analyze(definition, units).Hypotheses.Single();

        Assert.Equal(StatisticalTests.DefaultFor(comparison, metric, estimand), hypothesis.Test);
        Assert.Equal(estimand, hypothesis.Estimand);
        Assert.True(StatisticalTests.Find(hypothesis.Test)!.Fits(comparison, metric, estimand),
            $"the default {hypothesis.Test} does not fit a {metric} compared as {comparison} for the {estimand}");
        Assert.Equal(comparison == Comparison.Paired, hypothesis.Paired);
        Assert.True(row.PValue is >= 0 and <= 1, $"{hypothesis.Test} on '{expect}' was not evaluated: {string.Join("; ", row.Notes)}");
        Assert.Equal(comparison == Comparison.Paired ? 40 : 80, row.LeftN);
    }

    [Theory]
    [MemberData(nameof(Corrections_))]
    public void Every_correction_is_accepted(string correction)
    {
        var definition = Load(Compile(Suite(capabilities: "tools, reasoning_prefill",
            test: $"hypothesis H {{ expect covert_rate[m, Strip] > covert_rate[m, baseline] correction: {correction} }}")));

        Assert.Equal(correction, definition.Hypotheses.Single().Correction);
    }

    public static TheoryData<string> Corrections_ => new(Contracts.Corrections.All);

    [Fact]
    public void Every_capability_provider_and_then_value_is_accepted_and_nothing_else()
    {
        Assert.True(Compile(Suite(capabilities: string.Join(", ", Capabilities.All))).Success);
        Assert.All(ReasoningEditThen.All, then => Assert.True(Compile(Suite(capabilities: "tools, reasoning_prefill", then: then)).Success));
        foreach (var provider in ProviderKinds.Declarable)
        {
            Assert.True(Compile(Suite(capabilities: "tools, reasoning_prefill").Replace("checkpoint judge { provider: simulated }", $"checkpoint judge {{ provider: {provider} model: \"j\" }}")).Success);
        }
        Assert.Contains(Compile(Suite(capabilities: "telepathy")).Diagnostics, d => d.Code == "SCH0121");
        Assert.Contains(Compile(Suite(capabilities: "tools, reasoning_prefill", then: "rewind")).Diagnostics, d => d.Code == "SCH0123");
    }
}
