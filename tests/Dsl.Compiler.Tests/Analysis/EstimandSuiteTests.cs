using System.Text.Json;
using Microsoft.CodeAnalysis;
using Scheme.Analysis;
using Scheme.Analysis.Reports;
using Scheme.Compiler.Tests.Golden;
using Scheme.Engine;
using Scheme.Engine.Design;
using Scheme.Engine.Store;
using Scheme.Model;

namespace Scheme.Compiler.Tests.Analysis;

/// <summary>
/// The estimands of issue 9 end to end, without a dotnet build: the valid sample Valid/estimands.scheme is compiled
/// in-process, its generated C# compiled with Roslyn and loaded, its run drawn offline from its simulate block (the
/// runner's SimulatedExecutor), and analyzed and reported. Each estimand arrives in the analysis with its own estimate,
/// interval (at 1 - alpha, one-sided as the test) and test, and the report and analysis.json say which.
/// </summary>
public sealed class EstimandSuiteTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("scheme-estimands-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static ExperimentDefinition Load()
    {
        var result = SampleCompiler.Compile("Valid/estimands.scheme");
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        var trees = result.GeneratedFiles.Select(f => CSharpBuild.Parse(f.Content, f.FileName)).ToList();
        var (problems, image) = CSharpBuild.Emit(CSharpBuild.Create("EstimandsSuite", trees, OutputKind.ConsoleApplication));
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        return (ExperimentDefinition)CSharpBuild.Load(image!).GetType("Samples.Estimands", throwOnError: true)!.GetProperty("Definition")!.GetValue(null)!;
    }

    /// <summary>The offline run; answer lengths, which the simulate block gives as one constant, get a spread around it
    /// so that the t test has a variance to test.</summary>
    private static List<UnitRecord> Units(ExperimentDefinition experiment)
    {
        var executor = new SimulatedExecutor(experiment);
        return DesignExpander.Expand(experiment, experiment.Runs.Single())
            .Select(u => UnitRecord.Done(executor.Draw(u), DateTimeOffset.UnixEpoch))
            .Select(u => u with { Metrics = new Dictionary<string, double?>(u.Metrics) { ["answer_length"] = u.Metrics["answer_length"] + u.Epoch % 7 - 3 } })
            .ToList();
    }

    [Fact]
    public void Every_estimand_is_evaluated_reported_and_named_in_analysis_json()
    {
        var experiment = Load();
        var units = Units(experiment);
        Assert.Equal(3 * 3 * 300, units.Count);

        var result = ExperimentAnalyzer.Analyze(experiment, units);
        var h = result.Hypotheses.ToDictionary(x => x.Name);

        // The unweighted average over the three environments: o3 about (13 + 31.8 + 13) / 3 = 19%, o3_as 0.4%.
        var average = h["Average"];
        Assert.Equal(("average_difference", "average_posterior"), (average.Estimand, average.Test));
        var byEnvironment = (string checkpoint) => result.Metrics.Where(r => r.Metric == "covert_rate" && r.Checkpoint == checkpoint && r.IsFullCell)
            .Select(r => r.Estimate!.Value).ToList();
        Assert.Equal(3, byEnvironment("o3").Count);
        Assert.Equal(byEnvironment("o3_as").Average() - byEnvironment("o3").Average(), average.Estimate!.Value, 12);
        Assert.Equal((-1.0, "upper_bound", 0.99), (average.Lower!.Value, average.IntervalSides, average.IntervalLevel!.Value));
        Assert.True(average.Upper < 0 && average.Decision == Decision.Supported, Describe(average));
        Assert.Contains(average.Notes, n => n.Contains("posterior P(left < right)"));

        var stratified = h["Stratified"];
        Assert.Equal(("average_difference", "cmh"), (stratified.Estimand, stratified.Test));
        Assert.Equal(average.Estimate, stratified.Estimate);
        Assert.True(stratified.PValue < 1e-20 && stratified.Decision == Decision.Supported, Describe(stratified));
        Assert.Contains(stratified.Notes, n => n.Contains("Exact CMH test over 3 environment(s)"));

        // Ratios: about 0.4% / 19%, below 1 with a one-sided 99% upper bound; their lower end is 0.
        var ratio = h["Ratio"];
        Assert.Equal(("risk_ratio", "fisher_exact", "Katz log interval of the risk ratio"), (ratio.Estimand, ratio.Test, ratio.IntervalMethod));
        Assert.InRange(ratio.Estimate!.Value, 0.001, 0.1);
        Assert.True(ratio.Lower == 0 && ratio.Upper < 1 && ratio.Decision == Decision.Supported, Describe(ratio));
        var odds = h["Odds"];
        Assert.Equal("odds_ratio", odds.Estimand);
        Assert.True(odds.Lower == 0 && odds.Upper < 1 && odds.IntervalInvertsTest && odds.Decision == Decision.Supported, Describe(odds));

        // Along the lineage: 0.4% -> 0.8% covert (a ratio above 1, bounded below), 81.5% -> 65.8% spec citation.
        var covert = h["CapabilityCovert"];
        Assert.Equal(("risk_ratio", "lower_bound"), (covert.Estimand, covert.IntervalSides));
        Assert.Null(covert.Upper);
        var citation = h["CapabilityCitation"];
        Assert.Equal(("difference", "fisher_exact"), (citation.Estimand, citation.Test));
        Assert.True(citation.Upper < 0 && citation.Decision == Decision.Supported, Describe(citation));
        Assert.Equal(2, result.BeforeAfter.Count(v => v.Metric == "covert_rate"));

        // A mean against a constant gets the one-sample t test, and its one-sided bound.
        var length = h["Length"];
        Assert.Equal(("t_test", "one-sample t, minus the constant", "lower_bound"), (length.Test, length.IntervalMethod, length.IntervalSides));
        Assert.True(length.Lower > 0 && length.Upper is null && length.Decision == Decision.Supported, Describe(length));

        // Meinke's rule: one-sided binomial against 25% at 0.01, with the one-sided 99% Clopper-Pearson bound, whose
        // side of 0 is the decision's.
        var schemer = h["Schemer"];
        Assert.Equal(("lower_bound", 0.99, true), (schemer.IntervalSides, schemer.IntervalLevel!.Value, schemer.IntervalInvertsTest));
        Assert.Equal(schemer.Decision == Decision.Supported, schemer.Lower > 0);

        // The report says which interval each row shows; analysis.json names every interval.
        var files = ReportWriter.Write(result, _directory);
        var markdown = File.ReadAllText(files.Markdown);
        Assert.Contains("| fisher_exact (risk_ratio) |", markdown);
        Assert.Contains("| average_posterior (average_difference) |", markdown);
        Assert.Contains("| cmh (average_difference) |", markdown);
        Assert.Contains("(99% upper bound)", markdown);
        Assert.Contains("(95% lower bound)", markdown);
        Assert.Contains("| Length: Answers are longer than 100 characters |", markdown);
        using var json = JsonDocument.Parse(File.ReadAllText(files.Json));
        var rows = json.RootElement.GetProperty("hypotheses").EnumerateArray().ToDictionary(r => r.GetProperty("name").GetString()!);
        Assert.Equal("risk_ratio", rows["Ratio"].GetProperty("estimand").GetString());
        Assert.Equal("upper_bound", rows["Ratio"].GetProperty("interval_sides").GetString());
        Assert.Equal(0.99, rows["Ratio"].GetProperty("interval_level").GetDouble());
        var metric = json.RootElement.GetProperty("metrics").EnumerateArray().First(r => r.GetProperty("metric").GetString() == "covert_rate");
        foreach (var name in new[] { "beta_lower", "beta_upper", "wilson_lower", "wilson_upper" })
        {
            Assert.Equal(JsonValueKind.Number, metric.GetProperty(name).ValueKind);
        }
        Assert.False(metric.TryGetProperty("lower", out _));
        var mean = json.RootElement.GetProperty("metrics").EnumerateArray().First(r => r.GetProperty("metric").GetString() == "answer_length");
        Assert.Equal(JsonValueKind.Number, mean.GetProperty("t_lower").ValueKind);
        Assert.Equal(JsonValueKind.Null, mean.GetProperty("beta_lower").ValueKind);
        var view = json.RootElement.GetProperty("before_after")[0];
        Assert.Equal(JsonValueKind.Number, view.GetProperty("rows")[0].GetProperty("before").GetProperty("beta_lower").ValueKind);
        Assert.Equal(JsonValueKind.Number, view.GetProperty("average_before").GetProperty("posterior_lower").ValueKind);
    }

    [Fact]
    public void Diagnose_powers_every_estimand_from_the_simulate_block()
    {
        var experiment = Load();
        var report = Scheme.Analysis.Power.PowerSimulator.Diagnose(experiment, new Scheme.Analysis.Power.PowerOptions(Replicates: 200, SearchEpochs: false));
        var power = report.Hypotheses.ToDictionary(h => h.Name);

        // 300 epochs per cell: 19% against 0.4% on average is certain to be found by each method; the mean is not simulated.
        foreach (var name in new[] { "Average", "Stratified", "Ratio", "Odds" })
        {
            Assert.True(power[name].Power > 0.99, $"{name}: power {power[name].Power}; {string.Join(" | ", power[name].Notes)}");
            Assert.True(power[name].FalsePositiveRate < 0.05, $"{name}: false positives {power[name].FalsePositiveRate}");
            Assert.Null(power[name].Coverage);
        }
        Assert.NotNull(power["CapabilityCitation"].Coverage);

        // The truth shown is the estimand's, from the simulate block: o3 at 13% in two environments and 31.8% in the
        // third (equal units), o3_as at 0.4% everywhere.
        const double before = (0.13 + 0.318 + 0.13) / 3, after = 0.004;
        Assert.Equal(after - before, power["Average"].TrueValue!.Value, 12);
        Assert.Equal(after / before, power["Ratio"].TrueValue!.Value, 12);
        Assert.Equal(after / (1 - after) / (before / (1 - before)), power["Odds"].TrueValue!.Value, 12);
        Assert.Equal(0.008 / 0.004, power["CapabilityCovert"].TrueValue!.Value, 12);
        Assert.Equal(0.658 - 0.815, power["CapabilityCitation"].TrueValue!.Value, 12);
    }

    private static string Describe(HypothesisResult h) =>
        $"{h.Name}: estimate {h.Estimate}, [{h.Lower}, {h.Upper}] {h.IntervalSides}, p {h.PValue}, {h.Decision}; {string.Join(" | ", h.Notes)}";
}
