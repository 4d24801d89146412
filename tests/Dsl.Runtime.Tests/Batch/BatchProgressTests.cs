using Scheme.Engine.Store;
using Scheme.Model;
using Scheme.Runtime.Cli;
using Scheme.Runtime.Tests.Engine;
using Scheme.Testing.Fakes;

namespace Scheme.Runtime.Tests.Batch;

/// <summary>
/// The progress rule of <c>run --batch</c>: rounds replay a unit from its start, so a tool whose output changes from run
/// to run (date, mktemp, $RANDOM) puts a new request in every round, and without a rule each round pays for a new batch,
/// forever.
/// </summary>
public class BatchProgressTests
{
    [Fact]
    public async Task A_unit_whose_tool_output_changes_every_run_fails_with_the_reason_instead_of_paying_for_batches_forever()
    {
        using var fixture = new RunnerFixture();
        var api = new FakeBatchApi(BatchExperiments.Model(new ScriptedAgent()));
        await using var server = FakeOpenAiServer.Start();
        server.Handler = api.Handle;
        var experiment = BatchExperiments.Mixed(fixture.KeyVariable, 2);
        // read_file and write_file answer with something new each time they run, as `date` would: the agent's next request
        // is never the one the last round batched.
        var reads = 0;
        var oversight = experiment.Environments[0];
        experiment = experiment with
        {
            Environments =
            [
                oversight with
                {
                    Tools = [.. oversight.Tools.Select(t => t.Name == "submit" ? t
                        : new ToolDefinition(t.Name, false, t.Parameters, (_, _) => $"done at tick {Interlocked.Increment(ref reads)}"))],
                },
                .. experiment.Environments.Skip(1),
            ],
        };
        // Without the rule this run never ends: the guard turns a hang into a failure.
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(120));

        var code = fixture.Run(experiment, guard.Token, BatchRunTests.BatchArgs(server, fixture));

        Assert.False(guard.IsCancellationRequested, "the batched run did not end: " + fixture.Output);
        Assert.True(code == RunnerHost.UnitsFailed, fixture.Output + "\n" + fixture.Errors);
        var units = fixture.Units();
        Assert.Equal(4, units.Count);
        // The agent's units fail with the reason; the single-turn question, reproducible, is done.
        Assert.All(units.Where(u => u.Environment == "Oversight"), u =>
        {
            Assert.Equal(UnitStatus.Failed, u.Status);
            Assert.Contains("its requests change from round to round (tool output not reproducible?); run it without --batch", u.Error);
        });
        Assert.All(units.Where(u => u.Environment == "Question"), u => Assert.Equal(UnitStatus.Done, u.Status));
        // Rounds 1-3 each batch something read in the next; round 4 reads nothing it was given and is not submitted.
        Assert.InRange(api.BatchesCreated, 2, 4);
        Assert.Contains("made no progress between rounds", fixture.Output.ToString());
    }
}
