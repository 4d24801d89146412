using System.Reflection;

namespace Scheme.Build.Tests;

/// <summary>
/// The packages a researcher outside this repository uses, packed once for the tests that consume them (packing is the
/// slow part): Scheme.Dsl, Scheme.Runtime with the packages of its layers, and the Scheme.Templates template package,
/// in a local folder feed, under a version of their own so the global package cache never serves a stale copy.
/// </summary>
public sealed class PackedFeed : IDisposable
{
    public static readonly string Root = typeof(PackedFeed).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;

    public PackedFeed()
    {
        Work = Directory.CreateTempSubdirectory("scheme-package-").FullName;
        Version = "0.1.0-test" + Guid.NewGuid().ToString("N")[..8];
        FeedDirectory = Path.Combine(Work, "feed");
        foreach (var project in new[] { "src/Dsl.Contracts/Dsl.Contracts.csproj", "src/Dsl.Model/Dsl.Model.csproj", "src/Dsl.Engine/Dsl.Engine.csproj",
                     "src/Dsl.Analysis/Dsl.Analysis.csproj", "src/Dsl.Viewer/Dsl.Viewer.csproj", "src/Dsl.Runtime/Dsl.Runtime.csproj", "src/Dsl.Build/Dsl.Build.csproj",
                     "src/Dsl.Templates/Dsl.Templates.csproj" })
        {
            var pack = DotNet.Run(Root, "pack", project, "-c", "Release", "-nr:false", "-o", FeedDirectory, $"-p:Version={Version}");
            if (pack.ExitCode != 0)
            {
                throw new InvalidOperationException($"dotnet pack {project} failed:\n{pack}");
            }
        }
    }

    /// <summary>A temporary folder for the tests' projects; the feed is in it, and all of it goes at the end.</summary>
    public string Work { get; }

    public string FeedDirectory { get; }

    public string Version { get; }

    /// <summary>A nuget.config that adds the feed, for a project outside the repository.</summary>
    public void WriteNugetConfig(string folder) => File.WriteAllText(Path.Combine(folder, "nuget.config"), $"""
        <?xml version="1.0" encoding="utf-8"?>
        <configuration>
          <packageSources>
            <add key="local" value="{FeedDirectory}" />
          </packageSources>
        </configuration>
        """);

    public void Dispose() => System.IO.Directory.Delete(Work, recursive: true);
}
