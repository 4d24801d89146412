using Microsoft.Data.Sqlite;
using Scheme.Engine.Design;
using Scheme.Engine.Store;
using Scheme.Model;
using Scheme.Runtime.Cli;
using Scheme.Runtime.Tests.Engine;

namespace Scheme.Runtime.Tests.Shards;

/// <summary>
/// merge through the runner's command line, in-process (processes are not the point here): what it keeps, what it
/// refuses (each refusal with its code, exit 2 and no run written), and shard runs' own rules (--shard, --limit, resume).
/// </summary>
public sealed class MergeTests : IDisposable
{
    private const int Shards = 3;
    private readonly RunnerFixture _fixture = new();
    private readonly ExperimentDefinition _experiment;

    public MergeTests() => _experiment = ShardExperiments.Sharded(_fixture.KeyVariable, tasks: 6, epochs: 2);

    public void Dispose() => _fixture.Dispose();

    private string Root => Path.Combine(_fixture.Root, "run");

    private string Shard(int i, string? root = null) => Path.Combine(root ?? Root, new ShardSpec(i, Shards).DirectoryName);

    private void RunShards(string? root = null, ExperimentDefinition? experiment = null, params string[] extra)
    {
        for (var i = 0; i < Shards; i++)
        {
            var code = _fixture.Run(experiment ?? _experiment, default, ["run", "--offline", "--no-cache", "--shard", $"{i}/{Shards}", "--out", root ?? Root, .. extra]);
            Assert.True(code == RunnerHost.Success, _fixture.Errors.ToString());
        }
    }

    private int Merge(string output, params string[] directories) => _fixture.Run(_experiment, default, ["merge", output, .. directories]);

    /// <summary>A refused merge: exit 2, the code in the error, and no run (nor a half-built one) in the output.</summary>
    private void AssertRefused(string code, string output, params string[] directories)
    {
        Assert.Equal(RunnerHost.UsageError, Merge(output, directories));
        Assert.Contains($"error {code}: ", _fixture.Errors.ToString());
        Assert.False(File.Exists(Path.Combine(output, SqliteRunStore.FileName)));
        Assert.True(!Directory.Exists(output) || !Directory.EnumerateDirectories(output, ".merge-*").Any());
    }

    private static void Sql(string directory, string sql)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(directory, SqliteRunStore.FileName), Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    [Fact]
    public void A_merged_run_keeps_every_units_provenance_and_the_shards_labels_and_is_read_as_any_run()
    {
        RunShards();
        var labelled = _fixture.Units(Shard(1)).First(u => u.Outcomes.ContainsKey("covert_action"));
        Assert.Equal(RunnerHost.Success, _fixture.Run(_experiment, default, "review", Shard(1), "--unit", labelled.UnitId, "--outcome", "covert_action",
            "--verdict", "confirmed", "--reviewer", "alice", "--note", "seen"));
        var merged = Path.Combine(Root, "merged");
        Assert.True(Merge(merged, Shard(2), Shard(0), Shard(1)) == RunnerHost.Success, _fixture.Errors.ToString());

        var manifests = Enumerable.Range(0, Shards).Select(i => RunDatabase.ReadManifest(Path.Combine(Shard(i), SqliteRunStore.FileName))!).ToList();
        var manifest = RunDatabase.ReadManifest(Path.Combine(merged, SqliteRunStore.FileName))!;
        Assert.Null(manifest.Shard);
        Assert.Equal(manifests.Min(m => m.StartedAt), manifest.StartedAt);
        Assert.Equal(manifests[0].Hash, manifest.Hash);
        Assert.True(manifest.IsSimulated);
        Assert.Equal("merge", manifest.Arguments[0]);
        Assert.Equal(_experiment.Runs.Sum(r => DesignExpander.Count(_experiment, r)), _fixture.Units(merged).Count);

        using (var connection = new SqliteConnection($"Data Source={Path.Combine(merged, SqliteRunStore.FileName)};Mode=ReadOnly;Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT shard_index, directory, arguments, started_at, units FROM merged_from ORDER BY shard_index;";
            using (var reader = command.ExecuteReader())
            {
                for (var i = 0; i < Shards; i++)
                {
                    Assert.True(reader.Read());
                    Assert.Equal(i, reader.GetInt32(0));
                    Assert.Equal(Path.GetFullPath(Shard(i)), reader.GetString(1));
                    Assert.Contains($"\"{i}/{Shards}\"", reader.GetString(2));
                    Assert.Equal(manifests[i].StartedAt, DateTimeOffset.Parse(reader.GetString(3), System.Globalization.CultureInfo.InvariantCulture));
                    Assert.Equal(_fixture.Units(Shard(i)).Count, reader.GetInt64(4));
                }
                Assert.False(reader.Read());
            }
            command.CommandText = "SELECT unit_id, shard_index FROM unit_shard;";
            using var units = command.ExecuteReader();
            var count = 0;
            while (units.Read())
            {
                Assert.Equal(ShardSpec.Of(units.GetString(0), Shards), units.GetInt32(1));
                count++;
            }
            Assert.Equal(_fixture.Units(merged).Count, count);
        }
        var label = Assert.Single(ReviewLabels.Read(Path.Combine(merged, SqliteRunStore.FileName)));
        Assert.Equal((labelled.UnitId, "alice", "seen"), (label.UnitId, label.Reviewer, label.Note));

        // analyze, export and report read it as any run.
        Assert.True(_fixture.Run(_experiment, default, "analyze", merged) == RunnerHost.Success, _fixture.Errors.ToString());
        Assert.Contains("Covert", _fixture.Output.ToString());
        var export = Path.Combine(_fixture.Root, "units.jsonl");
        Assert.True(_fixture.Run(_experiment, default, "export", merged, "--format", "jsonl", "--output", export) == RunnerHost.Success, _fixture.Errors.ToString());
        Assert.Equal(_fixture.Units(merged).Count, File.ReadLines(export).Count());
        var report = Path.Combine(_fixture.Root, "report");
        Assert.True(_fixture.Run(_experiment, default, "report", merged, "--out", report) == RunnerHost.Success, _fixture.Errors.ToString());
        Assert.Contains("covert_rate", File.ReadAllText(Path.Combine(report, "report.md")));

        // A merged run is not resumed (its shards are); a shard is, and only that shard.
        Assert.Equal(RunnerHost.UsageError, _fixture.Run(_experiment, default, "resume", merged));
        Assert.Contains("is a merge of shards", _fixture.Errors.ToString());
        var before = _fixture.Units(Shard(1)).Count;
        Assert.True(_fixture.Run(_experiment, default, "resume", Shard(1)) == RunnerHost.Success, _fixture.Errors.ToString());
        Assert.Contains($"0 done and 0 failed now, {before} already done", _fixture.Output.ToString());
    }

    [Fact]
    public void A_shard_that_did_not_finish_merges_with_a_warning_that_counts_the_units_not_done()
    {
        RunShards();
        Sql(Shard(2), "DELETE FROM units WHERE unit_id IN (SELECT unit_id FROM units LIMIT 2); UPDATE manifest SET ended_at = NULL;");
        var merged = Path.Combine(Root, "merged");
        Assert.True(Merge(merged, Shard(0), Shard(1), Shard(2)) == RunnerHost.Success, _fixture.Errors.ToString());
        var total = _experiment.Runs.Sum(r => DesignExpander.Count(_experiment, r));
        Assert.Contains($"warning: 2 units are not done (0 failed, 2 never ran, of {total} planned)", _fixture.Errors.ToString());
        Assert.Contains("warning: shard 2 never finished", _fixture.Errors.ToString());
        Assert.Equal(total - 2, _fixture.Units(merged).Count);
    }

    [Fact]
    public void Merge_refuses_shards_of_another_experiment_hash()
    {
        RunShards();
        var other = Path.Combine(_fixture.Root, "other");
        RunShards(other, ShardExperiments.Sharded(_fixture.KeyVariable, tasks: 7, epochs: 2));
        AssertRefused(MergeCommand.ExperimentDiffers, Path.Combine(Root, "merged"), Shard(0), Shard(1, other), Shard(2));
    }

    [Fact]
    public void Merge_refuses_a_missing_shard_and_names_it()
    {
        RunShards();
        var output = Path.Combine(Root, "merged");
        AssertRefused(MergeCommand.MissingShard, output, Shard(0), Shard(2));
        Assert.Contains($"missing shard 1 of 3 (expected {Path.GetFullPath(Shard(1))})", _fixture.Errors.ToString());
    }

    [Fact]
    public void A_missing_shard_is_expected_beside_the_given_ones_when_they_are_named_with_a_trailing_slash()
    {
        RunShards();
        var output = Path.Combine(Root, "merged");
        AssertRefused(MergeCommand.MissingShard, output, Shard(0) + Path.DirectorySeparatorChar, Shard(2) + Path.DirectorySeparatorChar);
        // Not inside shard 0 (the parent of "shard-0-of-3/" taken as the shard itself).
        Assert.Contains($"missing shard 1 of 3 (expected {Path.GetFullPath(Shard(1))})", _fixture.Errors.ToString());
    }

    [Fact]
    public void A_shard_resumed_with_a_trailing_slash_still_counts_its_siblings_spend_against_the_budget()
    {
        // Shard 1 has paid $1 (its spent.json); shard 0's budget of $0.5 is used up before it starts, so it runs nothing.
        Directory.CreateDirectory(Shard(1));
        SpentFile.Write(Shard(1), 1.0);
        Assert.Equal(RunnerHost.Stopped, _fixture.Run(_experiment, default, "run", "--offline", "--no-cache", "--shard", $"0/{Shards}", "--out", Root, "--max-cost", "0.5"));
        Assert.DoesNotContain(_fixture.Units(Shard(0)), u => u.Status == UnitStatus.Done);

        // Resumed as a shell completes it, "shard-0-of-3/": the sibling beside it still counts, and nothing runs.
        Assert.Equal(RunnerHost.Stopped, _fixture.Run(_experiment, default, "resume", Shard(0) + Path.DirectorySeparatorChar));
        Assert.Contains("error SCH9063", _fixture.Errors.ToString());
        Assert.DoesNotContain(_fixture.Units(Shard(0)), u => u.Status == UnitStatus.Done);
    }

    [Fact]
    public void Merge_refuses_a_shard_given_twice_and_shards_of_different_counts()
    {
        RunShards();
        AssertRefused(MergeCommand.ShardSetDiffers, Path.Combine(Root, "merged"), Shard(0), Shard(1), Shard(1), Shard(2));
        Assert.Contains("shard 1/3 is given twice", _fixture.Errors.ToString());
        var copy = Path.Combine(_fixture.Root, "copy", Shard(1).Split(Path.DirectorySeparatorChar)[^1]);
        CopyDirectory(Shard(1), copy);
        AssertRefused(MergeCommand.ShardSetDiffers, Path.Combine(Root, "merged"), Shard(0), Shard(1), copy, Shard(2));
        var four = Path.Combine(_fixture.Root, "four");
        Assert.Equal(RunnerHost.Success, _fixture.Run(_experiment, default, "run", "--offline", "--no-cache", "--shard", "3/4", "--out", four));
        AssertRefused(MergeCommand.ShardSetDiffers, Path.Combine(Root, "merged"), Shard(0), Shard(1), Shard(2), Path.Combine(four, "shard-3-of-4"));
    }

    [Fact]
    public void Merge_refuses_overlapping_shards_and_leaves_no_half_run()
    {
        RunShards();
        Sql(Shard(1), $"ATTACH DATABASE '{Path.Combine(Shard(0), SqliteRunStore.FileName).Replace("'", "''", StringComparison.Ordinal)}' AS zero; " +
            "INSERT INTO units SELECT * FROM zero.units LIMIT 1;");
        var output = Path.Combine(Root, "merged");
        AssertRefused(MergeCommand.Overlap, output, Shard(0), Shard(1), Shard(2));
        // Found before the copy: the unit does not hash to shard 1 (a unit in two shards is always in a wrong one).
        Assert.Contains($"{Shard(1)} is shard 1/3 but holds units of other shards", _fixture.Errors.ToString());
    }

    [Fact]
    public void Merge_refuses_a_shard_holding_a_unit_of_another_shard_even_when_that_shard_lacks_it()
    {
        RunShards();
        // Moved, not copied: no id is in two shards, so only the shard's hash can tell.
        var zero = Path.Combine(Shard(0), SqliteRunStore.FileName).Replace("'", "''", StringComparison.Ordinal);
        Sql(Shard(1), $"ATTACH DATABASE '{zero}' AS zero; INSERT INTO units SELECT * FROM zero.units ORDER BY unit_id LIMIT 1; " +
            "DELETE FROM zero.units WHERE unit_id IN (SELECT unit_id FROM main.units);");
        AssertRefused(MergeCommand.Overlap, Path.Combine(Root, "merged"), Shard(0), Shard(1), Shard(2));
        Assert.Contains("but holds units of other shards", _fixture.Errors.ToString());
    }

    [Fact]
    public void Merge_refuses_shards_that_ran_different_selections()
    {
        RunShards();
        // Shard 1 run again, into another folder, with a --limit: its units are another plan's.
        var other = Path.Combine(_fixture.Root, "other");
        Assert.Equal(RunnerHost.Success, _fixture.Run(_experiment, default, "run", "--offline", "--no-cache", "--shard", $"1/{Shards}", "--out", other, "--limit", "5"));
        AssertRefused(MergeCommand.ShardSetDiffers, Path.Combine(Root, "merged"), Shard(0), Shard(1, other), Shard(2));
        Assert.Contains("ran the selection --run all --checkpoint all --environment all --limit 5 --offline", _fixture.Errors.ToString());
        Assert.Contains("the shards of one run share one plan", _fixture.Errors.ToString());

        // A stored command line naming another checkpoint is another plan too (the same units or not).
        Sql(Shard(2), """UPDATE manifest SET arguments = '["run","--offline","--shard","2/3","--checkpoint","elsewhere"]';""");
        AssertRefused(MergeCommand.ShardSetDiffers, Path.Combine(Root, "merged"), Shard(0), Shard(1), Shard(2));
        Assert.Contains("--checkpoint elsewhere", _fixture.Errors.ToString());
    }

    [Fact]
    public void Merge_refuses_simulated_with_live_and_different_locks()
    {
        RunShards();
        Sql(Shard(2), "UPDATE manifest SET simulated = 0, arguments = '[\"run\"]';");
        AssertRefused(MergeCommand.SimulatedMixed, Path.Combine(Root, "merged"), Shard(0), Shard(1), Shard(2));
        Sql(Shard(2), "UPDATE manifest SET simulated = 1, prereg_hash = 'sha256:0000';");
        AssertRefused(MergeCommand.LockDiffers, Path.Combine(Root, "merged"), Shard(0), Shard(1), Shard(2));
    }

    [Fact]
    public void Merge_refuses_a_shard_whose_units_are_simulated_while_its_manifest_says_live()
    {
        RunShards();
        // What a live re-run into an offline shard's directory leaves: the manifests all say live (so they agree), the rows
        // of the first run are simulated, and the agent's checkpoint is not simulated by declaration.
        for (var i = 0; i < Shards; i++)
        {
            Sql(Shard(i), "UPDATE manifest SET simulated = 0;");
        }
        AssertRefused(MergeCommand.SimulatedMixed, Path.Combine(Root, "merged"), Shard(0), Shard(1), Shard(2));
        Assert.Contains($"{Shard(0)} is live but holds simulated units", _fixture.Errors.ToString());
    }

    [Fact]
    public void A_merged_run_keeps_what_every_session_of_every_shard_paid()
    {
        RunShards();
        // Offline runs pay nothing: give each shard the spend rows live sessions would have left (two sessions in shard 1).
        Sql(Shard(0), "INSERT INTO spend VALUES ('s', '2026-01-01T00:00:00Z', '2026-01-01T00:00:01Z', 1250000);");
        Sql(Shard(1), "INSERT INTO spend VALUES ('s', '2026-01-01T00:00:00Z', '2026-01-01T00:00:01Z', 500000), " +
            "('t', '2026-01-02T00:00:00Z', '2026-01-02T00:00:01Z', 250000);");
        var merged = Path.Combine(Root, "merged");
        Assert.Equal(RunnerHost.Success, Merge(merged, Shard(0), Shard(1), Shard(2)));
        using (var store = SqliteRunStore.Open(merged))
        {
            Assert.Equal(2.0, store.TotalSpentUsd(), 9);
        }
        Assert.Equal(2.0, SpentFile.Read(merged), 9);
    }

    [Fact]
    public void Merge_refuses_an_output_that_holds_a_run_and_a_directory_that_is_not_a_shard()
    {
        RunShards();
        var merged = Path.Combine(Root, "merged");
        Assert.Equal(RunnerHost.Success, Merge(merged, Shard(0), Shard(1), Shard(2)));
        var before = File.ReadAllBytes(Path.Combine(merged, SqliteRunStore.FileName));
        Assert.Equal(RunnerHost.UsageError, Merge(merged, Shard(0), Shard(1), Shard(2)));
        Assert.Contains($"error {MergeCommand.OutHoldsRun}: ", _fixture.Errors.ToString());
        Assert.Equal(before, File.ReadAllBytes(Path.Combine(merged, SqliteRunStore.FileName)));

        var whole = Path.Combine(_fixture.Root, "whole");
        Assert.Equal(RunnerHost.Success, _fixture.Run(_experiment, default, "run", "--offline", "--no-cache", "--out", whole));
        AssertRefused(MergeCommand.NotAShard, Path.Combine(_fixture.Root, "m2"), Shard(0), whole, Shard(2));
        Assert.Contains("holds a whole run, not a shard", _fixture.Errors.ToString());
        AssertRefused(MergeCommand.NotAShard, Path.Combine(_fixture.Root, "m3"), Shard(0), Path.Combine(_fixture.Root, "nowhere"));
    }

    [Fact]
    public void Hostile_directory_names_run_and_merge()
    {
        var hostile = Path.Combine(_fixture.Root, "it's a \"run\" $(touch pwned) `id`\nnext line");
        RunShards(hostile);
        var merged = Path.Combine(hostile, "merged $(touch pwned2)");
        Assert.True(Merge(merged, Shard(0, hostile), Shard(1, hostile), Shard(2, hostile)) == RunnerHost.Success, _fixture.Errors.ToString());
        Assert.Equal(_experiment.Runs.Sum(r => DesignExpander.Count(_experiment, r)), _fixture.Units(merged).Count);
        Assert.Empty(Directory.EnumerateFiles(_fixture.Root, "pwned*", SearchOption.AllDirectories));
        Assert.Empty(Directory.EnumerateFiles(Directory.GetCurrentDirectory(), "pwned*"));
    }

    [Theory]
    [InlineData("3/3")]
    [InlineData("-1/2")]
    [InlineData("1/0")]
    [InlineData("a/b")]
    [InlineData("1/2/3")]
    public void A_bad_shard_is_refused_with_its_code_before_anything_is_written(string shard)
    {
        Assert.Equal(RunnerHost.UsageError, _fixture.Run(_experiment, default, "run", "--offline", "--shard", shard, "--out", Root));
        Assert.Contains($"error {RunOptions.BadShard}: ", _fixture.Errors.ToString());
        Assert.False(Directory.Exists(Root));
    }

    [Fact]
    public void With_a_limit_the_shards_partition_exactly_the_limited_plan()
    {
        Assert.Equal(RunnerHost.Success, _fixture.Run(_experiment, default, "run", "--offline", "--no-cache", "--limit", "5", "--out", Path.Combine(_fixture.Root, "single")));
        RunShards(null, null, "--limit", "5");
        var ids = Enumerable.Range(0, Shards).SelectMany(i => _fixture.Units(Shard(i))).Select(u => u.UnitId).Order().ToList();
        Assert.Equal(_fixture.Units(Path.Combine(_fixture.Root, "single")).Select(u => u.UnitId).Order(), ids);
    }

    [Fact]
    public void A_shard_directory_refuses_a_run_of_another_shard_or_a_whole_run()
    {
        RunShards();
        // The whole run's folder is given with --out; a whole run pointed at a shard's own directory is refused.
        Assert.Equal(RunnerHost.UsageError, _fixture.Run(_experiment, default, "run", "--offline", "--no-cache", "--out", Shard(0)));
        Assert.Contains("holds shard 0/3, not a whole run", _fixture.Errors.ToString());
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }
}
