using Scheme.Model;

namespace Samples;

public static partial class SandboxScheme
{
    /// <summary>A tool of one's own that acts: it reads the episode's workspace and runs a command in its sandbox.</summary>
    public static partial string DiskUsageTool(ToolCall call, ToolContext context)
    {
        var folder = call.Arguments.GetValueOrDefault("folder") ?? ".";
        var files = context.Workspace.List(folder);
        // Quoted for the shell: the model chose the folder.
        var du = context.Sandbox?.Run($"du -sb -- '{folder.Replace("'", "'\\''", StringComparison.Ordinal)}'");
        return $"{files.Count} files; {du?.Output.Trim() ?? "no sandbox"}";
    }
}
