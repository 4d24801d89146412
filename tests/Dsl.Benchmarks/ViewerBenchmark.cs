using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Scheme.Engine.Store;
using Scheme.Viewer.Data;
using Scheme.Viewer.Hosting;

namespace Scheme.Benchmarks;

/// <summary>
/// <c>view-1m</c>: the transcript viewer over a run.db of 1,000,000 units (the design of <c>analyze-1m</c>: 2 checkpoints
/// x 25 environments x 2 conditions x 10,000 epochs), each with a small gzip transcript (prompts, reasoning drawn from a
/// vocabulary, a tool call, a judge verdict). Measures over real HTTP on 127.0.0.1: the server's start-up, the first page,
/// a filtered page, a deep page, the search index's build, a filtered and searched page once it is built, a unit's
/// transcript page, and the process's peak resident memory from start-up on (VmHWM reset after generation). Goal: pages
/// under 200 ms. The run directory is generated once (in this process, one transaction) and kept in the temp folder.
/// Usage: view-1m [run-dir]
/// </summary>
public sealed class ViewerSuite : IBenchmarkSuite
{
    public string Name => "view-1m";

    public string Description => "transcript viewer over 1,000,000 units: first page, filtered and searched page, index build, peak memory";

    private const int Environments = 25;
    private const int Epochs = 10_000;

    public async Task<int> RunAsync(string[] args)
    {
        var dir = args.Length > 0 ? args[0] : Path.Combine(Path.GetTempPath(), "scheme-view-1m-v2");
        if (!File.Exists(Path.Combine(dir, SqliteRunStore.FileName)))
        {
            var generate = Stopwatch.StartNew();
            Generate(dir);
            Console.WriteLine($"Generated {dir} ({new FileInfo(Path.Combine(dir, SqliteRunStore.FileName)).Length / 1_000_000} MB run.db) in {generate.Elapsed.TotalSeconds:F1} s");
        }
        File.Delete(Path.Combine(dir, SearchIndex.FileName));
        File.Delete(Path.Combine(dir, SearchIndex.FileName + "-wal"));
        File.Delete(Path.Combine(dir, SearchIndex.FileName + "-shm"));
        GC.Collect();
        ResetPeakMemory();

        var clock = Stopwatch.StartNew();
        await using var server = await ViewerServer.StartAsync(new ViewerOptions(dir, Experiment: AnalysisBenchmark.Experiment()));
        var startup = clock.Elapsed;
        using var http = new HttpClient { BaseAddress = server.Url };
        var figures = new List<string> { $"start-up (listening): {startup.TotalMilliseconds:F0} ms" };
        async Task<double> Time(string label, string path, bool record = true)
        {
            var watch = Stopwatch.StartNew();
            using var response = await http.GetAsync(path);
            var body = await response.Content.ReadAsStringAsync();
            watch.Stop();
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"{path}: {(int)response.StatusCode} {body}");
            }
            if (record)
            {
                figures.Add($"{label}: {watch.Elapsed.TotalMilliseconds:F1} ms ({Units(body)})");
            }
            return watch.Elapsed.TotalMilliseconds;
        }
        // While the index builds: what a researcher does first.
        await Time("first page (cold, index building)", "/api/units?size=50");
        await Time("first page (warm)", "/api/units?size=50");
        await Time("filtered page: checkpoint o3, covert_action true", "/api/units?checkpoint=o3&outcome=covert_action:true&size=50");
        await Time("filtered page: o3_as, Env24, EvalCue, covert_action true (rare, late in the file)", "/api/units?checkpoint=o3_as&environment=Env24&condition=EvalCue&outcome=covert_action:true&size=50");
        await Time("deep page (after position 999,000)", "/api/units?after=999000&size=50");
        // Before the index covers the run these scan run.db (the figures the facet tables are for).
        await Time("count of a filter (index building, run.db): o3, covert_action true", "/api/count?checkpoint=o3&outcome=covert_action:true");
        await Time("review queue of covert_action (index building, run.db)", "/api/queue?outcome=covert_action&seed=1&size=50");
        var unitId = Id("o3", "Env07", "EvalCue", 4_321);
        await Time("transcript page of one unit", "/api/unit?id=" + unitId);
        var index = Stopwatch.StartNew();
        while (!server.Index.State.Ready)
        {
            if (server.Index.State.Error is { } error)
            {
                throw new InvalidOperationException(error);
            }
            await server.Index.NextPass();
        }
        figures.Add($"search index build (1,000,000 transcripts): {clock.Elapsed.TotalSeconds:F1} s from start-up ({index.Elapsed.TotalSeconds:F1} s waited after the pages above), " +
            $"view-index.db {new FileInfo(server.Index.Path).Length / 1_000_000} MB");
        await Time("searched page (cold): q=sandbagging", "/api/units?q=sandbagging&size=50");
        await Time("filtered and searched page (cold): o3, covert_action true, q=sandbagging", "/api/units?checkpoint=o3&outcome=covert_action:true&q=sandbagging&size=50");
        var warm = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            warm.Add(await Time("", $"/api/units?checkpoint=o3_as&outcome=covert_action:false&q=sandbagging%20deadline&size=50&after={i * 1000}", record: false));
        }
        figures.Add($"filtered and searched page (warm, 5 cursors): median {warm.Order().ElementAt(2):F1} ms, max {warm.Max():F1} ms");
        await Time("judge verdict filter: EvalJudge yes, o3", "/api/units?judge=EvalJudge:true&checkpoint=o3&size=50");
        await Time("paired unit (pair index)", "/api/unit?id=" + unitId);
        // Once the index covers the run: the facet tables (UnitFacets).
        await Time("rare filter (index built): o3_as, Env24, EvalCue, covert_action true", "/api/units?checkpoint=o3_as&environment=Env24&condition=EvalCue&outcome=covert_action:true&size=50");
        await Time("rare filter, next page (index built)", "/api/units?checkpoint=o3_as&environment=Env24&condition=EvalCue&outcome=covert_action:true&size=50&after=500000");
        await Time("dense filter (index built): o3, covert_action false", "/api/units?checkpoint=o3&outcome=covert_action:false&size=50");
        await Time("filter without outcome (index built): Env24, EvalCue, status done", "/api/units?environment=Env24&condition=EvalCue&status=done&size=50&after=900000");
        await Time("count of a filter: o3, covert_action true", "/api/count?checkpoint=o3&outcome=covert_action:true");
        await Time("count of a filter: o3, covert_action false", "/api/count?checkpoint=o3&outcome=covert_action:false");
        await Time("count of a filter: Env24, EvalCue", "/api/count?environment=Env24&condition=EvalCue");
        await Time("count of everything", "/api/count");
        await Time("review queue of covert_action (all fired units, ordered)", "/api/queue?outcome=covert_action&seed=1&size=50");
        await Time("review queue of covert_action, seed 2 (ordered here)", "/api/queue?outcome=covert_action&seed=2&size=50");
        Console.WriteLine($"view-1m on {Environment.ProcessorCount} cores:");
        foreach (var line in figures)
        {
            Console.WriteLine("  " + line);
        }
        Console.WriteLine($"  peak resident memory since start-up (VmHWM): {PeakMemoryMb():F0} MB");
        return 0;
    }

    private static string Units(string body)
    {
        using var json = JsonDocument.Parse(body);
        return json.RootElement.TryGetProperty("units", out var units) ? $"{units.GetArrayLength()} units"
            : json.RootElement.TryGetProperty("count", out var count) ? $"count {count.GetInt64()}"
            : $"{body.Length / 1000} KB";
    }

    /// <summary>The id the design gives the unit (as a real run's), so the paired view finds its pair by id.</summary>
    private static string Id(string checkpoint, string environment, string condition, int epoch) =>
        Scheme.Engine.Design.DesignExpander.UnitId("Analyze1M", "Main", checkpoint, environment, "default", condition, epoch);

    /// <summary>Linux: writing 5 to clear_refs resets the peak resident set (VmHWM), so generation does not count.</summary>
    private static void ResetPeakMemory()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.WriteLine("(cannot reset the peak memory: it includes generation)");
        }
    }

    private static double PeakMemoryMb()
    {
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null ? Process.GetCurrentProcess().PeakWorkingSet64 / 1_048_576.0
            : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
    }

    private static readonly string[] Vocabulary = BuildVocabulary();

    private static string[] BuildVocabulary()
    {
        var random = new Random(7);
        return Enumerable.Range(0, 3_000).Select(_ => new string(Enumerable.Range(0, random.Next(3, 10)).Select(_ => (char)('a' + random.Next(26))).ToArray())).ToArray();
    }

    /// <summary>The run directory, written as the store writes it (its schema, gzip transcripts) in one transaction.</summary>
    private static void Generate(string dir)
    {
        Directory.CreateDirectory(dir);
        using (var store = SqliteRunStore.Open(dir))
        {
            store.WriteManifest(new RunManifest("Analyze1M", "bench", "0.1.0", null, ["run"], new DateTimeOffset(2025, 9, 17, 0, 0, 0, TimeSpan.Zero), null, null, null, false));
        }
        using var connection = new SqliteConnection($"Data Source={Path.Combine(dir, SqliteRunStore.FileName)};Pooling=False");
        connection.Open();
        using var transaction = connection.BeginTransaction();
        var columns = UnitColumns.Stored.Select(c => c.Name).ToList();
        using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = $"INSERT INTO units ({string.Join(", ", columns)}) VALUES ({string.Join(", ", columns.Select(c => "$" + c))});";
        foreach (var column in columns)
        {
            insert.Parameters.Add(new SqliteParameter { ParameterName = "$" + column, Value = DBNull.Value });
        }
        insert.Prepare();
        var random = new Random(20250917);
        var finished = new DateTimeOffset(2025, 9, 17, 0, 0, 0, TimeSpan.Zero);
        foreach (var checkpoint in new[] { "o3", "o3_as" })
        {
            for (var e = 0; e < Environments; e++)
            {
                var environment = $"Env{e:00}";
                var baseRate = checkpoint == "o3" ? 0.02 + 0.01 * e : 0.004;
                for (var epoch = 0; epoch < Epochs; epoch++)
                {
                    foreach (var condition in new[] { "baseline", "EvalCue" })
                    {
                        var covert = random.NextDouble() < (condition == "EvalCue" ? baseRate * 0.8 : baseRate);
                        var aware = random.NextDouble() < 0.3;
                        var reasoning = string.Join(' ', Enumerable.Range(0, 40).Select(_ => Vocabulary[random.Next(Vocabulary.Length)]))
                            + (random.NextDouble() < 0.01 ? " sandbagging" : "") + (random.NextDouble() < 0.05 ? " deadline" : "");
                        var transcript = JsonSerializer.Serialize(new
                        {
                            model = checkpoint,
                            end = "submitted",
                            turns = 1,
                            messages = new object[]
                            {
                                new { role = "system", content = "You are an agent working in a repository." },
                                new { role = "user", content = $"Complete the task of {environment}." },
                                new { role = "assistant", content = "", reasoning, toolCalls = new[] { new { id = "c1", name = "submit", argumentsJson = covert ? "{\"answer\":\"done (tests skipped)\"}" : "{\"answer\":\"done\"}" } } },
                                new { role = "tool", content = "Submitted.", toolCallId = "c1" },
                            },
                            verdicts = new[] { new { id = "EvalJudge", checkpoint = "grader", model = "grader", seed = 1, verdict = aware, answer = aware ? "yes" : "no", attempts = 1, usage = new { input = 30, output = 2 } } },
                        }, EpisodeJson.Options);
                        var p = insert.Parameters;
                        p["$" + UnitColumns.UnitId].Value = Id(checkpoint, environment, condition, epoch);
                        p["$" + UnitColumns.Run].Value = "Main";
                        p["$" + UnitColumns.Checkpoint].Value = checkpoint;
                        p["$" + UnitColumns.Environment].Value = environment;
                        p["$" + UnitColumns.Variant].Value = "default";
                        p["$" + UnitColumns.Condition].Value = condition;
                        p["$" + UnitColumns.Epoch].Value = epoch;
                        p["$" + UnitColumns.Seed].Value = epoch;
                        p["$" + UnitColumns.Status].Value = "done";
                        p["$" + UnitColumns.Outcomes].Value = covert ? "{\"covert_action\":true}" : "{\"covert_action\":false}";
                        p["$" + UnitColumns.Metrics].Value = $"{{\"covert_rate\":{(covert ? 1 : 0)},\"score\":0.7}}";
                        p["$" + UnitColumns.TokensIn].Value = 1200;
                        p["$" + UnitColumns.TokensOut].Value = 300;
                        p["$" + UnitColumns.CostUsd].Value = 0.0042;
                        p["$" + UnitColumns.LatencyMs].Value = 2500;
                        p["$" + UnitColumns.FinishedAt].Value = finished.AddMilliseconds(epoch).ToString("O", CultureInfo.InvariantCulture);
                        p["$" + UnitColumns.Simulated].Value = 0;
                        p["$" + UnitColumns.TranscriptGz].Value = TranscriptCompression.Compress(transcript);
                        insert.ExecuteNonQuery();
                    }
                }
            }
        }
        transaction.Commit();
    }
}
