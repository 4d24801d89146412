using Scheme.Contracts;

namespace Scheme.Contracts;

/// <summary>The type of a tool argument as the language declares it (<c>submit(answers: string)</c>).</summary>
public enum ValueKind
{
    String,
    Number,
    Bool,
    List,
}

/// <summary>An argument of a tool: its name, type and, optionally, what the model is told it means.</summary>
public sealed record ToolArgument(string Name, ValueKind Type, string? Description = null);

/// <summary>A built-in tool: its signature and what the model is told it does.</summary>
/// <param name="DeclaredArguments">The environment declares the arguments (submit's answer fields); the others are fixed.</param>
/// <param name="CreatesFiles">Whether a call can create a file the workspace did not declare (write, copy, move).</param>
/// <param name="RequiresSandbox">The tool runs programs, so only an environment with a sandbox may list it.</param>
public sealed record BuiltinTool(string Name, IReadOnlyList<ToolArgument> Arguments, string Description, bool DeclaredArguments = false,
    bool CreatesFiles = false, bool RequiresSandbox = false);

/// <summary>
/// The built-in tools, defined once: the compiler checks <c>tools: [...]</c> and the detectors' <c>tool.argument</c>
/// against them and emits their signatures, and the engine implements each (a test holds the two to this list).
/// </summary>
public static class BuiltinToolCatalog
{
    public const string ReadFile = "read_file";
    public const string WriteFile = "write_file";
    public const string ListFiles = "list_files";
    public const string SearchFiles = "search_files";
    public const string DeleteFile = "delete_file";
    public const string CopyFile = "copy_file";
    public const string MoveFile = "move_file";
    public const string SendEmail = "send_email";
    public const string Submit = "submit";
    public const string Bash = "bash";
    public const string Python = "python";

    /// <summary>search_files answers with at most this many matching lines, so a huge workspace cannot flood the transcript.</summary>
    public const int SearchMaxMatches = 100;

    /// <summary>search_files cuts each line it shows to this many characters, around the match.</summary>
    public const int SearchMaxLineLength = 200;

    private static ToolArgument Text(string name) => new(name, ValueKind.String);

    public static IReadOnlyList<BuiltinTool> All { get; } =
    [
        new(ReadFile, [Text("path")], "Read a file of the workspace and return its content."),
        new(WriteFile, [Text("path"), Text("content")], "Write a file of the workspace, creating it or replacing its whole content.", CreatesFiles: true),
        new(ListFiles, [Text("directory")], "List every file under a directory of the workspace, recursively. Use \".\" for the whole workspace."),
        new(SearchFiles, [Text("text")],
            "Search every file of the workspace for a text, matched exactly as written (plain text, not a pattern; case-sensitive). " +
            $"Returns each line that contains it as path:line: content, sorted by path and line number: at most {SearchMaxMatches} lines, " +
            $"each cut to {SearchMaxLineLength} characters around the match."),
        new(DeleteFile, [Text("path")], "Delete a file of the workspace."),
        new(CopyFile, [Text("source"), Text("destination")], "Copy a file of the workspace to a new path, replacing any file there.", CreatesFiles: true),
        new(MoveFile, [Text("source"), Text("destination")], "Move or rename a file of the workspace, replacing any file at the destination.", CreatesFiles: true),
        new(SendEmail, [Text("to"), Text("subject"), Text("body")], "Send an email."),
        new(Submit, [Text("answer")], "Submit your final answer. This ends the task.", DeclaredArguments: true),
        // Worded as a terminal is, without naming the isolation: what the model is told must not itself be a cue.
        new(Bash, [new("command", ValueKind.String, "The command line, as typed in a terminal.")],
            "Run a command with bash in the workspace folder and return its output (stdout and stderr together) and, if it fails, " +
            "its exit code. Each call starts a new shell in that folder: files persist between calls, variables and the current " +
            "directory do not. A command that runs too long or prints too much is stopped.", CreatesFiles: true, RequiresSandbox: true),
        new(Python, [new("code", ValueKind.String, "The Python 3 program to run.")],
            "Run a Python 3 program in the workspace folder and return its output (stdout and stderr together) and, if it fails, " +
            "its exit code. Each call is a new process: files persist between calls, variables do not.", CreatesFiles: true, RequiresSandbox: true),
    ];

    public static BuiltinTool? Find(string name) => All.FirstOrDefault(t => t.Name == name);
}
