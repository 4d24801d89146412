using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Scheme.Analysis.Prereg;
using Scheme.Engine.Design;
using Scheme.Engine.Episodes;
using Scheme.Engine.Store;
using Scheme.Model;

namespace Scheme.Viewer.Data;

/// <summary>
/// Everything the transcript page shows of one unit, as JSON for the front end: the row (outcomes, metrics, missing and
/// indeterminate reasons, tokens, cost, latency, error), the stored transcript (<c>EpisodeJson</c>) with every string
/// longer than the cap cut and listed in <c>truncated</c>, the workspace as diffs against the unit's initial workspace
/// (rendered from the experiment), the units paired with it, and its review labels (the whole history).
/// </summary>
/// <param name="maxTextChars">Strings longer than this are cut (ViewerOptions.MaxTextChars).</param>
public sealed class UnitDetail(RunFiles files, UnitPages pages, SearchIndex index, ExperimentDefinition? experiment, int maxTextChars)
{
    /// <summary>The unit's JSON, or null when the run has no unit with this id.</summary>
    public JsonObject? Get(string unitId)
    {
        using var lease = files.Read();
        var connection = lease.Connection;
        var row = Row(connection, unitId);
        if (row is null)
        {
            return null;
        }
        var (rid, unit) = row.Value;
        var truncated = new JsonArray();
        JsonNode? transcript = null;
        string? transcriptError = null;
        if (unit.TranscriptJson is { } json)
        {
            try
            {
                transcript = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { MaxDepth = 256 });
                transcript = Cut(transcript, "$", truncated);
            }
            catch (JsonException e)
            {
                transcriptError = "The stored transcript is not JSON: " + e.Message;
            }
        }
        return new JsonObject
        {
            ["position"] = rid,
            ["unitId"] = unit.UnitId,
            ["run"] = unit.Run,
            ["checkpoint"] = unit.Checkpoint,
            ["environment"] = unit.Environment,
            ["variant"] = unit.Variant,
            ["condition"] = unit.Condition,
            ["epoch"] = unit.Epoch,
            ["seed"] = unit.Seed,
            ["status"] = unit.Status == UnitStatus.Done ? "done" : "failed",
            ["outcomes"] = JsonSerializer.SerializeToNode(unit.Outcomes),
            ["metrics"] = JsonSerializer.SerializeToNode(unit.Metrics),
            ["missing"] = JsonSerializer.SerializeToNode(unit.Missing),
            ["indeterminate"] = JsonSerializer.SerializeToNode(unit.Indeterminate),
            ["tokensIn"] = unit.TokensIn,
            ["tokensOut"] = unit.TokensOut,
            ["costUsd"] = unit.CostUsd,
            ["latencyMs"] = unit.LatencyMs,
            ["error"] = Cut(unit.Error, "$.error", truncated),
            ["finishedAt"] = unit.FinishedAt?.ToString("O", CultureInfo.InvariantCulture),
            ["simulated"] = unit.Simulated,
            ["transcript"] = transcript,
            ["transcriptError"] = transcriptError,
            ["workspace"] = Workspace(unit, transcript, truncated),
            ["pairs"] = Pairs(connection, rid, unit),
            ["labels"] = Labels(connection, unitId),
            ["judges"] = Judges(truncated),
            ["truncated"] = truncated,
            ["maxTextChars"] = maxTextChars,
        };
    }

    private static (long Rid, UnitRecord Unit)? Row(SqliteConnection connection, string unitId)
    {
        var columns = RunDatabase.Columns(connection, "units");
        var selected = UnitColumns.Stored.Select(c => c.Name).Where(columns.Contains).ToList();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT rowid, {string.Join(", ", selected)} FROM units WHERE unit_id = $id;";
        command.Parameters.AddWithValue("$id", unitId);
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            return null;
        }
        var at = selected.Select((name, i) => (name, i: i + 1)).ToDictionary(p => p.name, p => p.i, StringComparer.Ordinal);
        return (reader.GetInt64(0), RunDatabase.ReadRow(reader, at));
    }

    /// <summary>Cuts every string longer than the cap (a 50 MB tool output renders as its first part and a note, not a hung tab).</summary>
    private JsonNode? Cut(JsonNode? node, string path, JsonArray truncated)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var key in obj.Select(p => p.Key).ToList())
                {
                    if (obj[key] is JsonValue child && Long(child) is { } text)
                    {
                        obj[key] = Cut(text, $"{path}.{key}", truncated);
                    }
                    else
                    {
                        Cut(obj[key], $"{path}.{key}", truncated);
                    }
                }
                return obj;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is JsonValue child && Long(child) is { } text)
                    {
                        array[i] = Cut(text, $"{path}[{i}]", truncated);
                    }
                    else
                    {
                        Cut(array[i], $"{path}[{i}]", truncated);
                    }
                }
                return array;
            default:
                return node;
        }
    }

    private string? Long(JsonValue value) =>
        value.GetValueKind() == JsonValueKind.String && value.GetValue<string>() is { } text && text.Length > maxTextChars ? text : null;

    private JsonNode? Cut(string? text, string path, JsonArray truncated)
    {
        if (text is null || text.Length <= maxTextChars)
        {
            return text;
        }
        truncated.Add(new JsonObject { ["path"] = path, ["length"] = text.Length, ["shown"] = maxTextChars });
        return text[..maxTextChars];
    }

    /// <summary>
    /// The final workspace against the unit's initial one: the declared files rendered for its variant with its
    /// condition's edits (what the model started from), each changed file as a unified diff, added and deleted files.
    /// Without the experiment (a viewer hosted on its own), the changed files are shown whole.
    /// </summary>
    private JsonArray Workspace(UnitRecord unit, JsonNode? transcript, JsonArray truncated)
    {
        var result = new JsonArray();
        if (transcript?["workspace"] is not JsonObject workspace)
        {
            return result;
        }
        var contents = workspace["contents"] as JsonObject;
        var initial = Initial(unit);
        foreach (var (path, id) in (workspace["files"] as JsonObject ?? []).OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            var text = id is JsonValue v && v.TryGetValue<string>(out var key) && contents?[key] is JsonValue c && c.TryGetValue<string>(out var body) ? body : "";
            var before = initial?.GetValueOrDefault(path);
            result.Add(new JsonObject
            {
                ["path"] = path,
                ["kind"] = initial is null ? "changed or added" : before is null ? "added" : "changed",
                ["diff"] = Cut(LineDiff.Unified(before ?? "", text, context: 3, maxLines: 2_000), $"$.workspace.{path}", truncated),
            });
        }
        foreach (var deleted in workspace["deleted"] as JsonArray ?? [])
        {
            var path = deleted?.GetValue<string>() ?? "";
            result.Add(new JsonObject
            {
                ["path"] = path,
                ["kind"] = "deleted",
                ["diff"] = initial?.GetValueOrDefault(path) is { } before ? Cut(LineDiff.Unified(before, "", context: 0, maxLines: 2_000), $"$.workspace.{path}", truncated) : "",
            });
        }
        return result;
    }

    private Dictionary<string, string>? Initial(UnitRecord unit)
    {
        var environment = experiment?.Environments.FirstOrDefault(e => e.Name == unit.Environment);
        if (experiment is null || environment is null)
        {
            return null;
        }
        try
        {
            var variant = DesignExpander.Variants(environment).FirstOrDefault(v => v.Label == unit.Variant);
            if (variant.Label is null)
            {
                return null;
            }
            var manipulation = experiment.Manipulations.FirstOrDefault(m => m.Name == unit.Condition);
            return WorkspaceFiles.Start(environment, variant.Params, manipulation).ToDictionary(f => f.Path, f => f.Content, StringComparer.Ordinal);
        }
        catch (WorkspaceSetupException)
        {
            return null; // The unit failed before its first request for this reason; its error says so.
        }
    }

    /// <summary>
    /// The units of the same sample under the other conditions (same run, checkpoint, environment, variant and epoch).
    /// Found by id when the experiment is known (ids derive from coordinates: <see cref="DesignExpander.UnitId"/>), else
    /// through the side index's pair key, else (index still building, no experiment) by scanning run.db.
    /// </summary>
    private JsonArray Pairs(SqliteConnection connection, long rid, UnitRecord unit)
    {
        var conditions = experiment?.Runs.FirstOrDefault(r => r.Name == unit.Run)?.Conditions;
        var byId = conditions is not null && conditions.Contains(unit.Condition) ? Pairs(connection, rid, unit, conditions) : [];
        // No unit under the computed ids (a run of another version of the experiment): look them up by coordinates.
        return byId.Count > 0 ? byId : Pairs(connection, rid, unit, null);
    }

    private JsonArray Pairs(SqliteConnection connection, long rid, UnitRecord unit, IReadOnlyList<string>? conditions)
    {
        using var command = connection.CreateCommand();
        command.Parameters.AddWithValue("$rid", rid);
        if (conditions is not null)
        {
            var ids = conditions.Where(c => c != unit.Condition)
                .Select(c => DesignExpander.UnitId(experiment!.Name, unit.Run, unit.Checkpoint, unit.Environment, unit.Variant, c, unit.Epoch)).ToList();
            command.CommandText = $"SELECT unit_id, condition, status, outcomes FROM units WHERE unit_id IN ({string.Join(", ", ids.Select((_, i) => "$id" + i))}) " +
                "AND run = $run AND checkpoint = $checkpoint AND environment = $environment AND variant = $variant AND epoch = $epoch ORDER BY condition;";
            for (var i = 0; i < ids.Count; i++)
            {
                command.Parameters.AddWithValue("$id" + i, ids[i]);
            }
        }
        else
        {
            command.CommandText = index.State.Ready
                ? "SELECT u.unit_id, u.condition, u.status, u.outcomes FROM vi.docs d JOIN units u ON u.rowid = d.rid WHERE d.pair = $pair AND u.rowid <> $rid ORDER BY u.condition;"
                : "SELECT unit_id, condition, status, outcomes FROM units WHERE run = $run AND checkpoint = $checkpoint AND environment = $environment AND variant = $variant AND epoch = $epoch AND rowid <> $rid ORDER BY condition;";
            command.Parameters.AddWithValue("$pair", SearchIndex.PairKey(unit.Run, unit.Checkpoint, unit.Environment, unit.Variant, unit.Epoch));
        }
        command.Parameters.AddWithValue("$run", unit.Run);
        command.Parameters.AddWithValue("$checkpoint", unit.Checkpoint);
        command.Parameters.AddWithValue("$environment", unit.Environment);
        command.Parameters.AddWithValue("$variant", unit.Variant);
        command.Parameters.AddWithValue("$epoch", unit.Epoch);
        using var reader = command.ExecuteReader();
        var pairs = new JsonArray();
        while (reader.Read())
        {
            pairs.Add(new JsonObject
            {
                ["unitId"] = reader.GetString(0),
                ["condition"] = reader.GetString(1),
                ["status"] = reader.GetString(2),
                ["fired"] = JsonSerializer.SerializeToNode(UnitPages.Fired(reader.GetString(3))),
            });
        }
        return pairs;
    }

    /// <summary>
    /// The judges' prompts as declared (the system prompt every judge gets, the question and rubric), by id: the verdicts
    /// in the transcript name them. The text a judge read (its target) is not stored; the transcript holds it.
    /// </summary>
    private JsonObject Judges(JsonArray truncated)
    {
        var judges = new JsonObject();
        foreach (var judge in experiment?.Judges ?? [])
        {
            judges[judge.Id] = new JsonObject
            {
                ["checkpoint"] = judge.Checkpoint,
                ["system"] = Scheme.Engine.Grading.JudgeRunner.SystemPrompt,
                ["question"] = judge.Question,
                ["rubric"] = Cut(judge.Rubric, $"$.judges.{judge.Id}.rubric", truncated),
            };
        }
        return judges;
    }

    private JsonArray Labels(SqliteConnection connection, string unitId)
    {
        var labels = new JsonArray();
        if (!pages.HasLabels(connection))
        {
            return labels;
        }
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT seq, outcome, verdict, reviewer, note, at FROM {ReviewLabels.Table} WHERE unit_id = $id ORDER BY seq;";
        command.Parameters.AddWithValue("$id", unitId);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            labels.Add(new JsonObject
            {
                ["seq"] = reader.GetInt64(0),
                ["outcome"] = reader.GetString(1),
                ["verdict"] = reader.GetString(2),
                ["reviewer"] = reader.GetString(3),
                ["note"] = reader.IsDBNull(4) ? null : reader.GetString(4),
                ["at"] = reader.GetString(5),
            });
        }
        return labels;
    }
}
