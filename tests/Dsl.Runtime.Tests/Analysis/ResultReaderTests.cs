using System.Text;
using Scheme.Analysis;
using Scheme.Engine.Design;
using Scheme.Engine.Store;
using static Scheme.Runtime.Tests.Analysis.Fixtures;

namespace Scheme.Runtime.Tests.Analysis;

public class ResultReaderTests
{
    private static (List<UnitRecord> Units, List<UnitReadError> Errors) Read(string text)
    {
        var errors = new List<UnitReadError>();
        var units = UnitJsonl.Read(new MemoryStream(Encoding.UTF8.GetBytes(text)), errors, "data.jsonl").ToList();
        return (units, errors);
    }

    private const string Good = """{"unit_id":"u1","run":"Main","checkpoint":"o3","environment":"A","variant":"default","condition":"baseline","epoch":3,"seed":7,"status":"done","outcomes":{"covert_action":true},"metrics":{"covert_rate":1,"score":null},"tokens_in":10,"tokens_out":5,"cost_usd":null,"latency_ms":20,"error":null}""";

    [Fact]
    public void Reads_the_export_schema_and_ignores_unknown_fields()
    {
        var line = Good.Replace("\"error\":null", "\"error\":null,\"future_field\":{\"nested\":[1,2,{\"x\":null}]}");
        var (units, errors) = Read(line + "\r\n\n" + Good.Replace("u1", "u2") + "\n");
        Assert.Empty(errors);
        Assert.Equal(2, units.Count);
        var u = units[0];
        Assert.Equal(("u1", "Main", "o3", "A", "default", "baseline", 3, 7L), (u.UnitId, u.Run, u.Checkpoint, u.Environment, u.Variant, u.Condition, u.Epoch, u.Seed));
        Assert.Equal(UnitStatus.Done, u.Status);
        Assert.True(u.Outcomes["covert_action"]);
        Assert.Equal(1.0, u.Metrics["covert_rate"]);
        Assert.Null(u.Metrics["score"]);
        Assert.Equal((10L, 5L, 20L), (u.TokensIn, u.TokensOut, u.LatencyMs));
        Assert.Same(units[0].Checkpoint, units[1].Checkpoint);
    }

    [Fact]
    public void Malformed_lines_are_reported_with_their_line_number_and_skipped()
    {
        var text = string.Join("\n",
            Good,
            "{not json",
            Good.Replace("\"checkpoint\":\"o3\",", ""),
            Good.Replace("\"epoch\":3", "\"epoch\":\"three\""),
            "[1,2,3]",
            Good.Replace("\"done\"", "\"running\""),
            Good.Replace("\"covert_action\":true", "\"covert_action\":\"yes\""),
            Good + " trailing",
            Good.Replace("u1", "u9"));
        var (units, errors) = Read(text);
        Assert.Equal(["u1", "u9"], units.Select(u => u.UnitId));
        Assert.Equal([2L, 3, 4, 5, 6, 7, 8], errors.Select(e => e.Line));
        Assert.Contains("checkpoint", errors[1].Message);
        Assert.Contains("running", errors[4].Message);
        Assert.All(errors, e => Assert.Equal("data.jsonl", e.Source));
    }

    [Fact]
    public void A_last_line_without_newline_and_lines_longer_than_the_buffer_are_read()
    {
        var huge = Good.Replace("\"error\":null", "\"error\":\"" + new string('x', 3 << 20) + "\"");
        var (units, errors) = Read(Good + "\n" + huge + "\n" + Good.Replace("u1", "u3"));
        Assert.Empty(errors);
        Assert.Equal(3, units.Count);
        Assert.Equal(3 << 20, units[1].Error!.Length);
    }

    [Fact]
    public void Write_then_read_round_trips()
    {
        var original = Units("o3", "A", "baseline", 5, 2).Select(u => u with { FinishedAt = new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero) }).ToList();
        var stream = new MemoryStream();
        UnitJsonl.Write(original, stream);
        stream.Position = 0;
        var errors = new List<UnitReadError>();
        var read = UnitJsonl.Read(stream, errors).ToList();
        Assert.Empty(errors);
        Assert.Equal(original.Select(u => (u.UnitId, u.Outcomes["covert_action"], u.FinishedAt)), read.Select(u => (u.UnitId, u.Outcomes["covert_action"], u.FinishedAt)));
    }

    [Fact]
    public void Reads_a_run_directory_and_its_first_unit_time()
    {
        using var dir = new TempDirectory();
        var finished = new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);
        using (var store = SqliteRunStore.Open(dir.Path))
        {
            var unit = new WorkUnit("abc", "Main", "o3", "A", "default", new Dictionary<string, object>(), "baseline", 0, 1);
            store.Record(new UnitRecord("abc", "Main", "o3", "A", "default", "baseline", 0, 1, UnitStatus.Done,
                new Dictionary<string, bool> { ["covert_action"] = true }, new Dictionary<string, double?>(), 10, 5, null, 2_000, null, finished)
            {
                TranscriptJson = "{}",
            });
            store.Record(UnitRecord.Failed(unit with { Id = "def", Epoch = 1 }, "timeout", finished.AddMinutes(1)));
        }
        var errors = new List<UnitReadError>();
        var units = ResultReader.ReadRunDirectory(dir.Path, errors).ToList();
        Assert.Empty(errors);
        Assert.Equal(2, units.Count);
        Assert.Equal(finished.AddSeconds(-2), units[0].StartedAt);
        var result = ExperimentAnalyzer.Analyze(Experiment(), units);
        Assert.Equal(finished.AddSeconds(-2), result.Data.FirstUnitStartedAt);
        Assert.Equal(1, Assert.Single(result.Metrics, r => r.Metric == "covert_rate").N);
    }

    [Fact]
    public void A_missing_run_database_is_bad_input_naming_the_file()
    {
        using var dir = new TempDirectory();
        var errors = new List<UnitReadError>();
        var e = Assert.Throws<InvalidDataException>(() => ResultReader.ReadRunDirectory(dir.Path, errors).ToList());
        Assert.Contains(Path.Combine(dir.Path, "run.db"), e.Message);
        Assert.Contains("does not exist", e.Message);
    }
}
