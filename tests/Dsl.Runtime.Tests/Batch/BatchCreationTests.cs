using Scheme.Engine.Store;
using Scheme.Runtime.Cli;
using Scheme.Runtime.Tests.Engine;
using Scheme.Testing.Fakes;

namespace Scheme.Runtime.Tests.Batch;

/// <summary>
/// "Never pays twice" when creating a batch gets no answer: the batch may exist on the server. The runner must look for
/// it after every failed creation, the last one included, and must not take a batch list it could not read for "absent".
/// </summary>
public class BatchCreationTests
{
    private const int Tasks = 2;

    // TransferRetries is 4: calls 0-3 are refused before anything is created, call 4 (the last) creates the batch and
    // its answer is lost.
    private static (bool, int)? LastCreationLost(int call) => call switch { < 4 => (false, 503), 4 => (true, 503), _ => null };

    [Fact]
    public async Task A_batch_created_by_the_last_failed_creation_is_found_and_not_submitted_again()
    {
        using var fixture = new RunnerFixture();
        var api = new FakeBatchApi(BatchExperiments.Model(new ScriptedAgent())) { CreateFault = LastCreationLost };
        await using var server = FakeOpenAiServer.Start();
        server.Handler = api.Handle;

        var code = fixture.Run(BatchExperiments.Mixed(fixture.KeyVariable, Tasks), default, BatchRunTests.BatchArgs(server, fixture));

        Assert.True(code == RunnerHost.Success, fixture.Output + "\n" + fixture.Errors);
        Assert.All(fixture.Units(), u => Assert.Equal(UnitStatus.Done, u.Status));
        // Each request went into one batch only: the batch the lost answer created was found, not made again.
        Assert.Equal(api.SubmittedIds.Count, api.SubmittedIds.Distinct().Count());
        using var store = SqliteRunStore.Open(fixture.RunDirectory);
        Assert.Equal("batch_0", store.Batches()[0].BatchId);
        Assert.DoesNotContain(store.Batches(), b => b.State == BatchLedger.NeverCreated);
    }

    [Fact]
    public async Task A_batch_list_that_cannot_be_read_stops_the_run_and_resume_finds_the_batch()
    {
        using var fixture = new RunnerFixture();
        // The first creation creates the batch and its answer is lost; the list, where the runner looks for it, fails.
        var api = new FakeBatchApi(BatchExperiments.Model(new ScriptedAgent()))
        {
            CreateFault = call => call == 0 ? (true, 503) : null,
            ListStatus = 503,
        };
        await using var server = FakeOpenAiServer.Start();
        server.Handler = api.Handle;
        var experiment = BatchExperiments.Mixed(fixture.KeyVariable, Tasks);

        var code = fixture.Run(experiment, default, BatchRunTests.BatchArgs(server, fixture));

        Assert.True(code == RunnerHost.Stopped, fixture.Output + "\n" + fixture.Errors);
        Assert.Contains("was created cannot be told", fixture.Output.ToString());
        Assert.Contains("resume later", fixture.Output.ToString());
        Assert.Equal(1, api.BatchesCreated);
        using (var store = SqliteRunStore.Open(fixture.RunDirectory))
        {
            // Not "never created": resume must look again.
            Assert.Equal(BatchLedger.Creating, Assert.Single(store.Batches()).State);
        }

        // The server lists again: resume finds the batch by its input file, polls it, and the run ends without
        // submitting any request twice.
        api.ListStatus = null;
        var resumed = fixture.Run(experiment, default, "resume", fixture.RunDirectory);

        Assert.True(resumed == RunnerHost.Success, fixture.Output + "\n" + fixture.Errors);
        Assert.All(fixture.Units(), u => Assert.Equal(UnitStatus.Done, u.Status));
        Assert.Equal(2 * Tasks, fixture.Units().Count);
        Assert.Equal(api.SubmittedIds.Count, api.SubmittedIds.Distinct().Count());
    }

    [Fact]
    public async Task A_refused_poll_keeps_the_batch_open_and_resume_reads_it_without_submitting_its_requests_again()
    {
        using var fixture = new RunnerFixture();
        var api = new FakeBatchApi(BatchExperiments.Model(new ScriptedAgent())) { PollStatus = 401 };
        await using var server = FakeOpenAiServer.Start();
        server.Handler = api.Handle;
        var experiment = BatchExperiments.Mixed(fixture.KeyVariable, Tasks);

        var code = fixture.Run(experiment, default, BatchRunTests.BatchArgs(server, fixture));

        Assert.True(code == RunnerHost.Stopped, fixture.Output + "\n" + fixture.Errors);
        Assert.Contains("error SCH9066: Polling batch batch_0 was refused", fixture.Output.ToString());
        Assert.Equal(1, api.BatchesCreated);
        using (var store = SqliteRunStore.Open(fixture.RunDirectory))
        {
            Assert.Equal(BatchLedger.Submitted, Assert.Single(store.Batches()).State);
        }

        // The key works again: resume polls the batch, reads it, and no request goes out twice.
        api.PollStatus = null;
        var resumed = fixture.Run(experiment, default, "resume", fixture.RunDirectory);

        Assert.True(resumed == RunnerHost.Success, fixture.Output + "\n" + fixture.Errors);
        Assert.All(fixture.Units(), u => Assert.Equal(UnitStatus.Done, u.Status));
        Assert.Equal(api.SubmittedIds.Count, api.SubmittedIds.Distinct().Count());
    }
}
