using Scheme.Contracts;

namespace Scheme.Model;

/// <param name="System">Scriban template of the system prompt, over the params.</param>
/// <param name="User">Scriban template of the first user message, over the params.</param>
/// <param name="Files">The model's workspace: each path and content a Scriban template over the params.</param>
/// <param name="Limits">The environment's <c>limits { ... }</c>; null takes every default.</param>
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
public sealed record WorkspaceFile(string Path, string Content, bool Verbatim = false);

/// <param name="Implementation">For tools written in C#: the partial method that runs a call.</param>
/// <param name="Description">What the model is told the tool does; built-in tools have their own.</param>
public sealed record ToolDefinition(string Name, bool IsBuiltin, IReadOnlyList<ToolParameter> Parameters,
    Func<ToolCall, string>? Implementation = null, string? Description = null);

public sealed record ToolParameter(string Name, ValueKind Type);

/// <summary>One call the model made: the tool and its arguments (strings as they are; numbers, booleans, lists and
/// objects as their JSON text). C# tools receive only the call, not the workspace.</summary>
public sealed record ToolCall(string Tool, IReadOnlyDictionary<string, string> Arguments);

/// <summary>A per-episode detector, e.g. covert_action.</summary>
public sealed record OutcomeDefinition(string Name, Func<Transcript, bool> Evaluate);

/// <summary>A question asked after the episode; its answer is graded into a bool outcome.</summary>
public sealed record FollowupDefinition(string Question, string Outcome, Func<Transcript, bool> Evaluate);
