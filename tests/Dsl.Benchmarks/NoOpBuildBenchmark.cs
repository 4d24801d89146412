using System.Diagnostics;
using System.Globalization;
using System.Reflection;

namespace Scheme.Benchmarks;

/// <summary>
/// Times no-op `dotnet build`s of the example suite against the same project without .scheme items (its
/// generated C# copied in as ordinary source, so both compile the same code, and the same other files),
/// alternating the two in one run so machine noise hits both alike. Target: the suite's no-op build is under 5% slower.
/// </summary>
public static class NoOpBuildBenchmark
{
    private static readonly string Root = typeof(NoOpBuildBenchmark).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;

    public static int Run(string[] args)
    {
        var rounds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10;
        var work = Path.Combine(Path.GetTempPath(), "scheme-noop-" + Guid.NewGuid().ToString("N")[..8]);
        var withScheme = Path.Combine(work, "with-scheme");
        var plain = Path.Combine(work, "plain");
        try
        {
            CreateProject(withScheme, useScheme: true);
            Build(withScheme, restore: true);
            CreateProject(plain, useScheme: false);
            foreach (var generated in Directory.GetFiles(Path.Combine(withScheme, "obj", "Debug", "net10.0", "scheme"), "*.g.cs"))
            {
                File.Copy(generated, Path.Combine(plain, Path.GetFileName(generated)));
            }
            Build(plain, restore: true);

            var times = new Dictionary<string, List<double>> { [withScheme] = [], [plain] = [] };
            for (var round = 0; round < rounds; round++)
            {
                foreach (var project in round % 2 == 0 ? new[] { withScheme, plain } : [plain, withScheme])
                {
                    times[project].Add(Build(project, restore: false));
                }
            }
            var a = Median(times[withScheme]);
            var b = Median(times[plain]);
            Console.WriteLine($"No-op dotnet build, median of {rounds} alternating rounds (ms):");
            Console.WriteLine($"  with .scheme items (compiler skipped): {a:F0}   [{string.Join(", ", times[withScheme].Select(t => t.ToString("F0", CultureInfo.InvariantCulture)))}]");
            Console.WriteLine($"  same C# without .scheme items:         {b:F0}   [{string.Join(", ", times[plain].Select(t => t.ToString("F0", CultureInfo.InvariantCulture)))}]");
            Console.WriteLine($"  overhead: {(a / b - 1) * 100:F1}% (target: under 5%)");
            return 0;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static void CreateProject(string directory, bool useScheme)
    {
        Directory.CreateDirectory(directory);
        var source = Path.Combine(Root, "experiments", "AntiScheming");
        // Both projects hold the same files, so the SDK's own globs do the same work; only the plain one
        // lacks the .scheme targets.
        {
            foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories)
                         .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}") && !f.EndsWith(".csproj")))
            {
                var target = Path.Combine(directory, Path.GetRelativePath(source, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }
        }
        var schemeImports = useScheme
            ? ($"<Import Project=\"{Root}/build/Scheme.Dsl.props\" />", $"<Import Project=\"{Root}/build/Scheme.Dsl.targets\" />")
            : ("", "");
        File.WriteAllText(Path.Combine(directory, "Suite.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              {schemeImports.Item1}
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <RootNamespace>AntiScheming</RootNamespace>
                <SchemeCompilerPath>{Root}/src/Dsl.Cli/bin/Release/net10.0/scheme.dll</SchemeCompilerPath>
                <SchemeTaskAssembly>{Root}/src/Dsl.Build/bin/Release/netstandard2.0/Scheme.Build.dll</SchemeTaskAssembly>
              </PropertyGroup>
              <ItemGroup>
                <Reference Include="{Root}/src/Dsl.Runtime/bin/Release/net10.0/Scheme.*.dll" />
              </ItemGroup>
              {schemeImports.Item2}
            </Project>
            """);
    }

    private static double Build(string directory, bool restore)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "build", "-nr:false", "-v:q", "-nologo" }.Concat(restore ? [] : ["--no-restore"]))
        {
            start.ArgumentList.Add(arg);
        }
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(key);
        }
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        watch.Stop();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet build failed in {directory}:\n{output.Result}\n{error.Result}");
        }
        return watch.Elapsed.TotalMilliseconds;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
