namespace Scheme.Compiler.Tests.Fuzz;

/// <summary>
/// The tests that compile thousands of suites run one after another rather than side by side: on a two-core
/// machine they would otherwise starve each other, and the mutation fuzz test's hang detection with them.
/// </summary>
[CollectionDefinition(Name)]
public sealed class LargeCompilations
{
    public const string Name = "Large compilations";
}
