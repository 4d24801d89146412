using Scheme.Compiler.Emit;
using Scheme.Compiler.Tests.Golden;
using Scheme.Compiler.Text;
using Scheme.Model;

namespace Scheme.Compiler.Tests.Emit;

/// <summary>An environment's limits block reaches the runtime as exactly the limits it sets, the rest left to the defaults.</summary>
public sealed class LimitsTests
{
    [Fact]
    public void The_limits_a_block_sets_reach_the_runtime_and_the_others_take_the_defaults()
    {
        var result = SampleCompiler.Compile("Valid/environment_limits.scheme");
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));

        var definition = Load(result, "Samples.BoundedEpisodes");

        Assert.Equal(new EnvironmentLimits(1048576, 8388608, 32, 1048576, 8388608), definition.Environment("Sprawl").Limits);
        Assert.Equal(new EnvironmentLimits(MaxResponseBytes: 65536), definition.Environment("Chat").Limits);
        Assert.Equal(EnvironmentLimits.Default with { MaxResponseBytes = 65536 }, definition.Environment("Chat").EffectiveLimits);
        Assert.Null(definition.Environment("Unbounded").Limits);
    }

    [Fact]
    public void Limits_is_still_a_name_outside_an_environment_block()
    {
        var result = SchemeCompilation.Compile([new SourceFile("suite.scheme", """
            experiment E { seed: 1 }
            checkpoint m { provider: simulated }
            environment Q { param limits: [1, 2] system: "{{ limits }}" user: "Hi" limits { max_tool_calls_per_turn: 4 } covert_action: contains(output, "x") }
            metric limits_hit = rate(covert_action)
            run limits { checkpoints: [m] environments: [Q] }
            """, "/study/suite.scheme")], new EmitOptions("Names"));

        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        Assert.Equal(4, Load(result, "Names.E").Environment("Q").Limits!.MaxToolCallsPerTurn);
    }

    private static ExperimentDefinition Load(CompilationResult result, string experiment)
    {
        var trees = result.GeneratedFiles.Select(f => CSharpBuild.Parse(f.Content, f.FileName)).ToList();
        var (problems, image) = CSharpBuild.Emit(CSharpBuild.Create("Limits", trees, Microsoft.CodeAnalysis.OutputKind.ConsoleApplication));
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        return (ExperimentDefinition)CSharpBuild.Load(image!).GetType(experiment, throwOnError: true)!.GetProperty("Definition")!.GetValue(null)!;
    }
}
