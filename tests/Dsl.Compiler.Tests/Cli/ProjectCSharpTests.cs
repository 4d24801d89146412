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

    [Fact]
    public void Helper_types_with_base_types_interfaces_and_record_parameters_are_shown_by_their_header_not_a_crash()
    {
        // The reviewer's crash: a helper with a base list made the compiler ask the semantic model about a node outside the tree.
        var text = Canonical("""
            namespace S;
            public static partial class SuiteScheme
            {
                public static partial bool Detect(Transcript t) => new WeightsCheck().Ok() && new Pair(new Box()).Left is not null && new Concrete().Size() > 0 && Level.High > Level.Low;
            }
            internal enum Level { Low, High = Limits.Top }
            internal static class Limits { public const int Top = 7; }
            internal interface ICheck { bool Ok(); }
            internal sealed class WeightsCheck : ICheck { public bool Ok() => true; public int Unused() => 1; }
            internal abstract class Shape { public abstract int Size(); }
            internal sealed class Concrete : Shape { public override int Size() => 2; }
            internal sealed record Pair(Box Left);
            internal sealed class Box { }
            """);

        Assert.Contains("internal sealed class WeightsCheck : ICheck\n{\n}", text);
        Assert.Contains("internal sealed class Concrete : Shape", text);
        Assert.Contains("internal sealed record Pair(Box Left)", text);
        Assert.Contains("// S.ICheck", text);
        Assert.Contains("// S.Box", text);
        Assert.DoesNotContain("Unused", text);
        // An enum is shown whole, and what its values read is followed.
        Assert.Contains("public const int Top = 7;", text);
    }

    public static TheoryData<string, string> Unnamed => new()
    {
        // What C# runs without the detector naming it; each case's code holds a string the fingerprint must show.
        { "interface", """
            public static partial bool Detect(Transcript t) => Checks.All.Any(c => c.Check("x"));
            } public static class Checks { public static ICheck[] All = []; }
            public interface ICheck { bool Check(string s); }
            public sealed class Yes : ICheck { public bool Check(string s) => s == "interface-MARK"; }
            public partial class SuiteScheme {
            """ },
        { "override", """
            public static partial bool Detect(Transcript t) => Picked.Score() > 0;
            private static Base Picked = null!;
            } public class Base { public virtual int Score() => 0; }
            public sealed class Derived : Base { public override int Score() => "override-MARK".Length; }
            public partial class SuiteScheme {
            """ },
        { "operator", """
            public static partial bool Detect(Transcript t) => (new Money(1) + new Money(2)).Cents > 0;
            } public sealed record Money(int Cents) { public static Money operator +(Money a, Money b) => new("operator-MARK".Length); }
            public partial class SuiteScheme {
            """ },
        { "conversion", """
            public static partial bool Detect(Transcript t) { string s = new Tag(); return s.Length > (int)new Tag(); }
            } public sealed class Tag { public static implicit operator string(Tag t) => "implicit-MARK"; public static explicit operator int(Tag t) => "explicit-MARK".Length; }
            public partial class SuiteScheme {
            """ },
        { "foreach", """
            public static partial bool Detect(Transcript t) { foreach (var x in new Bag()) { if (x > 0) return true; } return false; }
            } public sealed class Bag { public Walker GetEnumerator() => new(); }
            public struct Walker { private int _i; public bool MoveNext() => _i++ < "movenext-MARK".Length; public int Current => _i; }
            public partial class SuiteScheme {
            """ },
        { "deconstruct", """
            public static partial bool Detect(Transcript t) { var (a, b) = new Pair(); return a > b; }
            } public sealed class Pair { public void Deconstruct(out int a, out int b) { a = "deconstruct-MARK".Length; b = 0; } }
            public partial class SuiteScheme {
            """ },
        { "interpolation", """
            public static partial bool Detect(Transcript t) => $"{new Label()}".Length > 3;
            } public sealed class Label { public override string ToString() => "tostring-MARK"; }
            public partial class SuiteScheme {
            """ },
        { "static constructor", """
            public static partial bool Detect(Transcript t) => Limits.Max > 0;
            } public static class Limits { public static readonly int Max; static Limits() { Max = "cctor-MARK".Length; } }
            public partial class SuiteScheme {
            """ },
        { "module initializer", """
            public static partial bool Detect(Transcript t) => State.Value > 0;
            } public static class State { public static int Value; }
            public static class Init { [System.Runtime.CompilerServices.ModuleInitializer] internal static void Run() => State.Value = "init-MARK".Length; }
            public partial class SuiteScheme {
            """ },
    };

    [Theory]
    [MemberData(nameof(Unnamed))]
    public void Code_csharp_runs_without_naming_it_is_followed(string construct, string members)
    {
        var text = Canonical("namespace S;\npublic static partial class SuiteScheme {\n" + members + "\n}\n");

        // Every marked string of the case's code (a conversion has two) is in the fingerprint, so editing it is a change.
        var markers = System.Text.RegularExpressions.Regex.Matches(members, "\"([a-z]+-MARK)\"").Select(m => m.Value).ToList();
        Assert.NotEmpty(markers);
        Assert.All(markers, marker => Assert.True(text.Contains(marker, StringComparison.Ordinal), $"{construct}: {marker} not followed:\n{text}"));
    }

    [Fact]
    public void The_body_of_a_partial_property_in_another_file_is_followed()
    {
        var csharp = new ProjectCSharp([
            Write("Detect.cs", "namespace S; public static partial class SuiteScheme { public static partial bool Detect(Transcript t) => Config.Threshold > 0; }"),
            Write("ConfigDeclaration.cs", "namespace S; public static partial class Config { public static partial int Threshold { get; } }"),
            Write("ConfigBody.cs", "namespace S; public static partial class Config { public static partial int Threshold { get => \"property-MARK\".Length; } }"),
        ]);
        Assert.Contains("property-MARK", csharp.CanonicalTexts([Detect])[Detect]);
    }

    [Fact]
    public void An_extension_on_a_framework_value_is_followed_with_the_projects_references_and_by_name_without_them()
    {
        const string source = """
            using Scheme.Model;
            namespace S;
            public static partial class SuiteScheme
            {
                public static partial bool Detect(Transcript t) => t.File("/srv/weights.bin").IsOwnWeights();
            }
            public static class WeightsText { public static bool IsOwnWeights(this string? text) => text == "extension-MARK"; }
            public static class Other { public static bool Unrelated(this string? text) => false; }
            """;
        var path = Write("Ext.cs", source);

        var bound = new ProjectCSharp([path], new ProjectCSharpReferences(References(), [], [])).CanonicalTexts([Detect])[Detect];
        var byName = new ProjectCSharp([path]).CanonicalTexts([Detect])[Detect];

        Assert.Contains("// S.WeightsText.IsOwnWeights(string?)", bound);
        Assert.Contains("extension-MARK", byName);
        Assert.DoesNotContain("Unrelated", bound);
        Assert.DoesNotContain("Unrelated", byName);
    }

    [Fact]
    public void Global_usings_from_the_build_bind_names_the_file_does_not_import()
    {
        var path = Write("NoUsing.cs", """
            namespace S;
            public static partial class SuiteScheme { public static partial bool Detect(Transcript t) => Check.Run(t.File("x")); }
            public static class Check { public static bool Run(string s) => s.IsOwn(); public static bool Run(int s) => false; }
            public static class Ext { public static bool IsOwn(this string s) => s == "using-MARK"; }
            """);
        var csharp = new ProjectCSharp([path], new ProjectCSharpReferences(References(), [], [ProjectUsing.Parse("Scheme.Model"), ProjectUsing.Parse("static System.Math"), ProjectUsing.Parse("L = System.Linq.Enumerable")]));

        var text = csharp.CanonicalTexts([Detect])[Detect];

        Assert.Contains("// S.Check.Run(string)", text);
        Assert.DoesNotContain("// S.Check.Run(int)", text);
        Assert.Contains("using-MARK", text);
        Assert.Empty(csharp.Problems);
    }

    [Fact]
    public void A_call_into_a_referenced_projects_assembly_is_warning_SCH9022_naming_the_call()
    {
        // A referenced project's assembly, as its build would make it.
        var lib = Path.Combine(_directory, "Lib.dll");
        using var stream = File.Create(lib);
        var emitted = Microsoft.CodeAnalysis.CSharp.CSharpCompilation.Create("Lib",
            [Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText("namespace Lib; public static class Weights { public static bool IsOwn(string s) => s == \"w\"; }")],
            References().Select(r => Microsoft.CodeAnalysis.MetadataReference.CreateFromFile(r)),
            new Microsoft.CodeAnalysis.CSharp.CSharpCompilationOptions(Microsoft.CodeAnalysis.OutputKind.DynamicallyLinkedLibrary)).Emit(stream);
        stream.Dispose();
        Assert.True(emitted.Success);
        var path = Write("Uses.cs", """
            using Scheme.Model;
            namespace S;
            public static partial class SuiteScheme
            {
                public static partial bool Detect(Transcript t) =>
                    Lib.Weights.IsOwn(t.File("/srv/weights.bin"));
            }
            """);
        var model = typeof(Scheme.Model.Transcript).Assembly.Location;
        var csharp = new ProjectCSharp([path], new ProjectCSharpReferences([.. References(), lib], [lib, model], []));

        csharp.CanonicalTexts([Detect]);

        var warning = Assert.Single(csharp.Warnings);
        Assert.StartsWith($"{path}(6,", warning);
        Assert.Contains("warning SCH9022: The C# of SuiteScheme.Detect uses Lib.Weights.IsOwn(string), which is in the referenced project Lib", warning);
        Assert.Empty(csharp.Problems);
        // Scheme.* (the toolchain, a project reference in this repository), the framework and packages are the build's: not warned about.
        Assert.DoesNotContain(csharp.Warnings, w => w.Contains("Transcript", StringComparison.Ordinal));
        var quiet = new ProjectCSharp([path], new ProjectCSharpReferences([.. References(), lib], [], []));
        quiet.CanonicalTexts([Detect]);
        Assert.Empty(quiet.Warnings);
    }

    /// <summary>The test process's own assemblies: the framework and Scheme.*, as a build's @(ReferencePath) would be.</summary>
    private static string[] References() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator).Where(p => p.EndsWith(".dll", StringComparison.Ordinal)).ToArray();

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
