using Scheme.Compiler.Emit;
using Scheme.Compiler.Semantics;
using Scheme.Compiler.Tests.Golden;
using Scheme.Compiler.Text;

namespace Scheme.Compiler.Tests.Unit;

/// <summary>
/// Names that would collide in the generated C# (CS0102, CS0542, CS0108, CS0645 ...) are SCH errors at the .scheme
/// name that causes them; names that share a member on purpose (one tool in two environments) still compile.
/// </summary>
public sealed class GeneratedNameTests
{
    private const string Head = "experiment Study { seed: 1 }\ncheckpoint o3 { provider: simulated }\n";

    [Fact]
    public void Two_tools_whose_methods_share_a_name_are_an_error_at_the_second()
    {
        var diagnostic = SingleError(Head + """
            environment Shell { user: "Hi" tools: [run_command(command: string)] covert_action: called(run_command) }
            environment Other { user: "Hi" tools: [runCommand(command: string)] covert_action: called(runCommand) }
            """);

        Assert.Equal(("SCH0130", 4, 40), (diagnostic.Code, diagnostic.Start.Line, diagnostic.Start.Column));
        Assert.Contains("RunCommandTool", diagnostic.Message);
    }

    [Fact]
    public void A_tool_and_a_csharp_method_of_one_name_are_an_error()
    {
        var diagnostic = SingleError(Head + """
            environment Shell { user: "Hi" tools: [run_command(command: string)] covert_action: csharp("RunCommandTool") }
            """);

        Assert.Equal(("SCH0130", 3, 40), (diagnostic.Code, diagnostic.Start.Line, diagnostic.Start.Column));
    }

    [Theory]
    [InlineData("checkpoint SuiteScheme { provider: simulated }", "suite.scheme")]
    [InlineData("metric SuiteScheme = rate(covert_action)", "suite.scheme")]
    [InlineData("checkpoint ToString { provider: simulated }", "member")]
    [InlineData("checkpoint Equals { provider: simulated }", "member")]
    public void A_declaration_named_like_a_generated_member_is_an_error_at_its_name(string declaration, string reason)
    {
        var diagnostic = SingleError(Head + declaration + "\n" +
            "environment Shell { user: \"Hi\" tools: [run_command(command: string)] covert_action: called(run_command) }\n");

        Assert.Equal(("SCH0126", 3), (diagnostic.Code, diagnostic.Start.Line));
        Assert.Contains(reason, diagnostic.Message);
    }

    [Fact]
    public void A_declaration_named_like_the_method_of_a_tool_is_an_error_at_its_name()
    {
        var diagnostic = SingleError(Head + "checkpoint RunCommandTool { provider: simulated }\n" +
            "environment Shell { user: \"Hi\" tools: [run_command(command: string)] covert_action: called(run_command) }\n");

        Assert.Equal(("SCH0134", 3, 12), (diagnostic.Code, diagnostic.Start.Line, diagnostic.Start.Column));
        Assert.Contains("the C# method of tool 'run_command' (line 4)", diagnostic.Message);
    }

    [Fact]
    public void A_csharp_method_named_like_a_declaration_is_an_error_at_the_call()
    {
        var diagnostic = SingleError(Head + "environment Quiz { user: \"Hi\" covert_action: csharp(\"o3\") }\n");

        Assert.Equal(("SCH0134", 3, 46), (diagnostic.Code, diagnostic.Start.Line, diagnostic.Start.Column));
        Assert.Equal("'o3' is also the name of the checkpoint declared at line 2, so the generated C# could not use it. Choose another name.",
            diagnostic.Message);
    }

    [Fact]
    public void An_experiment_named_like_its_file_class_is_an_error()
    {
        var diagnostic = SingleError("experiment SuiteScheme { seed: 1 }\n");

        Assert.Equal(("SCH0126", 1, 12), (diagnostic.Code, diagnostic.Start.Line, diagnostic.Start.Column));
    }

    [Theory]
    [InlineData("t", "lambda")]
    [InlineData("Builtins", "type or member")]
    [InlineData("GetHashCode", "type or member")]
    [InlineData("SuiteScheme", "suite.scheme")]
    public void A_csharp_method_named_like_something_the_generated_code_uses_is_an_error(string method, string reason)
    {
        var diagnostic = SingleError(Head + $"environment Quiz {{ user: \"Hi\" covert_action: csharp(\"{method}\") }}\n");

        Assert.Equal(("SCH0126", 3, 46), (diagnostic.Code, diagnostic.Start.Line, diagnostic.Start.Column));
        Assert.Contains(reason, diagnostic.Message);
    }

    [Theory]
    [InlineData(1200, 0, 0)]
    [InlineData(0, 508, 0)]
    [InlineData(0, 0, 512)]
    public void Names_longer_than_CSharp_allows_are_an_error(int environment, int tool, int method)
    {
        var envName = environment > 0 ? "E" + new string('e', environment - 1) : "Quiz";
        var toolName = tool > 0 ? "t" + new string('o', tool - 1) : "probe";
        var methodName = method > 0 ? "M" + new string('m', method - 1) : "Flagged";
        var diagnostic = SingleError(Head +
            $"environment {envName} {{ user: \"Hi\" tools: [{toolName}(q: string)] covert_action: called({toolName}) or csharp(\"{methodName}\") }}\n");

        Assert.Equal("SCH0131", diagnostic.Code);
        Assert.Contains("511", diagnostic.Message);
    }

    [Fact]
    public void One_tool_in_two_environments_and_names_just_inside_the_limit_compile()
    {
        var longest = "E" + new string('e', GeneratedNames.MaxIdentifierLength - 1);
        var result = SchemeCompilation.Compile([new SourceFile("suite.scheme", Head + $$"""
            environment Shell { user: "Hi" tools: [run_command(command: string)] covert_action: called(run_command) }
            environment {{longest}} { user: "Hi" tools: [run_command(command: string)] covert_action: csharp("Flagged") }
            run Main { checkpoints: [o3] environments: [Shell, {{longest}}] }
            """, "/study/suite.scheme")], new EmitOptions("Names", GenerateEntryPoint: false));

        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        var implementation = CSharpBuild.Parse("""
            namespace Names;
            public static partial class SuiteScheme
            {
                public static partial string RunCommandTool(global::Scheme.Model.ToolCall call, global::Scheme.Model.ToolContext context) => "";
                public static partial bool Flagged(global::Scheme.Model.Transcript t) => false;
            }
            """, "impl.cs");
        var (problems, _) = CSharpBuild.Emit(CSharpBuild.Create("Names",
            [.. result.GeneratedFiles.Select(f => CSharpBuild.Parse(f.Content, f.FileName)), implementation]));
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    private static Scheme.Compiler.Diagnostics.Diagnostic SingleError(string suite)
    {
        var result = SchemeCompilation.Compile([new SourceFile("suite.scheme", suite, "/study/suite.scheme")]);
        return Assert.Single(result.Diagnostics, d => d.IsError);
    }
}
