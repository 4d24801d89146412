using Scheme.Model;

namespace Scheme.Engine.Episodes;

/// <summary>
/// The files a unit starts with, computed once from (environment, the unit's params, the condition's manipulation):
/// each declared path and content rendered as a Scriban template over the params, then the manipulation's file edits
/// applied in order. Whatever builds the workspace (the in-memory <see cref="Workspace"/>, a sandbox directory) is given
/// this list and nothing else, so every kind of workspace starts from the same files. Grader-only files are a separate
/// list (<see cref="GraderOnly"/>) that never reaches a workspace.
/// </summary>
/// <remarks>
/// The compiler checks every variant's rendered paths and every edit's target, so the errors here are for suites built
/// some other way or changed by hand: each is a <see cref="WorkspaceSetupException"/>, which fails the unit with the
/// reason before any request is sent.
/// </remarks>
public static class WorkspaceFiles
{
    /// <summary>The model's workspace for the unit: declared files rendered, then the condition's edits.</summary>
    public static IReadOnlyList<WorkspaceFile> Start(EnvironmentDefinition environment, IReadOnlyDictionary<string, object> parameters,
        ManipulationDefinition? manipulation)
    {
        var files = Rendered(environment, environment.Files, parameters, "workspace file");
        foreach (var edit in manipulation?.Workspace ?? [])
        {
            Apply(files, edit, environment, manipulation!);
        }
        // A sandbox puts bin/ first on PATH and runs its files (shims such as scp), whether declared there, rendered there
        // from a templated path, or added by a condition: the same rule the compiler marks declared files by.
        return files.Select(f => new WorkspaceFile(f.Key, f.Value, Executable: Scheme.Contracts.SandboxKinds.IsExecutablePath(f.Key))).ToList();
    }

    /// <summary>
    /// The files only graders read, rendered for the unit's params: by normalized rendered path, and also by the path as
    /// declared, so <c>grader_file("{{ lang }}/key.json")</c> reads the unit's own variant of the file.
    /// </summary>
    public static IReadOnlyDictionary<string, string> GraderOnly(EnvironmentDefinition environment, IReadOnlyDictionary<string, object> parameters)
    {
        var declared = environment.GraderFiles ?? [];
        var files = new Dictionary<string, string>(Rendered(environment, declared, parameters, "grader file"), StringComparer.Ordinal);
        foreach (var file in declared)
        {
            var path = PathsOf(environment).TryNormalize(PromptRenderer.Render(file.Path, parameters), out var normalized, out _) ? normalized : null;
            if (path is not null && files.TryGetValue(path, out var content))
            {
                files.TryAdd(file.Path, content);
            }
        }
        return files;
    }

    /// <summary>Renders each path and content; a path that renders to nothing valid, or to another file's path, is an error.</summary>
    private static SortedDictionary<string, string> Rendered(EnvironmentDefinition environment, IReadOnlyList<WorkspaceFile> declared,
        IReadOnlyDictionary<string, object> parameters, string what)
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in declared)
        {
            var rendered = Render(file.Path, parameters, environment, $"the path of {what} \"{file.Path}\"");
            if (!PathsOf(environment).TryNormalize(rendered, out var path, out var error) || path.Length == 0)
            {
                throw new WorkspaceSetupException(
                    $"Environment '{environment.Name}': {what} \"{file.Path}\" renders to \"{rendered}\" for this unit's params, " +
                    $"which is not a workspace path ({(path.Length == 0 && error.Length == 0 ? "it names the workspace's root" : error)}).");
            }
            var content = file.Verbatim ? file.Content : Render(file.Content, parameters, environment, $"the content of {what} \"{file.Path}\"");
            if (!files.TryAdd(path, content))
            {
                throw new WorkspaceSetupException(
                    $"Environment '{environment.Name}': two {what}s render to the path \"{path}\" for this unit's params.");
            }
        }
        return files;
    }

    /// <summary>Workspace paths are relative, or absolute under one of the environment's mounts (a sandbox's "new server").</summary>
    private static WorkspacePaths PathsOf(EnvironmentDefinition environment) =>
        environment.Mounts is { Count: > 0 } mounts ? new WorkspacePaths(null, mounts) : WorkspacePaths.Relative;

    private static string Render(string template, IReadOnlyDictionary<string, object> parameters, EnvironmentDefinition environment, string what)
    {
        try
        {
            return PromptRenderer.Render(template, parameters);
        }
        catch (Exception e) when (e is InvalidOperationException or Scriban.Syntax.ScriptRuntimeException)
        {
            throw new WorkspaceSetupException($"Environment '{environment.Name}': {what} cannot be rendered: {e.Message}", e);
        }
    }

    private static void Apply(SortedDictionary<string, string> files, FileEdit edit, EnvironmentDefinition environment, ManipulationDefinition manipulation)
    {
        if (!PathsOf(environment).TryNormalize(edit.Path, out var path, out var error) || path.Length == 0)
        {
            throw new WorkspaceSetupException($"Manipulation '{manipulation.Name}': \"{edit.Path}\" is not a workspace path ({error}).");
        }
        var exists = files.ContainsKey(path);
        switch (edit.Kind)
        {
            case FileEditKind.Add when exists:
                throw new WorkspaceSetupException($"Manipulation '{manipulation.Name}' adds \"{path}\", which the workspace of environment " +
                    $"'{environment.Name}' already has for this unit's params; replace_file changes a file that exists.");
            case FileEditKind.Replace or FileEditKind.Remove when !exists:
                throw new WorkspaceSetupException($"Manipulation '{manipulation.Name}' {(edit.Kind == FileEditKind.Replace ? "replaces" : "removes")} " +
                    $"\"{path}\", which the workspace of environment '{environment.Name}' does not have for this unit's params.");
            case FileEditKind.Add or FileEditKind.Replace:
                files[path] = edit.Content ?? "";
                break;
            case FileEditKind.Remove:
                files.Remove(path);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(edit), edit.Kind, "Unknown file edit.");
        }
    }
}

/// <summary>The files a unit starts with cannot be made (a path that renders to no valid path, an edit whose target is
/// missing): the unit fails with this reason, before any request.</summary>
public sealed class WorkspaceSetupException(string message, Exception? inner = null) : InvalidOperationException(message, inner);
