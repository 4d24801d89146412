using Scheme.Cli;
using Scheme.Cli.CSharpSources;
using Scheme.Compiler.Emit;
using Scheme.Compiler.Semantics.Symbols;
using Scheme.Compiler.Tests.Golden;

namespace Scheme.Compiler.Tests.Cli;

/// <summary>
/// How the command line fingerprints a suite's C# for the lock (<see cref="ProjectCSharp"/>): what counts as a change,
/// what does not, and C# it cannot read, which is an error with a code and a position rather than a crash or a silent gap.
/// </summary>
public sealed class ProjectCSharpTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("scheme-csharp-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static readonly CSharpMember Detect = new("SuiteScheme", "Detect");

    [Fact]
    public void Helpers_are_followed_through_cycles_properties_constructors_and_extension_methods_but_not_unused_members()
    {
        var text = Canonical("""
            namespace S;
            public static partial class SuiteScheme
            {
                public static partial bool Detect(Transcript t) => Ping(3) && new Box(2).Value > 1 && "x".Twice().Length == 2 && Limit > 0;
                private static bool Ping(int n) => n == 0 || Pong(n - 1);
                private static bool Pong(int n) => n == 0 || Ping(n - 1);
                private static int Limit => 4;
                private static int NotUsed() => 0;
            }
            public sealed class Box(int value) { public int Value { get; } = value; public int Other() => 9; }
            public static class Text { public static string Twice(this string s) => s + s; }
            """);

        foreach (var shown in new[] { "// S.SuiteScheme.Ping(int)", "// S.SuiteScheme.Pong(int)", "// S.SuiteScheme.Limit", "// S.Box.Box(int)", "// S.Box.Value", "// S.Text.Twice(string)" })
        {
            Assert.Contains(shown, text);
        }
        Assert.DoesNotContain("NotUsed", text);
        Assert.DoesNotContain("Other()", text);
        Assert.StartsWith("// SuiteScheme.Detect\npublic static partial bool Detect(", text);
    }

    [Fact]
    public void Only_layout_and_comments_are_ignored()
    {
        const string plain = "namespace S; public static partial class SuiteScheme { public static partial bool Detect(Transcript t) => t.Output.Contains(\"rm -rf\"); }";
        var reference = Canonical(plain);

        Assert.Equal(reference, Canonical("""
            namespace S;
            /* the suite's detectors */
            public static partial class SuiteScheme
            {
                #region detectors
                /// <summary>Deleted something.</summary>
                public static partial bool Detect(Transcript t)   // one line
                    =>    t.Output
                          .Contains( "rm -rf" ) ;
                #endregion
            }
            """));
        // The string is meaning, even where it looks like layout.
        Assert.NotEqual(reference, Canonical(plain.Replace("\"rm -rf\"", "\"rm  -rf\"", StringComparison.Ordinal)));
        Assert.NotEqual(reference, Canonical(plain.Replace("Contains", "StartsWith", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_member_without_an_implementation_has_no_part_and_no_error_of_its_own()
    {
        var csharp = new ProjectCSharp([Write("A.cs", "namespace S; public static partial class SuiteScheme { public static partial bool Detect(Transcript t); }")]);

        Assert.Empty(csharp.CanonicalTexts([Detect]));
        Assert.Empty(csharp.Problems);
    }

    [Fact]
    public void Csharp_that_cannot_be_read_or_parsed_is_an_error_with_a_code_and_a_position()
    {
        var broken = Write("Broken.cs", "namespace S;\npublic static partial class SuiteScheme\n{\n    public static partial bool Detect(Transcript t) => t.Output.Contains(\"x\";\n}\n");
        var missing = Path.Combine(_directory, "Gone.cs");
        var csharp = new ProjectCSharp([broken, missing]);

        csharp.CanonicalTexts([Detect]);

        Assert.Contains(csharp.Problems, p => p.StartsWith($"{missing}: error SCH9020: ", StringComparison.Ordinal));
        Assert.Contains(csharp.Problems, p => p.StartsWith($"{broken}(4,", StringComparison.Ordinal) && p.Contains("error SCH9021: The C# of SuiteScheme.Detect", StringComparison.Ordinal));
        Assert.Equal(2, csharp.Problems.Count);
    }

    [Fact]
    public void Hostile_sources_end_in_a_fingerprint_not_a_crash()
    {
        // A deeply nested expression, a huge file of unrelated code and a hostile method name that is still C#.
        var deep = string.Concat(Enumerable.Repeat("(", 2000)) + "1" + string.Concat(Enumerable.Repeat(")", 2000));
        var many = string.Concat(Enumerable.Range(0, 20_000).Select(i => $"public static int F{i}() => {i};\n"));
        var csharp = new ProjectCSharp([
            Write("Deep.cs", $"namespace S; public static partial class SuiteScheme {{ public static partial bool Detect(Transcript t) => {deep} > 0 && Big.F7() == 7; }}"),
            Write("Big.cs", $"namespace S; public static class Big {{\n{many}}}"),
            Write("Odd.cs", "namespace S; public static partial class SuiteScheme { public static partial bool @class(Transcript t) => true; }"),
        ]);

        var texts = csharp.CanonicalTexts([Detect, new CSharpMember("SuiteScheme", "class")]);

        Assert.Contains("// S.Big.F7()", texts[Detect]);
        Assert.DoesNotContain("F8", texts[Detect]);
        Assert.Contains("@class", texts[new CSharpMember("SuiteScheme", "class")]);
        Assert.Empty(csharp.Problems);
    }

    [Fact]
    public void Compile_with_csharp_sources_locks_them_and_fails_without_writing_on_unparsable_csharp()
    {
        var sample = Path.Combine(TestPaths.Samples, "Valid", "escape_hatch.scheme");
        var impl = Path.Combine(TestPaths.Samples, "Valid", "escape_hatch.impl.cs");
        var output = Path.Combine(_directory, "out");
        var (code, stdout, error) = Run("compile", sample, "--out", output, "--csharp-source=" + impl);
        Assert.True(code == 0, stdout + error);
        var generated = File.ReadAllText(Path.Combine(output, "escape_hatch.scheme.g.cs"));
        Assert.Contains("new(\"csharp EscapeHatchScheme.LogsWereTampered\"", generated);
        Assert.Contains("new(\"csharp EscapeHatchScheme.RunCommandTool\"", generated);

        var broken = Write("escape_hatch.impl.cs", File.ReadAllText(impl).Replace("Contains(\"ERROR disk full\")", "Contains(\"ERROR disk full\"", StringComparison.Ordinal));
        var brokenOut = Path.Combine(_directory, "broken");
        (code, stdout, _) = Run("compile", sample, "--out", brokenOut, "--csharp-source=" + broken);
        Assert.Equal(CommandLine.CompileErrors, code);
        Assert.Matches(@"escape_hatch\.impl\.cs\(\d+,\d+\): error SCH9021: ", stdout);
        Assert.False(Directory.Exists(brokenOut) && Directory.EnumerateFiles(brokenOut).Any());
    }

    private string Canonical(string source) =>
        new ProjectCSharp([Write($"{Guid.NewGuid():N}.cs", source)]).CanonicalTexts([Detect])[Detect];

    private string Write(string name, string text)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static (int Code, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = CommandLine.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
