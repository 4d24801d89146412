using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Scheme.Compiler.Emit;
using Scheme.Compiler.Tests.Golden;
using Scheme.Compiler.Text;

namespace Scheme.Compiler.Tests.Emit;

/// <summary>
/// #line directives name the .scheme file so C# errors point back at it. C# reads a #line file name raw (no
/// escapes) up to a quote or any line break, so a path is written as it is, and a path C# cannot hold is an error.
/// </summary>
public sealed class LineDirectiveTests
{
    private const string Suite = """
        experiment E { title: "*/ public static ExperimentDefinition Definition { get; } = new(Name: nameof(E), Title: null, //" seed: 1 }
        spec S { AS1: "*/ internal static class Evil { [global::System.Runtime.CompilerServices.ModuleInitializer] internal static void Init() { } } public static readonly SpecDefinition S = null!; static object M(object a, object b) => a; public static readonly object X = M(0, new int[2 //" }
        """;

    /// <summary>
    /// The attack the issue reported: a folder name with a quote and a line separator ends the directive early, a
    /// folder starting with '*' after the separator opens a comment, and text in the suite closes it, so text of
    /// the reviewed .scheme file became a [ModuleInitializer] in the runner.
    /// </summary>
    [Fact]
    public void A_folder_name_that_would_end_the_directive_is_an_error_at_the_file_and_never_code()
    {
        var file = new SourceFile("suite.scheme", Suite, "/study/a\"\u2028/*x/suite.scheme");

        var result = SchemeCompilation.Compile([file], new EmitOptions("Attack"));

        var diagnostic = Assert.Single(result.Diagnostics, d => d.IsError);
        Assert.Equal("SCH0129", diagnostic.Code);
        Assert.Same(file, diagnostic.File);
        Assert.Equal((1, 1), diagnostic.Start);
        Assert.Contains("a quote", diagnostic.Message);
        Assert.Empty(result.GeneratedFiles);
    }

    [Theory]
    [InlineData("/study/say \"hi\"/suite.scheme", "a quote")]
    [InlineData("/study/two\nlines/suite.scheme", "U+000A")]
    [InlineData("/study/two\rlines/suite.scheme", "U+000D")]
    [InlineData("/study/next\u0085line/suite.scheme", "U+0085")]
    [InlineData("/study/para\u2029graph/suite.scheme", "U+2029")]
    public void Every_character_that_ends_a_directive_is_refused(string fullPath, string named)
    {
        var result = SchemeCompilation.Compile([new SourceFile("suite.scheme", "experiment E { seed: 1 }", fullPath)]);

        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal("SCH0129", diagnostic.Code);
        Assert.Contains(named, diagnostic.Message);
    }

    /// <summary>Backslashes (every Windows path) are written as they are, and C# maps errors to exactly that path.</summary>
    [Theory]
    [InlineData(@"C:\Users\me\study\suite.scheme")]
    [InlineData(@"/study/back\slash\/suite.scheme")]
    [InlineData("/study/tab\there {braces} #hash \u202Ebidi/suite.scheme")]
    public void Paths_C_sharp_can_hold_are_written_as_they_are_and_map_back_exactly(string fullPath)
    {
        var result = SchemeCompilation.Compile([new SourceFile("suite.scheme", "experiment E { seed: 1 }\ncheckpoint m { provider: simulated }\n", fullPath)],
            new EmitOptions("Paths", GenerateEntryPoint: false));

        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        var tree = CSharpBuild.Parse(result.GeneratedFiles.Single().Content, "suite.scheme.g.cs");
        Assert.Empty(tree.GetDiagnostics());
        var field = tree.GetRoot().DescendantNodes().OfType<FieldDeclarationSyntax>().Single();
        var mapped = field.GetLocation().GetMappedLineSpan();
        Assert.Equal(fullPath, mapped.Path);
        Assert.Equal(1, mapped.StartLinePosition.Line); // 0-based: line 2 of the .scheme file
    }
}
