namespace Scheme.Viewer.Hosting;

/// <summary>
/// The viewer's codes (SCH90xx: the command line's range; documented in src/Dsl.Compiler/Diagnostics/README.md and
/// src/Dsl.Viewer/README.md). Each is a bad input or a machine that cannot serve, reported in one line, never a trace.
/// </summary>
public static class ViewerCodes
{
    /// <summary>The directory given is not a run directory: no run.db, or a file that is not a readable run database.</summary>
    public const string NotARunDirectory = "SCH9035";

    /// <summary>The port cannot be bound (in use, or not allowed).</summary>
    public const string PortUnavailable = "SCH9036";

    /// <summary>An option's value is out of range (a port outside 0-65535, a reviewer name a label cannot carry).</summary>
    public const string BadOption = "SCH9037";

    /// <summary>A warning: view-index.db cannot be written beside run.db; the search index is kept in a temp folder.</summary>
    public const string IndexElsewhere = "SCH9038";
}

/// <summary>The viewer cannot start; <see cref="Code"/> says why.</summary>
public sealed class ViewerStartException(string code, string message, Exception? inner = null) : Exception(message, inner)
{
    public string Code { get; } = code;

    public override string ToString() => $"error {Code}: {Message}";
}
