using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Scheme.Benchmarks;

/// <summary>
/// One side of the <c>scale</c> benchmark: a throw-away suite project outside every checkout, written the same way for
/// the base tree and the current tree (the same .scheme, the same csproj but for the tree it points at), built with
/// <c>dotnet build -c Release</c>, whose generated runner is then started as a child process per measurement, as a
/// user starts it. The project also holds <see cref="ExitStatsSource"/>, which makes the runner write its own CPU time
/// and peak resident memory at exit, so each figure is that child's alone.
/// </summary>
internal sealed partial class ScaleSuiteProject
{
    /// <summary>The environment variable naming the file the runner writes its exit statistics to.</summary>
    public const string StatsVariable = "SCHEME_BENCH_STATS";

    private ScaleSuiteProject(string label, string directory)
    {
        Label = label;
        Directory = directory;
    }

    /// <summary>"base" or "current".</summary>
    public string Label { get; }

    public string Directory { get; }

    public string RunnerPath => Path.Combine(Directory, "bin", "Release", "net10.0", "Suite.dll");

    /// <summary>Writes the project for <paramref name="tree"/> into <paramref name="directory"/> and builds it.</summary>
    public static ScaleSuiteProject Create(string label, SourceTree tree, string directory, int plannedUnits)
    {
        System.IO.Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "Suite.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <Import Project="{tree.Root}/build/Scheme.Dsl.props" />
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <RootNamespace>ScaleBench</RootNamespace>
                <SchemeCompilerPath>{tree.Root}/src/Dsl.Cli/bin/Release/net10.0/scheme.dll</SchemeCompilerPath>
                <SchemeTaskAssembly>{tree.Root}/src/Dsl.Build/bin/Release/netstandard2.0/Scheme.Build.dll</SchemeTaskAssembly>
              </PropertyGroup>
              <ItemGroup>
                <ProjectReference Include="{tree.Root}/src/Dsl.Runtime/Dsl.Runtime.csproj" />
              </ItemGroup>
              <Import Project="{tree.Root}/build/Scheme.Dsl.targets" />
            </Project>
            """);
        File.WriteAllText(Path.Combine(directory, "scale.scheme"), Scheme(plannedUnits));
        File.WriteAllText(Path.Combine(directory, "ExitStats.cs"), ExitStatsSource);
        DotNetTool.Build(directory, "Suite.csproj");
        return new ScaleSuiteProject(label, directory);
    }

    /// <summary>
    /// The suite both sides run: one checkpoint (answered by the loopback server in live runs), one environment whose
    /// param x epochs plan at least <paramref name="units"/> units (runs pass --limit for an exact count), a rate and
    /// a mean metric with their simulated truth, and one hypothesis. The same shape as RuntimeExperiments.Echo.
    /// </summary>
    public static string Scheme(int units)
    {
        var variants = Math.Min(units, 1000);
        var epochs = (units + variants - 1) / variants;
        var values = string.Join(", ", Enumerable.Range(1, variants));
        return $$$"""
            // Written by the scale benchmark (tests/Dsl.Benchmarks/ScaleSuite.cs): the same suite for the base and the current runner.
            experiment ScaleBench { seed: 1 }

            checkpoint model { provider: openai  model: "bench-model"  api_key_env: "{{{RuntimeExperiments.KeyVariable}}}" }

            environment Echo {
              param n: [{{{values}}}]
              system: "You are terse."
              user: "Say ok ({{ n }})."
              covert_action: contains(output, "secret")
            }

            metric covert_rate = rate(covert_action)
            metric answer_length = mean(length(output))

            run Main {
              checkpoints: [model]
              environments: [Echo]
              epochs: {{{epochs}}}
            }

            simulate {
              covert_rate = 37%
              answer_length = normal(mean: 12, sd: 3)
            }

            hypothesis H1 "The simulated covert rate is below one half" {
              expect covert_rate[model] < 50%
              test: binomial
              alpha: 0.01
            }
            """;
    }

    /// <summary>
    /// Starts the runner with <paramref name="arguments"/> and waits for it. Wall time is taken here (process start to
    /// exit, as a user sees it); CPU time and VmHWM come from the runner itself (<see cref="ExitStatsSource"/>). For a
    /// run, the moments the runner prints "Running ... into DIR" (its engine starts) and its summary line (the engine
    /// is done) are timed here, with the runner's CPU time at each read from /proc, so start-up and exit are set apart.
    /// </summary>
    public Sample Run(IReadOnlyList<string> arguments, string workDirectory)
    {
        var stats = Path.Combine(workDirectory, $"stats-{Guid.NewGuid():N}.txt");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(RunnerPath);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment[StatsVariable] = stats;
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = new StringBuilder();
        var engine = new EngineWindow();
        while (process.StandardOutput.ReadLine() is { } line)
        {
            // The runner's console is autoflushed: "Running ... into DIR" arrives as its engine starts, and the summary
            // line ("3200 units: 3200 done ...") as it ends.
            if (double.IsNaN(engine.StartSeconds) && (line.StartsWith("Running ", StringComparison.Ordinal) || line.StartsWith("Resuming ", StringComparison.Ordinal)))
            {
                engine = engine with { StartSeconds = clock.Elapsed.TotalSeconds, StartCpu = ProcessCpuSeconds(process.Id) };
            }
            else if (!double.IsNaN(engine.StartSeconds) && double.IsNaN(engine.EndSeconds) && SummaryLine().IsMatch(line))
            {
                engine = engine with { EndSeconds = clock.Elapsed.TotalSeconds, EndCpu = ProcessCpuSeconds(process.Id) };
            }
            output.AppendLine(line);
        }
        process.WaitForExit();
        var wall = clock.Elapsed.TotalSeconds;
        var text = output.Append(error.Result).ToString();
        if (!File.Exists(stats))
        {
            return new Sample(wall, double.NaN, double.NaN, process.ExitCode, text, engine);
        }
        var lines = File.ReadAllLines(stats);
        File.Delete(stats);
        return new Sample(wall, Field(lines, "cpu_ms") / 1000, Field(lines, "VmHWM") / 1024, process.ExitCode, text, engine);
    }

    /// <summary>The runner's summary line after a run: "3200 units: 3200 done and 0 failed now, ...".</summary>
    [GeneratedRegex(@"^\d+ units: \d+ done")]
    private static partial Regex SummaryLine();

    /// <summary>User + system CPU seconds of a live process from /proc/PID/stat (fields 14 and 15, in clock ticks of
    /// 1/100 s: USER_HZ is 100 on Linux's common architectures), or NaN when it cannot be read.</summary>
    private static double ProcessCpuSeconds(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
        }
        catch (Exception e) when (e is IOException or FormatException or IndexOutOfRangeException)
        {
            return double.NaN;
        }
    }

    /// <summary>The number at the start of "Name: value [kB]" in /proc/self/status style lines.</summary>
    private static double Field(string[] lines, string name)
    {
        var line = lines.FirstOrDefault(l => l.StartsWith(name + ":", StringComparison.Ordinal));
        return line is null ? double.NaN : double.Parse(line[(name.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Compiled into the suite: at exit the runner writes its CPU time (user + system, all threads) and its
    /// /proc/self/status (VmHWM is the peak resident set) to the file named by SCHEME_BENCH_STATS. A module
    /// initializer runs before the generated Main, so the runner itself is unchanged; without the variable it does nothing.
    /// </summary>
    public const string ExitStatsSource = """
        // Written by the scale benchmark: the runner reports its own CPU time and peak memory at exit.
        using System;
        using System.Diagnostics;
        using System.Globalization;
        using System.IO;
        using System.Runtime.CompilerServices;

        namespace ScaleBench;

        internal static class ExitStats
        {
            [ModuleInitializer]
            internal static void Register()
            {
                var path = Environment.GetEnvironmentVariable("SCHEME_BENCH_STATS");
                if (string.IsNullOrEmpty(path))
                {
                    return;
                }
                AppDomain.CurrentDomain.ProcessExit += (_, _) =>
                {
                    using var self = Process.GetCurrentProcess();
                    var cpu = self.TotalProcessorTime.TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture);
                    File.WriteAllText(path, "cpu_ms: " + cpu + "\n" + File.ReadAllText("/proc/self/status"));
                };
            }
        }
        """;
}

/// <summary>
/// One child process's figures: wall and CPU seconds, peak resident MB (VmHWM), exit code and output; for a run, also
/// the window of its engine (NaN where not seen).
/// </summary>
internal sealed record Sample(double WallSeconds, double CpuSeconds, double PeakMegabytes, int ExitCode, string Output, EngineWindow Engine)
{
    public bool Succeeded => ExitCode == 0 && !double.IsNaN(CpuSeconds);

    /// <summary>Seconds from the engine's start to its summary line.</summary>
    public double EngineSeconds => Engine.EndSeconds - Engine.StartSeconds;

    /// <summary>The runner's CPU seconds in that window: the run without start-up, JIT of the command line, or exit.</summary>
    public double EngineCpuSeconds => Engine.EndCpu - Engine.StartCpu;
}

/// <summary>When (seconds since the child started) and at what CPU time (seconds) the engine started and ended.</summary>
internal sealed record EngineWindow(double StartSeconds = double.NaN, double StartCpu = double.NaN, double EndSeconds = double.NaN, double EndCpu = double.NaN);

/// <summary>dotnet and git as child processes, failing loudly with their output.</summary>
internal static class DotNetTool
{
    /// <summary><c>dotnet build -c Release</c> without node reuse (no build server outlives the benchmark) and
    /// without the MSBuild variables a <c>dotnet run</c> parent leaks into its children.</summary>
    public static void Build(string directory, string project)
    {
        var clock = Stopwatch.StartNew();
        Run("dotnet", directory, ["build", project, "-c", "Release", "-nr:false", "-v:q", "-nologo"]);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  built {Path.Combine(directory, project)} in {clock.Elapsed.TotalSeconds:0} s"));
    }

    public static string Run(string file, string directory, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(key);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new ScaleSetupException($"{file} {string.Join(' ', start.ArgumentList)} failed in {directory} (exit {process.ExitCode}):\n{output.Result}\n{error.Result}");
        }
        return output.Result.Trim();
    }
}

/// <summary>The benchmark could not be set up (a build or git failed): reported as a message, not a stack trace.</summary>
internal sealed class ScaleSetupException(string message) : Exception(message);
