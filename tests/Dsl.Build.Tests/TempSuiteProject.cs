using System.Reflection;

namespace Scheme.Build.Tests;

/// <summary>
/// A throw-away project outside the repository that uses the .scheme build integration the way a package
/// consumer does: it imports build/Scheme.Dsl.props and .targets and points them at the built compiler.
/// </summary>
internal sealed class TempSuiteProject : IDisposable
{
    private static readonly string Root = Metadata("RepositoryRoot");
    private static readonly string Configuration = Metadata("Configuration");

    public TempSuiteProject(string outputType = "Exe", string extraProperties = "", string extraItems = "")
    {
        Directory = Path.Combine(Path.GetTempPath(), "scheme-e2e-" + Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(Directory);
        File.WriteAllText(Path.Combine(Directory, "Suite.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <Import Project="{Root}/build/Scheme.Dsl.props" />
              <PropertyGroup>
                <OutputType>{outputType}</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <RootNamespace>E2E.Suite</RootNamespace>
                <SchemeCompilerPath>{Root}/src/Dsl.Cli/bin/{Configuration}/net10.0/scheme.dll</SchemeCompilerPath>
                <SchemeTaskAssembly>{Root}/src/Dsl.Build/bin/{Configuration}/netstandard2.0/Scheme.Build.dll</SchemeTaskAssembly>
                {extraProperties}
              </PropertyGroup>
              <ItemGroup>
                <ProjectReference Include="{Root}/src/Dsl.Runtime/Dsl.Runtime.csproj" />
                {extraItems}
              </ItemGroup>
              <Import Project="{Root}/build/Scheme.Dsl.targets" />
            </Project>
            """);
    }

    public string Directory { get; }

    public string GeneratedDirectory => Path.Combine(Directory, "obj", "Debug", "net10.0", "scheme");

    public string Generated(string schemeFile) => Path.Combine(GeneratedDirectory, schemeFile + ".g.cs");

    public void Write(string relativePath, string content)
    {
        var path = Path.Combine(Directory, relativePath);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }

    /// <summary>Node reuse off: no build server outlives the test.</summary>
    public ProcessResult Build(params string[] extra) => DotNet.Run(Directory, ["build", "-nr:false", "-v:n", "-p:Configuration=Debug", .. extra]);

    public ProcessResult RunRunner(params string[] arguments) =>
        DotNet.Run(Directory, [Path.Combine(Directory, "bin", "Debug", "net10.0", "Suite.dll"), .. arguments]);

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; never fail a test over cleanup.
        }
    }

    private static string Metadata(string key) =>
        typeof(TempSuiteProject).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}
