using System.Text.Json.Nodes;
using Scheme.Analysis;
using Scheme.Analysis.Reports;
using Scheme.Model;

namespace Scheme.Viewer.Pages;

/// <summary>
/// The run overview: the report's own tables (<see cref="ReportTables"/>, from the same analysis <c>report</c> runs), each
/// metric row carrying the permalink of its units (<see cref="ViewerLinks.Cell"/>). The analysis reads every unit, so it
/// runs on the first visit and is kept until the run's review labels change (<paramref name="labelsVersion"/>: a label
/// added here or by `review` changes the reviewed metrics and the agreement); a failure is shown, never thrown.
/// </summary>
public sealed class Overview(Func<AnalysisResult>? analyze, ExperimentDefinition? experiment, Func<long> labelsVersion)
{
    private readonly Lock _lock = new();
    private (long Version, Task<JsonObject> Result)? _cached;

    public Task<JsonObject> GetAsync()
    {
        var version = labelsVersion();
        lock (_lock)
        {
            if (_cached is not { } cached || cached.Version != version)
            {
                _cached = cached = (version, Task.Run(() => Build(analyze, experiment)));
            }
            return cached.Result;
        }
    }

    private static JsonObject Build(Func<AnalysisResult>? analyze, ExperimentDefinition? experiment)
    {
        if (analyze is null)
        {
            return new JsonObject { ["error"] = "No analysis: this viewer was started without the experiment's definition." };
        }
        AnalysisResult result;
        try
        {
            result = analyze();
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            return new JsonObject { ["error"] = "The analysis cannot run: " + e.Message };
        }
        var plain = experiment?.Metrics.Where(m => m.PlainOutcome is not null).ToDictionary(m => m.Name, m => m.PlainOutcome) ?? [];
        var tables = new JsonArray();
        foreach (var (table, rows) in ReportTables.Metrics(result).Zip(result.Metrics.GroupBy(r => r.Metric)))
        {
            tables.Add(new JsonObject
            {
                ["title"] = table.Title,
                ["headers"] = Strings(table.Headers),
                ["rows"] = new JsonArray(table.Rows.Select(r => (JsonNode)Strings(r)).ToArray()),
                ["links"] = Strings(rows.Select(r => ViewerLinks.Cell(r)).ToList()),
                ["firedLinks"] = Strings(rows.Select(r => plain.GetValueOrDefault(r.Metric) is { } o ? ViewerLinks.Cell(r, o + ":true") : "").ToList()),
                ["notes"] = Strings(table.Notes),
            });
        }
        var hypotheses = ReportTables.Hypotheses(result);
        return new JsonObject
        {
            ["title"] = result.Title ?? result.Experiment,
            ["label"] = result.Label,
            ["overview"] = Strings(ReportTables.Overview(result)),
            ["hypotheses"] = new JsonObject
            {
                ["headers"] = Strings(hypotheses.Headers),
                ["rows"] = new JsonArray(hypotheses.Rows.Select(r => (JsonNode)Strings(r)).ToArray()),
                ["notes"] = Strings(hypotheses.Notes),
            },
            ["metrics"] = tables,
        };
    }

    private static JsonArray Strings(IReadOnlyList<string> values) => new(values.Select(v => (JsonNode)JsonValue.Create(v)).ToArray());
}
