using System.Reflection;

namespace Scheme.LanguageServer.Tests;

/// <summary>Where the repository and the built `scheme` command are.</summary>
internal static class Repository
{
    public static string Root { get; } = Metadata("RepositoryRoot");

    public static string SchemeDll { get; } = Path.Combine(Root, "src", "Dsl.Cli", "bin", Metadata("Configuration"), "net10.0", "scheme.dll");

    public static string ExampleSuite { get; } = Path.Combine(Root, "experiments", "AntiScheming");

    /// <summary>Copies the example suite (its .scheme files, data, rubrics and project file, no build output) to <paramref name="target"/>.</summary>
    public static void CopyExample(string target)
    {
        foreach (var file in Directory.EnumerateFiles(ExampleSuite, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(ExampleSuite, file);
            if (relative.StartsWith("bin", StringComparison.Ordinal) || relative.StartsWith("obj", StringComparison.Ordinal))
            {
                continue;
            }
            var destination = Path.Combine(target, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }
    }

    private static string Metadata(string key) =>
        typeof(Repository).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}
