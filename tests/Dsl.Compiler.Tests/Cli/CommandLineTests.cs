using Scheme.Cli;
using Scheme.Compiler.Tests.Golden;

namespace Scheme.Compiler.Tests.Cli;

/// <summary>The scheme command line, run in process: exit codes, canonical output, files written only on change.</summary>
public sealed class CommandLineTests : IDisposable
{
    private readonly string _out = Directory.CreateTempSubdirectory("scheme-cli-").FullName;

    [Fact]
    public void Check_of_a_valid_suite_exits_zero_and_prints_nothing()
    {
        var (code, output, _) = Run("check", Sample("Valid/minimal.scheme"));

        Assert.Equal(0, code);
        Assert.Equal("", output);
    }

    [Fact]
    public void Check_of_an_invalid_suite_exits_one_with_canonical_lines()
    {
        var path = Sample("Invalid/alpha_out_of_range.scheme");

        var (code, output, _) = Run("check", path);

        Assert.Equal(1, code);
        Assert.Matches(@"^.+alpha_out_of_range\.scheme\(\d+,\d+\): error SCH0301: ", output);
    }

    [Fact]
    public void A_missing_file_or_an_unknown_option_is_bad_usage()
    {
        var missing = Path.Combine(_out, "nope.scheme");
        var (code, output, error) = Run("check", missing);
        Assert.Equal(2, code);
        Assert.Equal("", output);
        // Its own code: SCH9004 is the build's failed 'npm install' of the ANTLR tool.
        Assert.Equal($"{missing}: error SCH9008: Input file not found.\n", error.ReplaceLineEndings("\n"));
        Assert.Equal(2, Run("check", "--frobnicate", Sample("Valid/minimal.scheme")).Code);
        Assert.Equal(2, Run("compile", Sample("Valid/minimal.scheme")).Code);
    }

    [Fact]
    public void Compile_writes_one_file_per_source_and_rewrites_it_only_when_it_changes()
    {
        var (code, _, error) = Run("compile", Sample("Valid/anti_scheming.scheme"), "--out", _out, "--namespace", "My.Suite");
        Assert.True(code == 0, error);
        var generated = Path.Combine(_out, "anti_scheming.scheme.g.cs");
        Assert.True(File.Exists(generated));
        Assert.True(File.Exists(Path.Combine(_out, "spec.scheme.g.cs")));
        Assert.Contains("namespace My.Suite;", File.ReadAllText(generated));
        var stamp = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(generated, stamp);

        Assert.Equal(0, Run("compile", Sample("Valid/anti_scheming.scheme"), "--out", _out, "--namespace", "My.Suite").Code);
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(generated));

        Assert.Equal(0, Run("compile", Sample("Valid/anti_scheming.scheme"), "--out", _out, "--namespace", "Other").Code);
        Assert.NotEqual(stamp, File.GetLastWriteTimeUtc(generated));
    }

    [Fact]
    public void Compile_with_errors_writes_nothing_and_exits_one()
    {
        var (code, output, _) = Run("compile", Sample("Invalid/alpha_out_of_range.scheme"), "--out", _out);

        Assert.Equal(1, code);
        Assert.Contains("SCH0301", output);
        Assert.Empty(Directory.GetFiles(_out, "*.g.cs"));
    }

    [Fact]
    public void Compile_lists_the_files_it_read_for_incremental_builds()
    {
        var deps = Path.Combine(_out, "deps.txt");

        Assert.Equal(0, Run("compile", Sample("Valid/anti_scheming.scheme"), "--out", _out, "--dependencies", deps).Code);

        var lines = File.ReadAllLines(deps);
        Assert.Contains(lines, l => l.EndsWith("lib/spec.scheme", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.EndsWith("rubrics/eval_awareness.md", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.EndsWith("data/arithmetic.json", StringComparison.Ordinal));
    }

    [Fact]
    public void Files_read_from_outside_the_given_project_folder_are_warned_about()
    {
        var suite = Sample("Valid/anti_scheming.scheme");

        var (wholeSamples, warned, _) = Run("check", suite, "--project-dir", TestPaths.Samples);
        var (libOnly, outside, _) = Run("check", suite, "--project-dir", Sample("Valid/lib"));

        Assert.Equal((0, 0), (wholeSamples, libOnly));
        Assert.DoesNotContain("SCH0606", warned);
        Assert.Contains("warning SCH0606: 'data/arithmetic.json' lies outside the project folder", outside);
        Assert.Contains("warning SCH0606: 'rubrics/eval_awareness.md'", outside);
    }

    public void Dispose() => Directory.Delete(_out, recursive: true);

    private static string Sample(string relative) => Path.Combine(TestPaths.Samples, relative);

    private static (int Code, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = CommandLine.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
