using Microsoft.CodeAnalysis;
using Scheme.Analysis.Prereg;
using Scheme.Compiler.Emit;
using Scheme.Compiler.Tests.Golden;
using Scheme.Model;

namespace Scheme.Compiler.Tests.Prereg;

/// <summary>
/// A mean metric's simulated distribution decides its power, so it is locked: in a copy of the example suite with a mean
/// metric, its simulated distributions and a hypothesis on it added, changing a distribution's parameter, its kind, or
/// turning it into a plain number after the lock makes exactly that hypothesis exploratory, naming "simulate reads";
/// spelling the same distribution another way (named parameters, another number format) changes nothing.
/// </summary>
public sealed class SimulatedDistributionTamperTests : IDisposable
{
    private static readonly DateTimeOffset LockedAt = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly string _directory = Directory.CreateTempSubdirectory("scheme-tamper-dist-").FullName;

    private const string Addition = """

        metric reads in [SandbaggingQA] = mean(count(calls(read_file)))
        simulate {
          reads[o3] = normal(3, 1)
          reads[o3_as] = poisson(2)
        }
        hypothesis R7 "Fewer reads after training" { expect reads[o3_as] < reads[o3]  test: t_test  family: reads }

        """;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    public static TheoryData<string, string, string[]> Changes => new()
    {
        { "reads[o3] = normal(3, 1)", "reads[o3] = normal(3, 1.5)", ["R7"] },
        { "reads[o3_as] = poisson(2)", "reads[o3_as] = poisson(2.5)", ["R7"] },
        { "reads[o3] = normal(3, 1)", "reads[o3] = beta(3, 1)", ["R7"] },
        { "reads[o3] = normal(3, 1)", "reads[o3] = 3", ["R7"] },
        { "reads[o3] = normal(3, 1)", "reads[o3] = normal(mean: 3.0, sd: 100%)", [] },
    };

    [Theory]
    [MemberData(nameof(Changes))]
    public void A_changed_distribution_makes_its_hypothesis_exploratory(string before, string after, string[] expected)
    {
        var locked = PreregistrationLock.Create(Compile("locked", text => text), LockedAt, null);
        var changed = Compile("changed", text =>
        {
            Assert.Contains(before, text);
            return text.Replace(before, after, StringComparison.Ordinal);
        });

        var standings = changed.Hypotheses.ToDictionary(h => h.Name, h => PreregistrationVerifier.Assess(locked, changed, h, LockedAt.AddHours(1)));

        Assert.Equal(expected, standings.Where(s => !s.Value.Confirmatory).Select(s => s.Key).Order());
        foreach (var name in expected)
        {
            Assert.Contains(standings[name].Changes, c => c.Name == "simulate reads");
        }
    }

    private ExperimentDefinition Compile(string name, Func<string, string> tamper)
    {
        var directory = Path.Combine(_directory, name);
        ExampleSuiteCopy.CopyTo(directory);
        var suite = Path.Combine(directory, "suite.scheme");
        File.WriteAllText(suite, tamper(File.ReadAllText(suite) + Addition));
        return ExampleSuiteCopy.Compile(directory, "TamperDistribution" + name);
    }
}
