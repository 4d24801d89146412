using System.Collections.Immutable;
using Scheme.Compiler.Semantics.Expressions;
using Scheme.Compiler.Syntax;
using Scheme.Compiler.Text;

namespace Scheme.Compiler.Semantics.Symbols;

public sealed record EnvironmentSymbol(string Name, DeclarationSyntax Declaration, SourceFile File) : Symbol(Name, Declaration, File)
{
    public override string KindName => "environment";

    public string? Category { get; set; }
    public string? Description { get; set; }
    /// <summary>Whether the environment decides the outcome, as a detector or as a follow-up's.</summary>
    public bool HasOutcome(string name) => Outcomes.Any(o => o.Name == name) || Followups.Any(f => f.Outcome == name);

    public List<ParamSymbol> Params { get; } = [];
    public List<WorkspaceFileSymbol> Files { get; } = [];

    /// <summary>Files only detectors and follow-up graders read (<c>grader_files</c>); never in the model's workspace.</summary>
    public List<WorkspaceFileSymbol> GraderFiles { get; } = [];

    /// <summary>The environment named after <c>extends</c>, once resolved and free of cycles.</summary>
    public EnvironmentSymbol? Base { get; set; }

    /// <summary>Every variant its params expand to; null when there are too many to check one by one, or a param is invalid.</summary>
    public IReadOnlyList<EnvironmentVariant>? Variants { get; set; }
    public PromptSymbol? System { get; set; }
    public PromptSymbol? User { get; set; }
    public List<ToolSymbol> Tools { get; } = [];
    public int MaxTurns { get; set; } = 1;
    public List<OutcomeSymbol> Outcomes { get; } = [];
    public List<FollowupSymbol> Followups { get; } = [];

    /// <summary>The environment's limits block; null when it has none, so the runtime's defaults apply.</summary>
    public LimitsSymbol? Limits { get; set; }

    /// <summary><c>sandbox: bubblewrap</c>: where episodes act; null for the in-memory workspace (the default).</summary>
    public string? Sandbox { get; set; }

    /// <summary><c>home:</c>, where the workspace is mounted in the sandbox; null takes the default (/home/user).</summary>
    public string? Home { get; set; }

    /// <summary><c>mounts: ["/srv/successor"]</c>: writable folders besides the workspace, canonical absolute paths.</summary>
    public List<string> Mounts { get; } = [];
}

/// <summary>What a limits block sets; a limit it leaves out is null and takes the runtime's default.</summary>
public sealed class LimitsSymbol
{
    public long? MaxFileBytes { get; set; }
    public long? MaxWorkspaceBytes { get; set; }
    public int? MaxToolCallsPerTurn { get; set; }
    public long? MaxResponseBytes { get; set; }
    public long? MaxTranscriptBytes { get; set; }
    public int? MaxCommandSeconds { get; set; }
    public long? MaxCommandMemoryBytes { get; set; }
    public int? MaxCommandProcesses { get; set; }
    public long? MaxCommandOutputBytes { get; set; }
}

public sealed record ParamSymbol(string Name, SchemeType Type, ImmutableArray<object> Values, SyntaxNode Syntax);

/// <summary>A declared file: its path and content are Scriban templates over the params.</summary>
/// <param name="File">The source file that declares it (an environment's base may be in another).</param>
/// <param name="Verbatim">Written as verbatim(...): the content is taken as it is, not rendered (code, Helm charts, Jinja files).</param>
public sealed record WorkspaceFileSymbol(string Path, string Content, SyntaxNode Syntax, SourceFile? File = null, bool Verbatim = false)
{
    /// <summary>
    /// The normalized path in a variant; null when it does not render to a valid one (reported by the binder). Rendered
    /// once per variant: every file(), exists() and edit target compares against it, for up to 4,096 variants.
    /// </summary>
    public string? PathIn(EnvironmentVariant variant) =>
        !Path.Contains('{', StringComparison.Ordinal) ? WorkspacePaths.Normalize(Path)
        : _rendered.GetOrAdd(variant, v => TemplateVariants.Render(Path, v.Params) is { } rendered ? WorkspacePaths.Normalize(rendered) : null);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<EnvironmentVariant, string?> _rendered = new(ReferenceEqualityComparer.Instance);
}

/// <summary>A system or user prompt: Scriban template text over the environment's params.</summary>
public sealed record PromptSymbol(string Template, SyntaxNode Syntax);

/// <summary>A tool the model may call; built-in tools act on the workspace, others are implemented in C#.</summary>
/// <param name="Description">What the model is told the tool does, when the environment says it (the first, unnamed
/// argument); null: the catalog's for a built-in tool, nothing for a tool of your own.</param>
public sealed record ToolSymbol(string Name, bool IsBuiltin, ImmutableArray<ToolParameterSymbol> Parameters, SyntaxNode Syntax, string? Description = null);

/// <param name="Description">What the model is told the argument means (<c>city: string("The city")</c>); null: nothing,
/// or the catalog's for a built-in tool.</param>
public sealed record ToolParameterSymbol(string Name, SchemeType Type, string? Description = null);

/// <summary>A per-episode outcome such as covert_action, evaluated over the final transcript and state, in declaration order.</summary>
/// <param name="File">The source file of an outcome inherited from a base in another file; null: the environment's own.</param>
public sealed record OutcomeSymbol(string Name, BoundExpression Predicate, SyntaxNode Syntax, SourceFile? File = null);

/// <param name="When">The condition under which the question is asked; null: always.</param>
/// <param name="File">The source file of a follow-up inherited from a base in another file; null: the environment's own.</param>
public sealed record FollowupSymbol(string Question, string Outcome, BoundExpression Grader, SyntaxNode Syntax, BoundExpression? When = null,
    SourceFile? File = null);
