using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Scheme.Model;

namespace Scheme.Engine.Store;

/// <summary>
/// A hash of the compiled experiment's data: names, checkpoint settings, prompts, workspace files, tools,
/// manipulations, runs, simulated values, judges with their rubrics. Compiled predicates are delegates and
/// cannot be hashed, so a change inside a detector's expression alone does not change the hash (its name,
/// and the judges it asks, do). Resume refuses a run directory whose hash differs from the runner's.
/// </summary>
public static class ExperimentHash
{
    public static string Compute(ExperimentDefinition experiment)
    {
        var data = new
        {
            experiment.Name,
            experiment.Seed,
            experiment.Version,
            Specs = experiment.Specs.Select(s => new { s.Name, Principles = s.Principles.Select(p => new[] { p.Id, p.Text }) }),
            Checkpoints = experiment.Checkpoints.Select(Checkpoint),
            Environments = experiment.Environments.Select(e => new
            {
                e.Name,
                Params = e.Params.Select(p => new { p.Name, Values = p.Values.Select(v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture)) }),
                // A file is hashed as it was before verbatim(...) existed unless it is verbatim, so old run directories resume.
                Files = e.Files.Select(f => f.Verbatim ? (object)new { f.Path, f.Content, f.Verbatim } : new { f.Path, f.Content }),
                e.System,
                e.User,
                Tools = e.Tools.Select(t => new { t.Name, t.IsBuiltin, t.Description, Parameters = t.Parameters.Select(Parameter) }),
                e.MaxTurns,
                Outcomes = e.Outcomes.Select(o => o.Name),
                Followups = e.Followups.Select(f => new { f.Question, f.Outcome }),
            }),
            Manipulations = experiment.Manipulations.Select(m => new { m.Name, m.System, m.User, Reasoning = m.Reasoning?.Inject, m.Then, m.Requires }),
            Metrics = experiment.Metrics.Select(m => new { m.Name, m.Aggregation, m.RequiredOutcomes }),
            experiment.Runs,
            Simulation = experiment.Simulation.Select(v => new { v.Scenario, v.Metric, Cell = Cell(v.Cell), v.Value }),
            Judges = experiment.Judges.Select(j => new { j.Id, j.Checkpoint, j.Question, j.Rubric }),
        };
        var json = JsonSerializer.Serialize(data);
        // Grader-only files and workspace edits came later: hashed only where a suite has them, so the hash of a suite
        // without them (and resuming its run directories) is what it was.
        var graderFiles = experiment.Environments.Where(e => e.GraderFiles is { Count: > 0 }).Select(e => new { e.Name, e.GraderFiles }).ToList();
        var fileEdits = experiment.Manipulations.Where(m => m.Workspace is { Count: > 0 }).Select(m => new { m.Name, m.Workspace }).ToList();
        if (graderFiles.Count > 0 || fileEdits.Count > 0)
        {
            json += JsonSerializer.Serialize(new { GraderFiles = graderFiles, FileEdits = fileEdits });
        }
        // So are what scopes a metric: its pair, the outcome that conditions it, and environments other than those with its
        // outcomes (a compiled metric always lists where it applies; only a list that narrows that is new meaning).
        var scoped = experiment.Metrics.Where(m => m.Pair is not null || m.CountedWhen is not null || Narrowed(experiment, m))
            .Select(m => new
            {
                m.Name,
                Pair = m.Pair is { } p ? new { p.First, p.Second, p.FirstOutcomes, p.SecondOutcomes } : null,
                m.CountedWhen,
                m.AppliesTo,
            }).ToList();
        if (scoped.Count > 0)
        {
            json += JsonSerializer.Serialize(new { ScopedMetrics = scoped });
        }
        // So are sandboxes: where episodes act is part of what a unit measured.
        var sandboxes = experiment.Environments.Where(e => e.Sandbox is not null || e.Mounts is { Count: > 0 })
            .Select(e => new { e.Name, e.Sandbox, e.Mounts, e.Limits }).ToList();
        if (sandboxes.Count > 0)
        {
            json += JsonSerializer.Serialize(new { Sandboxes = sandboxes });
        }
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)));
    }

    // Each shape below is what the definition serialized to before its newer fields existed; a newer field is added only
    // where it is set, so suites that do not use it keep their hash (and their run directories resume).

    private static object Checkpoint(CheckpointDefinition c) => c.ReasoningFormat is null
        ? new { c.Name, c.Provider, c.Model, c.Extends, c.BaseUrl, c.ReasoningEffort, c.Temperature, c.TopP, c.MaxTokens, c.Seed, c.Capabilities, c.ApiKeyVariable }
        : new { c.Name, c.Provider, c.Model, c.Extends, c.BaseUrl, c.ReasoningEffort, c.Temperature, c.TopP, c.MaxTokens, c.Seed, c.Capabilities, c.ApiKeyVariable, c.ReasoningFormat };

    private static bool Narrowed(ExperimentDefinition experiment, MetricDefinition metric) =>
        metric.AppliesTo is { } listed
        && !listed.ToHashSet(StringComparer.Ordinal).SetEquals(experiment.Environments.Where(e => (metric with { AppliesTo = null }).AppliesIn(e)).Select(e => e.Name));

    private static object Parameter(ToolParameter p) => p.Description is null ? new { p.Name, p.Type } : new { p.Name, p.Type, p.Description };

    private static object Cell(Cell c) => c.Params.Count == 0
        ? new { c.Checkpoint, c.Environment, c.Condition }
        : new { c.Checkpoint, c.Environment, c.Condition, Params = c.Params.Select(p => new { p.Name, Value = Convert.ToString(p.Value, System.Globalization.CultureInfo.InvariantCulture) }) };
}
