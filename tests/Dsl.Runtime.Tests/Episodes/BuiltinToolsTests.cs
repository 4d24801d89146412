using Scheme.Contracts;
using Scheme.Engine.Episodes;
using Scheme.Model;

namespace Scheme.Runtime.Tests.Episodes;

public class BuiltinToolsTests
{
    /// <summary>The files every test here starts from (the sandbox's tests run the same effects on a real directory).</summary>
    internal static readonly WorkspaceFile[] Files =
    [
        new("config.yaml", "oversight_enabled: true"),
        new("docs/memo.md", "Board memo"),
        new("docs/old/plan.md", "Plan"),
    ];

    private readonly Workspace _workspace = new(Files);

    /// <summary>A call as an episode makes it: through the built-in tool, which sends bash and python to the shell.</summary>
    private ToolResult Call(string tool, params (string Name, string Value)[] arguments) =>
        new Scheme.Engine.Episodes.BuiltinTool(new ToolDefinition(tool, IsBuiltin: true, []))
            .ExecuteAsync(new ToolInvocation(new ToolCall(tool, arguments.ToDictionary(a => a.Name, a => a.Value)), _workspace), CancellationToken.None)
            .AsTask().GetAwaiter().GetResult();

    [Fact]
    public void Read_file_returns_the_content()
    {
        Assert.Equal("Board memo", Call("read_file", ("path", "docs/memo.md")).Output);
        Assert.Equal("No such file: missing.txt", Call("read_file", ("path", "missing.txt")).Output);
        Assert.Equal("Is a directory: docs", Call("read_file", ("path", "docs")).Output);
    }

    [Fact]
    public void Read_file_refuses_escapes_as_text()
    {
        Assert.StartsWith("Path escapes the workspace", Call("read_file", ("path", "../../etc/passwd")).Output);
        Assert.StartsWith("Absolute paths are not allowed", Call("read_file", ("path", "/etc/passwd")).Output);
    }

    [Fact]
    public void Write_file_creates_and_replaces()
    {
        Assert.Equal("Wrote 24 characters to config.yaml", Call("write_file", ("path", "config.yaml"), ("content", "oversight_enabled: false")).Output);
        Assert.Equal("oversight_enabled: false", _workspace.Read("config.yaml"));
        Call("write_file", ("path", "new/dir/file.txt"), ("content", "x"));
        Assert.Equal("x", _workspace.Read("new/dir/file.txt"));
    }

    [Fact]
    public void Write_file_refuses_escapes_and_directory_conflicts_without_changing_anything()
    {
        var before = _workspace.Snapshot();
        Assert.StartsWith("Path escapes the workspace", Call("write_file", ("path", "docs/../../x"), ("content", "x")).Output);
        Assert.Equal("Is a directory: docs", Call("write_file", ("path", "docs"), ("content", "x")).Output);
        Assert.Equal("Not a directory: config.yaml", Call("write_file", ("path", "config.yaml/inner"), ("content", "x")).Output);
        Assert.Equal("Missing argument 'content' for write_file.", Call("write_file", ("path", "a.txt")).Output);
        Assert.Equal(before, _workspace.Snapshot());
    }

    [Fact]
    public void List_files_lists_recursively_under_a_directory()
    {
        Assert.Equal("config.yaml\ndocs/memo.md\ndocs/old/plan.md", Call("list_files", ("directory", ".")).Output);
        Assert.Equal("config.yaml\ndocs/memo.md\ndocs/old/plan.md", Call("list_files").Output);
        Assert.Equal("docs/memo.md\ndocs/old/plan.md", Call("list_files", ("directory", "docs")).Output);
        Assert.Equal("No such directory: nope", Call("list_files", ("directory", "nope")).Output);
        Assert.StartsWith("Path escapes the workspace", Call("list_files", ("directory", "..")).Output);
    }

    private static string Search(Workspace workspace, string text) =>
        BuiltinTools.Execute(workspace, new ToolCall("search_files", new Dictionary<string, string> { ["text"] = text })).Output;

    [Fact]
    public void Search_files_answers_each_matching_line_by_path_then_line_case_sensitively()
    {
        var workspace = new Workspace([
            new WorkspaceFile("b.txt", "alpha\nneedle one\nbeta\nneedle two needle"),
            new WorkspaceFile("a/z.md", "needle"),
            new WorkspaceFile("a.txt", "Needle\r\nno\r\nthe needle\r\n"),
        ]);

        // Ordinal path order ('.' before '/'); a line with two matches is one answer; CRLF ends a line without its \r.
        Assert.Equal("a.txt:3: the needle\na/z.md:1: needle\nb.txt:2: needle one\nb.txt:4: needle two needle", Search(workspace, "needle"));
        Assert.Equal("a.txt:1: Needle", Search(workspace, "Needle"));
        Assert.Equal("No matches.", Search(workspace, "haystack"));
    }

    [Fact]
    public void Search_files_refuses_an_empty_missing_or_multi_line_text_as_text()
    {
        Assert.Equal("Missing argument 'text' for search_files.", Call("search_files").Output);
        Assert.Equal("The text to search for is empty.", Call("search_files", ("text", "")).Output);
        Assert.Contains("line break", Call("search_files", ("text", "Board\nmemo")).Output);
    }

    [Fact]
    public void Search_files_reads_a_regex_bomb_as_plain_text_and_answers_at_once()
    {
        // As a regular expression, (a+)+$ against a long run of a's that ends in '!' backtracks exponentially, and
        // a.c would match "abc". As plain text only the line that spells them out matches.
        var workspace = new Workspace([
            new WorkspaceFile("bomb.txt", new string('a', 1_000_000) + "!\nabc"),
            new WorkspaceFile("notes.md", "pattern: (a+)+$"),
        ]);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        Assert.Equal("notes.md:1: pattern: (a+)+$", Search(workspace, "(a+)+$"));
        Assert.Equal("No matches.", Search(workspace, "a.c"));
        Assert.True(clock.Elapsed.TotalSeconds < 2, $"took {clock.Elapsed}");
    }

    [Fact]
    public void Search_files_caps_the_lines_it_shows_and_says_how_many_matched()
    {
        var workspace = new Workspace([
            .. Enumerable.Range(0, 150).Select(i => new WorkspaceFile($"f{i:000}.txt", "x\nneedle here\n")),
            new WorkspaceFile("g.log", string.Concat(Enumerable.Repeat("needle\n", 100_000))),
        ]);

        var lines = Search(workspace, "needle").Split('\n');

        Assert.Equal(BuiltinToolCatalog.SearchMaxMatches + 1, lines.Length);
        Assert.Equal("f000.txt:2: needle here", lines[0]);
        Assert.Equal("f099.txt:2: needle here", lines[^2]);
        Assert.StartsWith("[100150 lines match; the first 100 are shown.", lines[^1]);
    }

    [Fact]
    public void Search_files_cuts_long_lines_around_the_match_without_splitting_characters()
    {
        var emoji = string.Concat(Enumerable.Repeat("\U0001F600", 3_000));
        var workspace = new Workspace([new WorkspaceFile("long.txt", $"{new string('b', 5_000)} needle {emoji}")]);

        var answer = Search(workspace, "needle");

        var content = answer["long.txt:1: ".Length..];
        Assert.StartsWith("...", content);
        Assert.EndsWith("...", content);
        Assert.Contains(" needle ", content);
        Assert.InRange(content.Length - 6, BuiltinToolCatalog.SearchMaxLineLength - 1, BuiltinToolCatalog.SearchMaxLineLength);
        // Strict UTF-8 throws on half a surrogate pair.
        new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true).GetBytes(answer);
    }

    [Fact]
    public void Delete_file_removes_it()
    {
        Assert.Equal("Deleted docs/memo.md", Call("delete_file", ("path", "docs/memo.md")).Output);
        Assert.Null(_workspace.Read("docs/memo.md"));
        Assert.Equal("No such file: docs/memo.md", Call("delete_file", ("path", "docs/memo.md")).Output);
        Assert.StartsWith("Path escapes", Call("delete_file", ("path", "../config.yaml")).Output);
        Assert.NotNull(_workspace.Read("config.yaml"));
    }

    [Fact]
    public void Copy_file_keeps_the_source()
    {
        Assert.Equal("Copied config.yaml to backup/config.yaml", Call("copy_file", ("source", "config.yaml"), ("destination", "backup/config.yaml")).Output);
        Assert.Equal("oversight_enabled: true", _workspace.Read("backup/config.yaml"));
        Assert.Equal("oversight_enabled: true", _workspace.Read("config.yaml"));
        Assert.Equal("No such file: nope", Call("copy_file", ("source", "nope"), ("destination", "x")).Output);
    }

    [Fact]
    public void Move_file_removes_the_source_and_refuses_escapes()
    {
        Assert.StartsWith("Path escapes the workspace", Call("move_file", ("source", "config.yaml"), ("destination", "../exfiltrated.yaml")).Output);
        Assert.NotNull(_workspace.Read("config.yaml"));
        Assert.Equal("Moved config.yaml to a.yaml", Call("move_file", ("source", "config.yaml"), ("destination", "a.yaml")).Output);
        Assert.Null(_workspace.Read("config.yaml"));
        Assert.Equal("oversight_enabled: true", _workspace.Read("a.yaml"));
        Assert.Equal("Moved a.yaml to a.yaml", Call("move_file", ("source", "a.yaml"), ("destination", "./a.yaml")).Output);
        Assert.NotNull(_workspace.Read("a.yaml"));
    }

    [Fact]
    public void Send_email_goes_to_the_outbox_not_the_files()
    {
        var before = _workspace.Snapshot();
        Assert.Equal("Email sent to ceo@example.com", Call("send_email", ("to", "ceo@example.com"), ("subject", "Ranking"), ("body", "Top: A")).Output);
        Assert.Equal([new Email("ceo@example.com", "Ranking", "Top: A")], _workspace.Outbox);
        Assert.Equal(before, _workspace.Snapshot());
        Assert.Equal("Missing argument 'to' for send_email.", Call("send_email", ("subject", "x")).Output);
        Assert.Single(_workspace.Outbox);
    }

    [Fact]
    public void Submit_records_the_declared_arguments_and_ends_the_episode()
    {
        Assert.False(_workspace.IsSubmitted);
        Assert.False(Call("read_file", ("path", "config.yaml")).Refused is not null);
        Assert.False(_workspace.IsSubmitted);
        Call("submit", ("answers", "[1,2,3]"));
        Assert.True(_workspace.IsSubmitted);
        Assert.Equal("[1,2,3]", _workspace.Submission!["answers"]);
    }

    [Fact]
    public void Unknown_tools_answer_with_text()
    {
        Assert.Equal("Unknown tool: rm_rf", Call("rm_rf").Output);
    }

    [Fact]
    public void Complete_fills_in_only_what_a_hand_built_definition_leaves_out()
    {
        var read = BuiltinTools.Complete(new ToolDefinition("read_file", true, []));
        Assert.Equal(["path"], read.Parameters.Select(p => p.Name));
        Assert.Equal(BuiltinToolCatalog.Find("read_file")!.Description, read.Description);
        var submit = BuiltinTools.Complete(new ToolDefinition("submit", true, [new ToolParameter("answers", ValueKind.String)], Description: "Hand in."));
        Assert.Equal(["answers"], submit.Parameters.Select(p => p.Name));
        Assert.Equal("Hand in.", submit.Description);
        var custom = new ToolDefinition("check_weather", false, [new ToolParameter("city", ValueKind.String)], (_, _) => "sunny");
        Assert.Same(custom, BuiltinTools.Complete(custom));
    }

    /// <summary>
    /// What each catalog tool must do to the workspace set up above, checked on its state afterwards: a tool added to
    /// the catalog fails here until it has an entry, and an implementation that answers without acting fails its entry.
    /// </summary>
    internal static readonly Dictionary<string, ((string Name, string Value)[] Arguments, Action<IWorkspace, ToolResult> Effect)> Effects = new()
    {
        [BuiltinToolCatalog.ReadFile] = ([("path", "config.yaml")], (w, r) => Assert.Equal("oversight_enabled: true", r.Output)),
        [BuiltinToolCatalog.WriteFile] = ([("path", "config.yaml"), ("content", "off")], (w, r) => Assert.Equal("off", w.Read("config.yaml"))),
        [BuiltinToolCatalog.ListFiles] = ([("directory", "docs")], (w, r) => Assert.Equal("docs/memo.md\ndocs/old/plan.md", r.Output)),
        [BuiltinToolCatalog.SearchFiles] = ([("text", "memo")], (w, r) => Assert.Equal("docs/memo.md:1: Board memo", r.Output)),
        [BuiltinToolCatalog.DeleteFile] = ([("path", "config.yaml")], (w, r) => Assert.False(w.FileExists("config.yaml"))),
        [BuiltinToolCatalog.CopyFile] = ([("source", "config.yaml"), ("destination", "backup.yaml")],
            (w, r) => Assert.Equal((w.Read("config.yaml"), "oversight_enabled: true"), (w.Read("backup.yaml"), w.Read("config.yaml")))),
        [BuiltinToolCatalog.MoveFile] = ([("source", "config.yaml"), ("destination", "moved.yaml")],
            (w, r) => Assert.Equal((false, "oversight_enabled: true"), (w.FileExists("config.yaml"), w.Read("moved.yaml")))),
        [BuiltinToolCatalog.SendEmail] = ([("to", "board@example.com"), ("subject", "Memo"), ("body", "Attached")],
            (w, r) => Assert.Equal(new Email("board@example.com", "Memo", "Attached"), Assert.Single(w.Outbox))),
        [BuiltinToolCatalog.Submit] = ([("answer", "42")], (w, r) => Assert.Equal("42", w.Submission?["answer"])),
        [BuiltinToolCatalog.Bash] = ([("command", "sed -i s/true/false/ config.yaml && cat config.yaml")],
            (w, r) => Assert.Equal(("oversight_enabled: false", "oversight_enabled: false"), (r.Output, w.Read("config.yaml")))),
        [BuiltinToolCatalog.Python] = ([("code", "import os; os.remove('docs/memo.md'); print(sorted(os.listdir('docs')))")],
            (w, r) => Assert.Equal(("['old']\n", false), (r.Output, w.FileExists("docs/memo.md")))),
    };

    /// <summary>
    /// Every tool the catalog (and so the compiler) offers is implemented here, with the catalog's arguments, and acts. Tools
    /// that run programs act only in a sandbox (SandboxToolsTests runs every entry there); here they say they cannot.
    /// </summary>
    [Theory]
    [MemberData(nameof(CatalogTools))]
    public void Every_catalog_tool_is_implemented(string name)
    {
        var tool = BuiltinToolCatalog.Find(name)!;
        Assert.True(Effects.TryGetValue(name, out var effect), $"The catalog's tool {name} has no entry in Effects: say what it must do.");
        Assert.Equal(tool.Arguments.Select(a => a.Name), effect.Arguments.Select(a => a.Name));

        var result = Call(name, effect.Arguments);

        Assert.DoesNotContain("Unknown tool", result.Output);
        Assert.DoesNotContain("Missing argument", result.Output);
        if (tool.RequiresSandbox)
        {
            Assert.Equal($"{name} cannot run here: this environment has no sandbox.", result.Output);
            Assert.Equal(_workspace.Initial, _workspace.Snapshot());
            return;
        }
        effect.Effect(_workspace, result);
    }

    public static TheoryData<string> CatalogTools => new(BuiltinToolCatalog.All.Select(t => t.Name));
}
