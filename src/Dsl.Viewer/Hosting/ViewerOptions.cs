using Scheme.Analysis;
using Scheme.Model;

namespace Scheme.Viewer.Hosting;

/// <summary>What <see cref="ViewerServer.StartAsync"/> serves and how.</summary>
/// <param name="RunDirectory">The run directory (holding run.db).</param>
/// <param name="Port">The loopback port; 0 picks a free one.</param>
/// <param name="Reviewer">The reviewer every label is stored as; null lets the page ask for a name (kept in the browser).</param>
/// <param name="Experiment">The compiled experiment, for the initial workspace of a unit (its diff) and the overview; null
/// shows the changed files without a diff and no metric table.</param>
/// <param name="Analyze">The analysis the report shows (run lazily, once, for the overview); null: no metric table.</param>
/// <param name="IndexDirectory">Where view-index.db goes (default: the run directory; a temp folder when that is not writable).</param>
public sealed record ViewerOptions(
    string RunDirectory,
    int Port = 0,
    string? Reviewer = null,
    ExperimentDefinition? Experiment = null,
    Func<AnalysisResult>? Analyze = null,
    string? IndexDirectory = null)
{
    /// <summary>Text longer than this (a string of a transcript) is cut, with a note saying how long it was.</summary>
    public int MaxTextChars { get; init; } = 200_000;

    /// <summary>Units per page of the unit list (the page may ask for fewer).</summary>
    public int MaxPageSize { get; init; } = 200;

    /// <summary>How often the search index looks for new or rewritten units.</summary>
    public TimeSpan IndexPollInterval { get; init; } = TimeSpan.FromSeconds(5);
}
