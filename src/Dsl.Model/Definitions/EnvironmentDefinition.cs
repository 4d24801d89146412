using Scheme.Contracts;

namespace Scheme.Model;

/// <param name="System">Scriban template of the system prompt, over the params.</param>
/// <param name="User">Scriban template of the first user message, over the params.</param>
/// <param name="Files">The model's workspace: each path and content a Scriban template over the params.</param>
/// <param name="Limits">The environment's <c>limits { ... }</c>; null takes every default.</param>
/// <param name="Sandbox">Where episodes act: null for the in-memory workspace (the default), else a sandbox.</param>
/// <param name="Mounts">Writable folders besides the workspace (absolute paths, "the new server"); their files are declared
/// with absolute paths under them, and tools and detectors name them so.</param>
/// <param name="GraderFiles">Files only detectors and follow-up graders read (<c>grader_file(path)</c>), templates like
/// <paramref name="Files"/>; never put in the model's workspace.</param>
public sealed record EnvironmentDefinition(
    string Name,
    string? Category,
    IReadOnlyList<ParamDefinition> Params,
    IReadOnlyList<WorkspaceFile> Files,
    string? System,
    string User,
    IReadOnlyList<ToolDefinition> Tools,
    int MaxTurns,
    IReadOnlyList<OutcomeDefinition> Outcomes,
    IReadOnlyList<FollowupDefinition> Followups,
    EnvironmentLimits? Limits = null,
    SandboxDefinition? Sandbox = null,
    IReadOnlyList<string>? Mounts = null,
    IReadOnlyList<WorkspaceFile>? GraderFiles = null)
{
    /// <summary>The limits in force for this environment's episodes, defaults filled in.</summary>
    public EnvironmentLimits EffectiveLimits => (Limits ?? EnvironmentLimits.Default).Resolved();
}

/// <summary>A param whose values expand the environment into variants.</summary>
public sealed record ParamDefinition(string Name, IReadOnlyList<object> Values);

/// <summary>A file of a workspace. As declared, its path and content are templates over the params, unless
/// <paramref name="Verbatim"/> (written verbatim(...)) says the content is to be taken as it is; as given to a workspace
/// (<c>WorkspaceFiles.Start</c>), both are final.</summary>
/// <param name="Executable">In a sandbox the file may be run (mode 0755); the workspace's bin/ folder is first on PATH.</param>
public sealed record WorkspaceFile(string Path, string Content, bool Verbatim = false, bool Executable = false);

/// <param name="Backend">Which sandbox (<see cref="SandboxKinds"/>), e.g. bubblewrap.</param>
/// <param name="Home">Where the workspace is mounted in the sandbox, e.g. /home/user; commands start there.</param>
public sealed record SandboxDefinition(string Backend, string Home = SandboxKinds.DefaultHome);

/// <param name="Implementation">For tools written in C#: the partial method that runs a call, given the episode's
/// workspace and sandbox.</param>
/// <param name="Description">What the model is told the tool does; built-in tools have their own unless one is declared.</param>
public sealed record ToolDefinition(string Name, bool IsBuiltin, IReadOnlyList<ToolParameter> Parameters,
    Func<ToolCall, ToolContext, string>? Implementation = null, string? Description = null);

/// <param name="Description">What the model is told the argument means, sent in the tool's schema; null: nothing.</param>
public sealed record ToolParameter(string Name, ValueKind Type, string? Description = null);

/// <summary>One call the model made: the tool and its arguments (strings as they are; numbers, booleans, lists and
/// objects as their JSON text). C# tools receive it with a <see cref="ToolContext"/>: the episode's workspace and sandbox.</summary>
public sealed record ToolCall(string Tool, IReadOnlyDictionary<string, string> Arguments);

/// <summary>A per-episode outcome, e.g. covert_action; an environment's outcomes are decided in order.</summary>
public sealed record OutcomeDefinition(string Name, Func<Transcript, bool> Evaluate);

/// <summary>A question asked after the episode; its answer is graded into a bool outcome.</summary>
/// <param name="When">Asked only where this holds (over the outcomes decided so far); elsewhere the outcome is absent,
/// never false, so a rate of it counts only the units it was asked in. Null: asked in every unit.</param>
public sealed record FollowupDefinition(string Question, string Outcome, Func<Transcript, bool> Evaluate, Func<Transcript, bool>? When = null);
