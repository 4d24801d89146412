
namespace Scheme.Engine.Store;

/// <summary>
/// The columns of a unit row, named once for every format: run.db's units table (with their SQLite types), the JSONL
/// export's fields, and the CSV and Parquet columns (all but the transcript, which only run.db keeps).
/// </summary>
public static class UnitColumns
{
    public const string UnitId = "unit_id";
    public const string Run = "run";
    public const string Checkpoint = "checkpoint";
    public const string Environment = "environment";
    public const string Variant = "variant";
    public const string Condition = "condition";
    public const string Epoch = "epoch";
    public const string Seed = "seed";
    public const string Status = "status";
    public const string Outcomes = "outcomes";
    public const string Metrics = "metrics";
    public const string Missing = "missing";
    public const string Indeterminate = "indeterminate";
    public const string TokensIn = "tokens_in";
    public const string TokensOut = "tokens_out";
    public const string CostUsd = "cost_usd";
    public const string LatencyMs = "latency_ms";
    public const string Error = "error";
    public const string FinishedAt = "finished_at";

    /// <summary>Whether the unit's outcomes were drawn from the simulate block (<c>run --offline</c>, or a checkpoint with
    /// <c>provider: simulated</c>) rather than produced by a model: 1 or 0 in run.db, true or false in the exports,
    /// empty (NULL) in rows written before schema 5, which readers resolve from the run's manifest.</summary>
    public const string Simulated = "simulated";

    /// <summary>Only in run.db: the episode as gzip-compressed JSON (<see cref="TranscriptCompression"/>).</summary>
    public const string TranscriptGz = "transcript_gz";

    /// <summary>Only in run.db, and only in rows of schema 3 and older: the episode as plain JSON text.</summary>
    public const string TranscriptText = "transcript";

    /// <summary>The exported columns in order, each with its type in run.db. Columns a store of an older schema may lack
    /// are marked <c>Optional</c>; readers treat them as empty.</summary>
    public static IReadOnlyList<UnitColumn> Exported { get; } =
    [
        new(UnitId, "TEXT PRIMARY KEY"), new(Run, "TEXT NOT NULL"), new(Checkpoint, "TEXT NOT NULL"), new(Environment, "TEXT NOT NULL"),
        new(Variant, "TEXT NOT NULL"), new(Condition, "TEXT NOT NULL"), new(Epoch, "INTEGER NOT NULL"), new(Seed, "INTEGER NOT NULL"),
        new(Status, "TEXT NOT NULL CHECK (status IN ('done', 'failed'))"), new(Outcomes, "TEXT NOT NULL"),
        new(Metrics, "TEXT", Optional: true), new(Missing, "TEXT", Optional: true), new(Indeterminate, "TEXT", Optional: true),
        new(TokensIn, "INTEGER NOT NULL"), new(TokensOut, "INTEGER NOT NULL"), new(CostUsd, "REAL"), new(LatencyMs, "INTEGER NOT NULL"),
        new(Error, "TEXT"), new(FinishedAt, "TEXT NOT NULL"), new(Simulated, "INTEGER CHECK (simulated IN (0, 1))", Optional: true),
    ];

    /// <summary>Every column of run.db's units table: the exported ones and the two transcript columns.</summary>
    public static IReadOnlyList<UnitColumn> Stored { get; } =
        [.. Exported, new(TranscriptText, "TEXT", Optional: true), new(TranscriptGz, "BLOB", Optional: true)];
}

/// <param name="SqlType">The column's type and constraints in run.db.</param>
/// <param name="Optional">Added after schema 1, so a store of an older schema may lack it.</param>
public sealed record UnitColumn(string Name, string SqlType, bool Optional = false);
