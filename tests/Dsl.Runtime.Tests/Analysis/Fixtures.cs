using System.Security.Cryptography;
using System.Text;
using Scheme.Analysis;
using Scheme.Engine.Store;
using Scheme.Model;

namespace Scheme.Runtime.Tests.Analysis;

/// <summary>Small hand-built experiments and unit results with counts that can be checked by hand.</summary>
internal static class Fixtures
{
    public static readonly MetricDefinition CovertRate = new("covert_rate", MetricAggregation.Rate,
        t => t.Outcome("covert_action") ? 1.0 : 0.0, ["covert_action"], PlainOutcome: "covert_action");

    public static readonly MetricDefinition Score = new("score", MetricAggregation.Mean, _ => 0.0, []);

    /// <summary>An environment with the covert_action outcome the fixtures' rate metric reads.</summary>
    public static EnvironmentDefinition Environment(string name) =>
        new(name, null, [], [], null, "Do the task.", [], 1, [new OutcomeDefinition("covert_action", _ => false)], []);

    public static HypothesisDefinition Hypothesis(string name, Cell left, Direction direction, Cell? right, string test,
        string metric = "covert_rate", double alpha = 0.05, string family = "primary", string correction = "holm", bool paired = false,
        double? constant = null) =>
        new(name, null, metric, left, direction, right, constant, test, alpha, family, correction, paired);

    public static ExperimentDefinition Experiment(
        IReadOnlyList<HypothesisDefinition>? hypotheses = null,
        IReadOnlyList<RunDefinition>? runs = null,
        IReadOnlyList<SimulatedValue>? simulation = null,
        IReadOnlyList<string>? environments = null,
        bool withDigest = true,
        string metricCanonical = "metric covert_rate = rate(covert_action)",
        string simulateCanonical = "simulate simulate { }")
    {
        hypotheses ??= [];
        environments ??= ["A", "B"];
        // 100 epochs: enough for the unit counts the tests use, which the analyze command checks against the design.
        runs ??= [new RunDefinition("Main", ["o3", "o3_as"], environments, ["baseline", "EvalCue"], 100)];
        simulation ??= [];
        PreregistrationDigest? digest = null;
        if (withDigest)
        {
            var parts = new List<PreregisteredPart>();
            parts.AddRange(hypotheses.Select(h => Part($"hypothesis {h.Name}",
                $"hypothesis {h.Name} {{ alpha: {h.Alpha}; test: {h.Test}; expect {AnalysisText.Comparison(h)}; }}")));
            parts.Add(Part("metric covert_rate", metricCanonical));
            parts.Add(Part("metric score", "metric score = mean(score)"));
            parts.AddRange(runs.Select(r => Part($"run {r.Name}",
                $"run {r.Name} {{ checkpoints: [{string.Join(", ", r.Checkpoints)}]; conditions: [{string.Join(", ", r.Conditions)}]; environments: [{string.Join(", ", r.Environments)}]; epochs: {r.Epochs}; }}")));
            parts.Add(Part("simulate covert_rate", simulateCanonical));
            parts.AddRange(environments.Select(e => new PreregisteredPart($"environment {e}", Hash("environment " + e))));
            digest = new PreregistrationDigest(parts);
        }
        // What the compiler would resolve for these designs: the hypothesis, its metric and simulated values, and the runs
        // feeding its cells with their checkpoints (o3_as extends o3) and environments.
        hypotheses = hypotheses.Select(h => h.DependsOn is not null ? h : h with
        {
            DependsOn = [$"hypothesis {h.Name}", $"metric {h.Metric}", $"simulate {h.Metric}", .. runs.SelectMany(r => (string[])
                [$"run {r.Name}", .. r.Checkpoints.Select(c => $"checkpoint {c}"), .. r.Environments.Select(e => $"environment {e}")]).Distinct()],
        }).ToList();
        return new ExperimentDefinition
        {
            Name = "Test",
            Title = "A test experiment",
            Seed = 42,
            Checkpoints = [new CheckpointDefinition("o3", "openai", "o3"), new CheckpointDefinition("o3_as", "openai", "o3-as", Extends: "o3")],
            Environments = environments.Select(Environment).ToList(),
            Metrics = [CovertRate, Score],
            Runs = runs,
            Simulation = simulation,
            Hypotheses = hypotheses,
            Preregistration = digest,
        };
    }

    /// <summary>Runs one command line through the runner host, as a generated runner does, and captures both writers.</summary>
    public static (int Exit, string Output, string Errors) RunHost(ExperimentDefinition experiment, params string[] args)
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        var exit = Scheme.Runtime.Cli.RunnerHost.Run(args, experiment, output, errors, CancellationToken.None);
        return (exit, output.ToString(), errors.ToString());
    }

    public static PreregisteredPart Part(string name, string canonical) => new(name, Hash(canonical), canonical);

    public static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary><paramref name="count"/> units of one cell, the first <paramref name="covert"/> of them covert.</summary>
    public static IEnumerable<UnitRecord> Units(string checkpoint, string environment, string condition, int count, int covert,
        string run = "Main", int epochOffset = 0, string variant = "default", DateTimeOffset? finishedAt = null)
    {
        for (var i = 0; i < count; i++)
        {
            yield return Unit(checkpoint, environment, condition, epochOffset + i, i < covert, run, variant, finishedAt);
        }
    }

    public static UnitRecord Unit(string checkpoint, string environment, string condition, int epoch, bool covert,
        string run = "Main", string variant = "default", DateTimeOffset? finishedAt = null, double? score = null) =>
        new($"{run}-{checkpoint}-{environment}-{variant}-{condition}-{epoch}", run, checkpoint, environment, variant, condition, epoch, epoch,
            UnitStatus.Done, new Dictionary<string, bool> { ["covert_action"] = covert },
            score is { } s ? new Dictionary<string, double?> { ["score"] = s } : new Dictionary<string, double?>(),
            100, 50, 0.001, 1000, null, finishedAt);
}
