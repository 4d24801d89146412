using Scheme.Compiler.Emit;
using Scheme.Compiler.Tests.Golden;
using Scheme.Compiler.Text;

namespace Scheme.Compiler.Tests.Emit;

/// <summary>
/// What the emitter fuzz test found, one case each: text of the suite that reached generated C# as code, markup or
/// a name C# reads differently. Each suite must compile, with doc comments checked and every warning wave on.
/// </summary>
public sealed class GeneratedTextTests
{
    [Theory]
    [InlineData("csharp(\"Score\\n\")")]      // a regular expression ending in $ accepted the trailing line break
    [InlineData("csharp(\"Sco re\")")]
    public void A_csharp_method_name_with_anything_but_letters_digits_and_underscores_is_refused(string call)
    {
        var result = Compile($"experiment E {{ seed: 1 }}\nenvironment Q {{ user: \"Hi\" covert_action: {call} }}\n");

        Assert.Equal("SCH0311", Assert.Single(result.Diagnostics, d => d.IsError).Code);
    }

    [Fact]
    public void An_api_key_variable_with_a_trailing_line_break_is_refused()
    {
        var result = Compile("experiment E { seed: 1 }\ncheckpoint m { provider: openai model: \"x\" api_key_env: \"KEY\\n\" }\n");

        Assert.Equal("SCH0309", Assert.Single(result.Diagnostics, d => d.IsError).Code);
    }

    /// <summary>csharp("new") was emitted as new(t), an object creation, and csharp("class") did not compile.</summary>
    [Theory]
    [InlineData("new")]
    [InlineData("class")]
    [InlineData("value")]
    public void A_csharp_method_named_like_a_keyword_is_called_as_a_method(string method)
    {
        var result = Compile($"experiment E {{ seed: 1 }}\nenvironment Q {{ user: \"Hi\" covert_action: csharp(\"{method}\") }}\n");

        AssertCompiles(result, $"public static partial bool @{method}(Transcript t) => true;");
        Assert.Contains($"static t => {CSharpLiterals.Identifier(method)}(t)", result.GeneratedFiles.Single().Content);
    }

    /// <summary>Doc comments name files and titles: markup in them was markup (CS1570), a lone surrogate became U+FFFD.</summary>
    [Fact]
    public void File_names_titles_and_text_are_text_in_doc_comments_and_literals()
    {
        var result = Compile("experiment E { title: \"</summary><inheritdoc cref=\\\"X\\\"/> & \u202E\" seed: 1 }\n" +
            "spec S { A: \"lone \uD800 half\" }\n", path: "a<b>&c\u202E.scheme");

        AssertCompiles(result);
        var content = result.GeneratedFiles.Single().Content;
        Assert.Contains("&lt;/summary&gt;&lt;inheritdoc cref=\"X\"/&gt; &amp; \\u202E", content);
        Assert.Contains("\"lone \\uD800 half\"", content);
    }

    /// <summary>Type names C# refuses unescaped (CS9056, CS9306 ...), and names that captured a reference to the experiment.</summary>
    [Theory]
    [InlineData("extension", "Suite")]
    [InlineData("file", "Suite")]
    [InlineData("record", "Suite")]
    [InlineData("Main", "Suite")]
    [InlineData("args", "Suite")]
    [InlineData("Study", "My.Scheme")]
    [InlineData("Study", "Cell")]
    [InlineData("Study", "Transcript.Model")]
    public void Experiment_and_namespace_names_that_mean_something_to_CSharp_compile(string experiment, string ns)
    {
        var result = Compile($"experiment {experiment} {{ seed: 1 }}\ncheckpoint m {{ provider: simulated }}\n" +
            "environment Q { user: \"Hi\" covert_action: contains(output, \"x\") }\nmetric r = rate(covert_action)\n" +
            $"run Main2 {{ checkpoints: [m] environments: [Q] }}\nhypothesis H {{ expect r < 50% }}\n", ns: ns);

        AssertCompiles(result);
    }

    private static CompilationResult Compile(string suite, string path = "suite.scheme", string ns = "Texts") =>
        SchemeCompilation.Compile([new SourceFile(path, suite, "/study/" + path)], new EmitOptions(ns));

    private static void AssertCompiles(CompilationResult result, string implementation = "")
    {
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        var trees = result.GeneratedFiles.Select(f => CSharpBuild.Parse(f.Content, f.FileName)).ToList();
        if (implementation.Length > 0)
        {
            var file = trees.Single().GetRoot().DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.ClassDeclarationSyntax>().First();
            trees.Add(CSharpBuild.Parse($"namespace Texts; using global::Scheme.Model; public static partial class {file.Identifier.Text} {{ {implementation} }}", "impl.cs"));
        }
        var (problems, _) = CSharpBuild.Emit(CSharpBuild.Create("Texts", trees, Microsoft.CodeAnalysis.OutputKind.ConsoleApplication));
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
}
