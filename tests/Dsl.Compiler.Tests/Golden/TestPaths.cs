using System.Reflection;

namespace Scheme.Compiler.Tests.Golden;

internal static class TestPaths
{
    public static string Samples { get; } = Metadata("SamplesDirectory");

    public static string RepositoryRoot { get; } = Metadata("RepositoryRoot");

    /// <summary>Set SCHEME_UPDATE_BASELINES=1 to rewrite every baseline from the compiler's current output.</summary>
    public static bool UpdateBaselines { get; } = Environment.GetEnvironmentVariable("SCHEME_UPDATE_BASELINES") == "1";

    private static string Metadata(string key) =>
        typeof(TestPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}
