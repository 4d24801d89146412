using System.Reflection;

namespace Scheme.Build.Tests;

/// <summary>
/// The Scheme.Dsl and Scheme.Runtime packages (with the packages of the runtime's layers), packed from this
/// repository, used by a project that knows nothing of it: restore from a local folder feed, build, run the runner's plan.
/// </summary>
[Collection("dotnet build")]
public sealed class PackageConsumerTests
{
    private static readonly string Root = typeof(PackageConsumerTests).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;

    [Fact]
    public void A_project_outside_the_repository_builds_a_suite_from_the_packages()
    {
        var work = Directory.CreateTempSubdirectory("scheme-package-").FullName;
        try
        {
            // A version of its own, so the global package cache never serves a stale copy.
            var version = "0.1.0-test" + Guid.NewGuid().ToString("N")[..8];
            var feed = Path.Combine(work, "feed");
            // Scheme.Runtime depends on the packages of its layers, which the feed must hold too.
            foreach (var project in new[] { "src/Dsl.Contracts/Dsl.Contracts.csproj", "src/Dsl.Model/Dsl.Model.csproj", "src/Dsl.Engine/Dsl.Engine.csproj",
                         "src/Dsl.Analysis/Dsl.Analysis.csproj", "src/Dsl.Viewer/Dsl.Viewer.csproj", "src/Dsl.Runtime/Dsl.Runtime.csproj", "src/Dsl.Build/Dsl.Build.csproj" })
            {
                var pack = DotNet.Run(Root, "pack", project, "-c", "Release", "-nr:false", "-o", feed, $"-p:Version={version}");
                Assert.True(pack.ExitCode == 0, pack.ToString());
            }
            var consumer = Path.Combine(work, "consumer");
            Directory.CreateDirectory(consumer);
            File.WriteAllText(Path.Combine(consumer, "nuget.config"), $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources>
                    <add key="local" value="{feed}" />
                  </packageSources>
                </configuration>
                """);
            File.WriteAllText(Path.Combine(consumer, "Consumer.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <OutputType>Exe</OutputType>
                    <TargetFramework>net10.0</TargetFramework>
                    <RootNamespace>Consumer</RootNamespace>
                  </PropertyGroup>
                  <ItemGroup>
                    <PackageReference Include="Scheme.Dsl" Version="{version}" PrivateAssets="all" />
                    <PackageReference Include="Scheme.Runtime" Version="{version}" />
                  </ItemGroup>
                </Project>
                """);
            File.WriteAllText(Path.Combine(consumer, "main.scheme"), Suites.Shared + "\n" + Suites.Main.Replace("import \"shared.scheme\"", ""));

            var build = DotNet.Run(consumer, "build", "-nr:false");
            Assert.True(build.ExitCode == 0, build.ToString());
            var plan = DotNet.Run(consumer, "run", "--no-build", "--", "plan", "--summary");

            Assert.True(plan.ExitCode == 0, plan.ToString());
            Assert.Contains("Total: 24 work units", plan.Output);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}
