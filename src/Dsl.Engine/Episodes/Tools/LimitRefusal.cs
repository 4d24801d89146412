
namespace Scheme.Engine.Episodes;

/// <summary>Something a limit refused or cut: the limit's name in the language and what the model is told.</summary>
public sealed record LimitRefusal(string Limit, string Message);

/// <summary>An entry of the transcript's record of what limits refused or cut, with the turn it happened in.</summary>
public sealed record LimitEvent(string Limit, int Turn, string Detail);

/// <summary>The names of the limits as a <c>limits { ... }</c> block spells them.</summary>
public static class LimitNames
{
    public const string MaxFileBytes = "max_file_bytes";
    public const string MaxWorkspaceBytes = "max_workspace_bytes";
    public const string MaxToolCallsPerTurn = "max_tool_calls_per_turn";
    public const string MaxResponseBytes = "max_response_bytes";
    public const string MaxTranscriptBytes = "max_transcript_bytes";
}
