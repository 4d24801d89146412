using System.Reflection;

namespace Scheme.Editors.Tests;

/// <summary>Paths in the source tree (the tests read the extension and the samples, and rewrite golden files there).</summary>
internal static class Repository
{
    public static string Root { get; } = typeof(Repository).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;

    public static string Extension { get; } = Path.Combine(Root, "src", "editors", "vscode");

    public static string Grammar { get; } = Path.Combine(Extension, "syntaxes", "scheme.tmLanguage.json");

    public static string Golden { get; } = Path.Combine(Root, "tests", "Dsl.Editors.Tests", "Golden");

    /// <summary>Set SCHEME_UPDATE_BASELINES=1 to rewrite the golden scope files (as for the compiler's baselines).</summary>
    public static bool UpdateBaselines { get; } = Environment.GetEnvironmentVariable("SCHEME_UPDATE_BASELINES") == "1";
}
