using Scheme.Contracts;
using Scheme.Engine.Store;
using Scheme.Model;

namespace Scheme.Runtime.Tests.Store;

/// <summary>
/// The experiment hash decides whether a run directory can be resumed: a suite that uses none of the workspace features
/// added later (verbatim files, grader files, file edits) must hash as it did before them, and each of them must count.
/// </summary>
public class ExperimentHashTests
{
    /// <summary>Computed with the engine of main before grader files, verbatim files and file edits existed.</summary>
    private const string HashBeforeWorkspaceFeatures = "sha256:3274fc3c523bc0f6789454c4f8e605f217240c4468f9b021bf610ebad66d734c";

    private static ExperimentDefinition Experiment(IReadOnlyList<WorkspaceFile>? files = null, IReadOnlyList<WorkspaceFile>? graderFiles = null,
        IReadOnlyList<FileEdit>? edits = null) => new()
    {
        Name = "Meinke",
        Seed = 7,
        Checkpoints = [new CheckpointDefinition("o3", "openai", "o3-test")],
        Environments =
        [
            new EnvironmentDefinition("Oversight", "oversight", [new ParamDefinition("goal", [true, false])],
                files ?? [new WorkspaceFile("config.yaml", "oversight_enabled: true"), new WorkspaceFile("memo.md", "We monitor {{ goal }}.")],
                "{{ if goal }}Goal.{{ end }}", "Choose.", [new ToolDefinition("read_file", true, [])], 5,
                [new OutcomeDefinition("covert_action", _ => true)], [], GraderFiles: graderFiles),
        ],
        Manipulations = [new ManipulationDefinition("WithCue", [], [PromptEdit.Append("Note.")], null, null, [], edits)],
        Runs = [new RunDefinition("Main", ["o3"], ["Oversight"], ["baseline", "WithCue"], 1)],
    };

    [Fact]
    public void A_suite_without_the_new_workspace_features_hashes_as_before()
    {
        Assert.Equal(HashBeforeWorkspaceFeatures, ExperimentHash.Compute(Experiment()));
        Assert.Equal(HashBeforeWorkspaceFeatures, ExperimentHash.Compute(Experiment(graderFiles: [], edits: [])));
    }

    [Fact]
    public void Verbatim_files_grader_files_and_file_edits_each_change_the_hash()
    {
        var hashes = new[]
        {
            ExperimentHash.Compute(Experiment()),
            ExperimentHash.Compute(Experiment(files: [new WorkspaceFile("config.yaml", "oversight_enabled: true"), new WorkspaceFile("memo.md", "We monitor {{ goal }}.", Verbatim: true)])),
            ExperimentHash.Compute(Experiment(graderFiles: [new WorkspaceFile("key.json", "[\"7\"]")])),
            ExperimentHash.Compute(Experiment(graderFiles: [new WorkspaceFile("key.json", "[\"8\"]")])),
            ExperimentHash.Compute(Experiment(edits: [FileEdit.Add("notice.md", "Deployed.")])),
            ExperimentHash.Compute(Experiment(edits: [FileEdit.Replace("config.yaml", "Deployed.")])),
        };
        Assert.Equal(hashes.Length, hashes.Distinct().Count());
    }

    [Fact]
    public void A_reasoning_format_a_param_cell_a_described_argument_and_a_sandbox_each_change_the_hash_and_only_where_used()
    {
        var plain = Experiment() with { Simulation = [new SimulatedValue("simulate", "covert_rate", new Cell(Checkpoint: "o3"), 0.1)] };
        var environment = plain.Environments[0];
        var hashes = new[]
        {
            ExperimentHash.Compute(plain),
            ExperimentHash.Compute(plain with { Checkpoints = [new CheckpointDefinition("o3", "openai", "o3-test", ReasoningFormat: "harmony")] }),
            ExperimentHash.Compute(plain with { Simulation = [new SimulatedValue("simulate", "covert_rate", new Cell(Checkpoint: "o3", Params: [new CellParam("goal", false)]), 0.1)] }),
            ExperimentHash.Compute(plain with { Environments = [environment with { Tools = [new ToolDefinition("submit", true, [new ToolParameter("answer", ValueKind.String, "Your answer")])] }] }),
            ExperimentHash.Compute(plain with { Environments = [environment with { Tools = [new ToolDefinition("submit", true, [new ToolParameter("answer", ValueKind.String)])] }] }),
            ExperimentHash.Compute(plain with { Environments = [environment with { Sandbox = new SandboxDefinition("bubblewrap") }] }),
            ExperimentHash.Compute(plain with { Environments = [environment with { Sandbox = new SandboxDefinition("bubblewrap"), Mounts = ["/srv/successor"] }] }),
        };
        Assert.Equal(hashes.Length, hashes.Distinct().Count());
        // A hand-built checkpoint with a format the runtime does not know is hashed, not a crash (the run refuses it later).
        Assert.StartsWith("sha256:", ExperimentHash.Compute(plain with { Checkpoints = [new CheckpointDefinition("o3", "openai", "o3-test", ReasoningFormat: "nope")] }));
    }

    [Fact]
    public void A_pair_metric_its_conditions_and_a_narrowed_scope_change_the_hash_and_a_scope_that_narrows_nothing_does_not()
    {
        MetricDefinition Metric(PairDefinition? pair = null, IReadOnlyList<string>? appliesTo = null) =>
            new("covert_rate", MetricAggregation.Rate, _ => 0, ["covert_action"], AppliesTo: appliesTo, Pair: pair);
        var plain = Experiment();
        var hashes = new[]
        {
            ExperimentHash.Compute(plain with { Metrics = [Metric()] }),
            ExperimentHash.Compute(plain with { Metrics = [Metric(new PairDefinition("baseline", "WithCue", ["covert_action"], ["covert_action"], (a, b) => a("covert_action")))] }),
            ExperimentHash.Compute(plain with { Metrics = [Metric(new PairDefinition("WithCue", "baseline", ["covert_action"], ["covert_action"], (a, b) => a("covert_action")))] }),
            ExperimentHash.Compute(plain with { Metrics = [Metric(appliesTo: [])] }),
        };
        Assert.Equal(hashes.Length, hashes.Distinct().Count());
        Assert.Equal(hashes[0], ExperimentHash.Compute(plain with { Metrics = [Metric(appliesTo: ["Oversight"])] }));
    }
}
