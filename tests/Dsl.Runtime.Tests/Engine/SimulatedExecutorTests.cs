using Scheme.Engine;
using Scheme.Engine.Design;
using Scheme.Model;

namespace Scheme.Runtime.Tests.Engine;

public class SimulatedExecutorTests
{
    private static ExperimentDefinition Experiment(IReadOnlyList<SimulatedValue> simulation, int epochs = 2000)
    {
        var experiment = TestExperiments.Agentic("UNUSED", tasks: 2, epochs: epochs);
        return experiment with
        {
            Checkpoints = [.. experiment.Checkpoints, new CheckpointDefinition("other", "simulated", null)],
            Manipulations = [new ManipulationDefinition("Cue", [], [PromptEdit.Append("cue")], null, null, [])],
            Runs = [new RunDefinition("Main", ["agent", "other"], ["Oversight"], ["baseline", "Cue"], epochs)],
            Simulation = simulation,
        };
    }

    private static IEnumerable<WorkUnit> Units(ExperimentDefinition experiment) => DesignExpander.Expand(experiment, experiment.Runs[0]);

    [Fact]
    public void The_same_unit_always_gets_the_same_draw()
    {
        var experiment = Experiment([new SimulatedValue("s", "covert_rate", new Cell(), 0.5), new SimulatedValue("s", "confession_rate", new Cell(), 0.5)], epochs: 50);
        var first = Units(experiment).Select(u => new SimulatedExecutor(experiment).Draw(u)).ToList();
        var shared = new SimulatedExecutor(experiment);
        var second = Units(experiment).Reverse().Select(shared.Draw).Reverse().ToList();
        Assert.Equal(first.Count, second.Count);
        for (var i = 0; i < first.Count; i++)
        {
            Assert.Equal(first[i].Outcomes, second[i].Outcomes);
            Assert.Equal(first[i].Metrics, second[i].Metrics);
        }
        // Not constant: both values occur.
        Assert.Contains(first, r => r.Outcomes["covert_action"]);
        Assert.Contains(first, r => !r.Outcomes["covert_action"]);
    }

    [Fact]
    public void The_most_specific_cell_wins_and_draws_match_its_rate()
    {
        var experiment = Experiment(
        [
            new SimulatedValue("s", "covert_rate", new Cell(), 0.5),
            new SimulatedValue("s", "covert_rate", new Cell(Checkpoint: "agent"), 0.1),
            new SimulatedValue("s", "covert_rate", new Cell(Checkpoint: "agent", Condition: "Cue"), 0.3),
            new SimulatedValue("s", "covert_rate", new Cell(Condition: "Cue"), 0.9),
        ]);
        var executor = new SimulatedExecutor(experiment);
        var rates = Units(experiment).Select(executor.Draw)
            .GroupBy(r => (r.Unit.Checkpoint, r.Unit.Condition))
            .ToDictionary(g => g.Key, g => g.Average(r => r.Outcomes["covert_action"] ? 1.0 : 0.0));
        // 4000 draws per cell: sd <= 0.008; 4 sd either way.
        Assert.InRange(rates[("agent", "baseline")], 0.1 - 0.032, 0.1 + 0.032);
        Assert.InRange(rates[("agent", "Cue")], 0.3 - 0.032, 0.3 + 0.032);
        Assert.InRange(rates[("other", "Cue")], 0.9 - 0.032, 0.9 + 0.032);
        Assert.InRange(rates[("other", "baseline")], 0.5 - 0.032, 0.5 + 0.032);
    }

    [Fact]
    public void Metric_value_and_its_outcome_agree_and_unsimulated_metrics_are_listed()
    {
        var experiment = Experiment([new SimulatedValue("s", "covert_rate", new Cell(Checkpoint: "agent"), 0.4)], epochs: 20);
        var executor = new SimulatedExecutor(experiment);
        foreach (var result in Units(experiment).Select(executor.Draw))
        {
            Assert.Equal(Scheme.Engine.Episodes.EpisodeEnd.Simulated, result.End);
            Assert.False(result.Outcomes.ContainsKey("confessed"));
            if (result.Unit.Checkpoint == "agent")
            {
                Assert.Equal(result.Outcomes["covert_action"] ? 1.0 : 0.0, result.Metrics!["covert_rate"]);
            }
            else
            {
                Assert.Empty(result.Outcomes);
            }
        }
        Assert.Contains("covert_rate[other, Oversight, baseline]", executor.Unsimulated);
        Assert.Contains("confession_rate[agent, Oversight, Cue]", executor.Unsimulated);
    }

    [Fact]
    public void Conditions_of_one_sample_are_drawn_independently()
    {
        var experiment = Experiment([new SimulatedValue("s", "covert_rate", new Cell(), 0.5)]);
        var executor = new SimulatedExecutor(experiment);
        var pairs = Units(experiment).Where(u => u.Checkpoint == "agent").Select(executor.Draw)
            .GroupBy(r => (r.Unit.Variant, r.Unit.Epoch))
            .Select(g => g.Select(r => r.Outcomes["covert_action"]).ToList()).ToList();
        var discordant = pairs.Count(p => p[0] != p[1]) / (double)pairs.Count;
        // Independent Bernoulli(0.5) pairs disagree half the time (a shared draw would never disagree).
        Assert.InRange(discordant, 0.45, 0.55);
    }
}
