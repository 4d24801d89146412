namespace Scheme.Model;

/// <summary>Something a limit refused or cut: the limit's name in the language and what the model is told.</summary>
public sealed record LimitRefusal(string Limit, string Message);

/// <summary>The names of the limits as a <c>limits { ... }</c> block spells them.</summary>
public static class LimitNames
{
    public const string MaxFileBytes = "max_file_bytes";
    public const string MaxWorkspaceBytes = "max_workspace_bytes";
    public const string MaxToolCallsPerTurn = "max_tool_calls_per_turn";
    public const string MaxResponseBytes = "max_response_bytes";
    public const string MaxTranscriptBytes = "max_transcript_bytes";
    public const string MaxCommandSeconds = "max_command_seconds";
    public const string MaxCommandMemoryBytes = "max_command_memory_bytes";
    public const string MaxCommandProcesses = "max_command_processes";
    public const string MaxCommandOutputBytes = "max_command_output_bytes";
}
