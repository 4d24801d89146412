using Scheme.Cli;
using Scheme.Compiler.Text;

namespace Scheme.Compiler.Tests.Files;

/// <summary>
/// The files a suite reads: regular files only (a FIFO is refused without being opened, so nothing hangs), never the
/// machine's own state (/proc, /sys, /dev, links followed), one size cap for inputs and loaded files alike, and a
/// warning for anything outside the project folder, which is compiled into the runner but not reviewed with it.
/// </summary>
public sealed class FileAccessTests : IDisposable
{
    private const string Suite = "experiment E { seed: 1 }\ncheckpoint m { provider: simulated }\n";

    private readonly string _root = Directory.CreateTempSubdirectory("scheme-files-").FullName;

    private string Project => Directory.CreateDirectory(Path.Combine(_root, "project")).FullName;

    [LinuxFact]
    public void Load_and_rubric_of_a_named_pipe_are_refused_without_opening_it()
    {
        using var fifo = new Fifo(Path.Combine(Project, "pipe.md"), "text a build would wait for");

        var result = Compile(Suite + """
            environment Q { workspace { file "a.md" = load("pipe.md") } user: "Hi" covert_action: judge(m, rubric("pipe.md")) }
            """);

        Assert.False(fifo.WasOpened);
        Assert.Equal(2, result.Diagnostics.Count(d => d.Code == "SCH0118" && d.Message.Contains("a FIFO (named pipe), not a regular file")));
    }

    [LinuxFact]
    public void An_import_of_a_named_pipe_is_refused_without_opening_it()
    {
        using var fifo = new Fifo(Path.Combine(Project, "lib.scheme"), "checkpoint other { provider: simulated }\n");

        var result = Compile("import \"lib.scheme\"\n" + Suite);

        Assert.False(fifo.WasOpened);
        var diagnostic = Assert.Single(result.Diagnostics, d => d.IsError);
        Assert.Equal(("SCH0111", 1, 8), (diagnostic.Code, diagnostic.Start.Line, diagnostic.Start.Column));
        Assert.Contains("FIFO", diagnostic.Message);
    }

    [LinuxFact]
    public void An_input_that_is_a_named_pipe_is_an_error_at_the_file_and_the_other_inputs_are_checked()
    {
        var other = Path.Combine(Project, "other.scheme");
        File.WriteAllText(other, "checkpoint other { provider: nope }\n");
        using var fifo = new Fifo(Path.Combine(Project, "suite.scheme"), Suite);

        var (code, output) = Cli("check", Path.Combine(Project, "suite.scheme"), other);

        Assert.False(fifo.WasOpened);
        Assert.Equal(1, code);
        Assert.Contains("suite.scheme(1,1): error SCH0132: This .scheme file cannot be read: it is a FIFO (named pipe), not a regular file.", output);
        Assert.True(output.Contains("other.scheme(1,30): error SCH0120:"), output);
    }

    [LinuxFact]
    public void The_machines_own_files_are_refused_even_through_symbolic_links()
    {
        File.CreateSymbolicLink(Path.Combine(Project, "environ.txt"), "/proc/self/environ");
        Directory.CreateSymbolicLink(Path.Combine(Project, "self"), "/proc/self");
        File.CreateSymbolicLink(Path.Combine(Project, "zero.txt"), "/dev/zero");

        var result = Compile(Suite + """
            environment Q {
              workspace {
                file "a" = load("/proc/self/environ")
                file "b" = load("environ.txt")
                file "c" = load("self/environ")
                file "d" = load("zero.txt")
                file "e" = load("/sys/kernel/no-such-file")
                file "f" = load("../project/../project/environ.txt")
              }
              user: "Hi"
            }
            """);

        var refused = result.Diagnostics.Where(d => d.Code == "SCH0118").Select(d => d.Start.Line).ToList();
        Assert.Equal([5, 6, 7, 8, 9, 10], refused);
        Assert.All(result.Diagnostics.Where(d => d.Code == "SCH0118"), d => Assert.Contains("holds the state of this machine", d.Message));
        Assert.Contains("/dev once symbolic links are followed", result.Diagnostics.Single(d => d.Start.Line == 8).Message);
    }

    [Fact]
    public void Files_outside_the_project_folder_are_warned_about_links_followed()
    {
        var outside = Directory.CreateDirectory(Path.Combine(_root, "elsewhere")).FullName;
        File.WriteAllText(Path.Combine(outside, "secret.md"), "not reviewed with the study");
        File.WriteAllText(Path.Combine(outside, "lib.scheme"), "checkpoint shared { provider: simulated }\n");
        Directory.CreateDirectory(Path.Combine(Project, "data"));
        File.WriteAllText(Path.Combine(Project, "data", "inside.md"), "reviewed");
        File.CreateSymbolicLink(Path.Combine(Project, "data", "leak.md"), Path.Combine(outside, "secret.md"));
        File.CreateSymbolicLink(Path.Combine(Project, "alias.md"), Path.Combine(Project, "data", "inside.md"));

        var result = Compile("import \"../elsewhere/lib.scheme\"\n" + Suite + $$"""
            environment Q {
              workspace {
                file "a" = load("{{Path.Combine(outside, "secret.md")}}")
                file "b" = load("../elsewhere/secret.md")
                file "c" = load("data/leak.md")
                file "d" = load("data/inside.md")
                file "e" = load("alias.md")
              }
              user: "Hi"
            }
            """);

        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        var warned = result.Diagnostics.Where(d => d.Code == "SCH0606").Select(d => d.Start.Line).ToList();
        Assert.Equal([1, 6, 7, 8], warned);
        Assert.Contains(Project, result.Diagnostics.First(d => d.Code == "SCH0606").Message);

        var wider = Compile("import \"../elsewhere/lib.scheme\"\n" + Suite, projectDirectory: _root);
        Assert.DoesNotContain(wider.Diagnostics, d => d.Code == "SCH0606");
    }

    [Fact]
    public void One_size_cap_holds_for_inputs_and_loaded_files()
    {
        var atCap = Path.Combine(Project, "at_cap.scheme");
        File.WriteAllText(atCap, Suite + new string(' ', FileReader.MaxBytes - Suite.Length));
        var overCap = Path.Combine(Project, "over_cap.scheme");
        File.WriteAllText(overCap, Suite.Replace("E", "F").Replace(" m ", " n ") + new string(' ', FileReader.MaxBytes - Suite.Length + 1));
        File.WriteAllText(Path.Combine(Project, "big.md"), new string('x', FileReader.MaxBytes + 1));
        File.WriteAllText(Path.Combine(Project, "loads.scheme"), "spec S { P: load(\"big.md\") }\n");

        var result = SchemeCompilation.CompileFiles([atCap, overCap, Path.Combine(Project, "loads.scheme")]);

        Assert.DoesNotContain(result.Diagnostics, d => d.File.Path == atCap && d.IsError);
        var over = Assert.Single(result.Diagnostics, d => d.File.Path == overCap);
        Assert.Equal("SCH0132", over.Code);
        Assert.Contains("larger than 16 MiB", over.Message);
        var load = Assert.Single(result.Diagnostics, d => d.Code == "SCH0118");
        Assert.Contains("larger than 16 MiB", load.Message);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private CompilationResult Compile(string suite, string? projectDirectory = null) =>
        SchemeCompilation.Compile([new SourceFile("suite.scheme", suite, Path.Combine(Project, "suite.scheme"))], projectDirectory: projectDirectory);

    private static (int Code, string Output) Cli(params string[] args)
    {
        var output = new StringWriter();
        var code = CommandLine.Run(args, output, output);
        return (code, output.ToString());
    }
}
