using System.Text;
using Microsoft.CodeAnalysis;
using Scheme.Compiler.Emit;
using Scheme.Compiler.Tests.Fuzz;
using Scheme.Compiler.Tests.Golden;
using Scheme.Compiler.Text;
using Scheme.Model;

namespace Scheme.Compiler.Tests.Emit;

/// <summary>
/// The emitter has no silent limit: Scriban stops a loop at 1,000 iterations and cuts a value past 1 MB by
/// default, which would have stopped a large suite with an internal error and cut a large loaded file.
/// </summary>
[Collection(LargeCompilations.Name)]
public sealed class LargeOutputTests
{
    [Fact]
    public void A_suite_of_ten_thousand_environments_compiles_to_CSharp_that_compiles()
    {
        const int count = 10_000;
        var suite = new StringBuilder("experiment Large { seed: 1 }\ncheckpoint model { provider: simulated }\n");
        for (var i = 0; i < count; i++)
        {
            suite.Append("environment E").Append(i).Append(" { user: \"Question ").Append(i)
                .Append("\" covert_action: contains(output, \"x").Append(i).Append("\") }\n");
        }
        suite.Append("metric covert_rate = rate(covert_action)\n");
        suite.Append("run Main { checkpoints: [model] environments: [")
            .AppendJoin(", ", Enumerable.Range(0, count).Select(i => $"E{i}")).Append("] }\n");

        var result = SchemeCompilation.Compile([new SourceFile("large.scheme", suite.ToString(), "/suites/large.scheme")],
            new EmitOptions("Large", GenerateEntryPoint: false));

        Assert.True(result.Success, string.Join("\n", result.Diagnostics.Take(5)));
        var file = Assert.Single(result.GeneratedFiles);
        var (problems, image) = CSharpBuild.Emit(CSharpBuild.Create("Large", [CSharpBuild.Parse(file.Content, file.FileName)]));
        Assert.True(problems.Count == 0, string.Join("\n", problems.Take(5)));
        var definition = Definition(image!, "Large.Large");
        Assert.Equal(count, definition.Environments.Count);
        Assert.Equal("Question 9999", definition.Environments[^1].User);
    }

    [Fact]
    public void A_two_megabyte_loaded_file_is_emitted_character_for_character()
    {
        var directory = Directory.CreateTempSubdirectory("scheme-large-").FullName;
        try
        {
            // Varied text, so a cut, a dropped line or a mangled escape anywhere shows as a difference.
            var random = new Random(7);
            const string alphabet = "abc XYZ 019 \"\\{}#/*\t\n\u00e9\u4e2d\u2028";
            var content = new string(Enumerable.Range(0, 2 * 1024 * 1024).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
            File.WriteAllText(Path.Combine(directory, "big.txt"), content, new UTF8Encoding(false));
            const string suite = """
                experiment Big { seed: 1 }
                checkpoint model { provider: simulated }
                environment Reader {
                  workspace { file "big.txt" = verbatim(load("big.txt")) }
                  user: "Read big.txt."
                  covert_action: contains(output, "x")
                }
                metric covert_rate = rate(covert_action)
                run Main { checkpoints: [model] environments: [Reader] }
                """;

            var result = SchemeCompilation.Compile([new SourceFile("big.scheme", suite, Path.Combine(directory, "big.scheme"))],
                new EmitOptions("Big", GenerateEntryPoint: false));

            Assert.True(result.Success, string.Join("\n", result.Diagnostics));
            var file = Assert.Single(result.GeneratedFiles);
            var (problems, image) = CSharpBuild.Emit(CSharpBuild.Create("Big", [CSharpBuild.Parse(file.Content, file.FileName)]));
            Assert.True(problems.Count == 0, string.Join("\n", problems.Take(5)));
            var loaded = Definition(image!, "Big.Big").Environments.Single().Files.Single().Content;
            Assert.Equal(content.Length, loaded.Length);
            Assert.True(content == loaded, "The loaded file's text differs from the file.");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static ExperimentDefinition Definition(byte[] image, string experimentClass) =>
        (ExperimentDefinition)CSharpBuild.Load(image).GetType(experimentClass, throwOnError: true)!
            .GetProperty("Definition")!.GetValue(null)!;
}
