using System.Text.Json.Nodes;
using Scheme.Model;
using Scheme.Viewer.Data;

namespace Scheme.Viewer.Pages;

/// <summary>
/// The values the unit list's filters offer: checkpoints, environments, variants, conditions, outcomes and judges. From
/// the experiment's definition when the viewer has it (free); otherwise read once from run.db (a scan, done on the first
/// request and kept).
/// </summary>
public sealed class Facets(RunFiles files, ExperimentDefinition? experiment)
{
    private JsonObject? _cached;

    public JsonObject Get() => (JsonObject)(_cached ??= Build()).DeepClone();

    private JsonObject Build()
    {
        if (experiment is not null)
        {
            return new JsonObject
            {
                ["checkpoint"] = Array(experiment.Runs.SelectMany(r => r.Checkpoints)),
                ["environment"] = Array(experiment.Runs.SelectMany(r => r.Environments)),
                ["condition"] = Array(experiment.Runs.SelectMany(r => r.Conditions)),
                ["outcome"] = Array(experiment.Environments.SelectMany(e => e.Outcomes.Select(o => o.Name).Concat(e.Followups.Select(f => f.Outcome)))),
                ["judge"] = Array(experiment.Judges.Select(j => j.Id)),
            };
        }
        using var lease = files.Read();
        JsonArray Distinct(string sql)
        {
            using var command = lease.Connection.CreateCommand();
            command.CommandText = sql;
            using var reader = command.ExecuteReader();
            var values = new List<string>();
            while (reader.Read() && values.Count < 1_000)
            {
                values.Add(reader.GetString(0));
            }
            return Array(values);
        }
        return new JsonObject
        {
            ["checkpoint"] = Distinct("SELECT DISTINCT checkpoint FROM units;"),
            ["environment"] = Distinct("SELECT DISTINCT environment FROM units;"),
            ["condition"] = Distinct("SELECT DISTINCT condition FROM units;"),
            ["outcome"] = Distinct("SELECT DISTINCT o.key FROM (SELECT outcomes FROM units LIMIT 1000) u, json_each(u.outcomes) o;"),
            ["judge"] = new JsonArray(),
        };
    }

    private static JsonArray Array(IEnumerable<string> values) =>
        new(values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Select(v => (JsonNode)JsonValue.Create(v)).ToArray());
}
