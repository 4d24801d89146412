namespace Scheme.Build.Tests;

/// <summary>
/// Real `dotnet build`s of a temporary project that uses the .scheme targets, then its runner. Slow (seconds
/// per build), so they share one collection and run one at a time.
/// </summary>
[Collection("dotnet build")]
public sealed class BuildIntegrationTests
{
    [Fact]
    public void Builds_a_runner_whose_plan_prints_every_work_unit()
    {
        using var project = NewSuite();

        var build = project.Build();
        Assert.True(build.ExitCode == 0, build.ToString());
        var plan = project.RunRunner("plan");

        Assert.True(plan.ExitCode == 0, plan.ToString());
        var unitLines = plan.Output.Split('\n').Where(l => System.Text.RegularExpressions.Regex.IsMatch(l, "^[0-9a-f]{16}  ")).ToList();
        // 2 checkpoints x 2 variants (hint) x 2 conditions x 3 epochs.
        Assert.Equal(24, unitLines.Count);
        Assert.Equal(24, unitLines.Select(l => l[..16]).Distinct().Count());
        Assert.Contains("Total: 24 work units", plan.Output);
        Assert.Contains(unitLines, l => l.Contains("tuned") && l.Contains("Quiz[hint=false]") && l.Contains("Cue"));
        // Ids are stable: a second invocation prints the same plan.
        Assert.Equal(plan.Output, project.RunRunner("plan").Output);

        // The same runner runs the design offline and exports one line per unit, ids as planned.
        var runDirectory = Path.Combine(project.Directory, "runs", "offline");
        var run = project.RunRunner("run", "--offline", "--out", runDirectory);
        Assert.True(run.ExitCode == 0, run.ToString());
        var export = Path.Combine(project.Directory, "units.jsonl");
        Assert.Equal(0, project.RunRunner("export", runDirectory, "--format", "jsonl", "--output", export).ExitCode);
        var exported = File.ReadAllLines(export).Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("unit_id").GetString()!).ToHashSet();
        Assert.Equal(unitLines.Select(l => l[..16]).ToHashSet(), exported);
    }

    [Fact]
    public void A_bad_scheme_file_fails_the_build_with_canonical_errors_at_the_right_place()
    {
        using var project = new TempSuiteProject();
        project.Write("bad.scheme", Suites.Bad);

        var build = project.Build();

        Assert.NotEqual(0, build.ExitCode);
        var badPath = Path.Combine(project.Directory, "bad.scheme");
        Assert.Contains($"{badPath}(3,17): error SCH0103: Unknown checkpoint 'base_modle'.", build.Output);
        Assert.Contains($"{badPath}(4,18): error SCH0104: Unknown environment 'Nowhere'.", build.Output);
        Assert.DoesNotContain("   at ", build.Output);
    }

    [Fact]
    public void A_no_op_build_leaves_generated_files_untouched_and_an_edit_regenerates_them()
    {
        using var project = NewSuite();
        Assert.Equal(0, project.Build().ExitCode);
        var generated = project.Generated("main.scheme");
        var stamp = Path.Combine(project.GeneratedDirectory, "scheme.stamp");
        var firstWrite = File.GetLastWriteTimeUtc(generated);
        var firstStamp = File.GetLastWriteTimeUtc(stamp);
        var firstContent = File.ReadAllText(generated);

        var noOp = project.Build();

        Assert.Equal(0, noOp.ExitCode);
        Assert.Contains("Skipping target \"_SchemeCompile\" because all output files are up-to-date", noOp.Output);
        Assert.Equal(firstWrite, File.GetLastWriteTimeUtc(generated));
        Assert.Equal(firstStamp, File.GetLastWriteTimeUtc(stamp));
        Assert.Equal(0, project.RunRunner("plan").ExitCode);

        project.Write("main.scheme", Suites.Main.Replace("epochs: 3", "epochs: 5"));
        var edited = project.Build();

        Assert.Equal(0, edited.ExitCode);
        var secondContent = File.ReadAllText(generated);
        Assert.NotEqual(firstContent, secondContent);
        Assert.Contains("Epochs: 5", secondContent);
        Assert.Contains("Total: 40 work units", project.RunRunner("plan").Output);
    }

    /// <summary>
    /// shared.scheme is not an item of the project (the glob excludes lib/), so only the compiler's dependency
    /// file tells MSBuild that main.scheme must be recompiled when it changes.
    /// </summary>
    [Fact]
    public void Changing_an_imported_file_rebuilds_its_importer()
    {
        using var project = new TempSuiteProject(extraItems: "<Scheme Remove=\"lib/**\" />");
        project.Write("main.scheme", Suites.Main.Replace("import \"shared.scheme\"", "import \"lib/shared.scheme\""));
        project.Write("lib/shared.scheme", Suites.Shared);
        var first = project.Build();
        Assert.True(first.ExitCode == 0, first.ToString());
        var items = DotNet.Run(project.Directory, "msbuild", "-nr:false", "-getItem:Scheme");
        Assert.DoesNotContain("shared.scheme", items.Output);
        Assert.Contains(Path.Combine(project.Directory, "lib", "shared.scheme"),
            File.ReadAllText(Path.Combine(project.GeneratedDirectory, "scheme.deps")));
        Assert.Equal(0, project.Build().ExitCode);

        project.Write("lib/shared.scheme", Suites.Shared.Replace("gpt-4.1-mini-tuned", "gpt-4.1-mini-tuned-v2"));
        var rebuild = project.Build();

        Assert.True(rebuild.ExitCode == 0, rebuild.ToString());
        Assert.DoesNotContain("Skipping target \"_SchemeCompile\"", rebuild.Output);
        Assert.Contains("gpt-4.1-mini-tuned-v2", File.ReadAllText(project.Generated("shared.scheme")));
        Assert.Equal(0, project.RunRunner("plan").ExitCode);
    }

    /// <summary>
    /// What no timestamp shows: a generated file deleted by hand, a new item older than the last build, and a
    /// property given on the command line.
    /// </summary>
    [Fact]
    public void Missing_outputs_old_new_items_and_changed_settings_recompile()
    {
        using var project = NewSuite();
        Assert.Equal(0, project.Build().ExitCode);

        File.Delete(project.Generated("main.scheme"));
        Assert.Equal(0, project.Build().ExitCode);
        Assert.True(File.Exists(project.Generated("main.scheme")));

        project.Write("extra.scheme", "checkpoint extra { provider: simulated }\n");
        File.SetLastWriteTimeUtc(Path.Combine(project.Directory, "extra.scheme"), new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        var withOldItem = project.Build();
        Assert.True(withOldItem.ExitCode == 0, withOldItem.ToString());
        Assert.True(File.Exists(project.Generated("extra.scheme")));

        var renamed = project.Build("-p:SchemeNamespace=Renamed.Suite");
        Assert.True(renamed.ExitCode == 0, renamed.ToString());
        Assert.Contains("namespace Renamed.Suite;", File.ReadAllText(project.Generated("main.scheme")));
    }

    [Fact]
    public void Clean_removes_the_generated_files()
    {
        using var project = NewSuite();
        Assert.Equal(0, project.Build().ExitCode);
        Assert.True(File.Exists(project.Generated("main.scheme")));

        var clean = DotNet.Run(project.Directory, "clean", "-nr:false");

        Assert.Equal(0, clean.ExitCode);
        Assert.False(File.Exists(project.Generated("main.scheme")));
        Assert.False(File.Exists(project.Generated("shared.scheme")));
    }

    /// <summary>What an IDE does (SkipCompilerExecution): the Compile items must include the generated files.</summary>
    [Fact]
    public void Design_time_builds_see_the_generated_files()
    {
        using var project = NewSuite();

        var designTime = DotNet.Run(project.Directory, "msbuild", "-restore", "-nr:false", "-t:Compile",
            "-p:DesignTimeBuild=true", "-p:SkipCompilerExecution=true", "-p:ProvideCommandLineArgs=true", "-getItem:Compile");

        Assert.True(designTime.ExitCode == 0, designTime.ToString());
        Assert.Contains("main.scheme.g.cs", designTime.Output);
        Assert.Contains("shared.scheme.g.cs", designTime.Output);
    }

    [Fact]
    public void The_default_glob_can_be_turned_off()
    {
        using var project = new TempSuiteProject(outputType: "Library", extraProperties: "<EnableDefaultSchemeItems>false</EnableDefaultSchemeItems>");
        project.Write("bad.scheme", Suites.Bad);

        var build = project.Build();

        Assert.True(build.ExitCode == 0, build.ToString());
        Assert.False(Directory.Exists(project.GeneratedDirectory) && Directory.EnumerateFiles(project.GeneratedDirectory, "*.g.cs").Any());
    }

    /// <summary>
    /// The task passes every path in a System.CommandLine response file, which skips lines starting with '#', splits
    /// words at whitespace outside quotes, drops every quote and expands words starting with '@'. Names with a leading
    /// '#' or '@' and with spaces build. A tab builds no runner either way (C#'s compiler drops it from the generated
    /// file's name), and a quote cannot be passed at all: each is one clear error at the file.
    /// </summary>
    [Fact]
    public void Scheme_files_named_with_a_hash_an_at_sign_or_spaces_build_and_a_tab_or_a_quote_is_a_clear_error()
    {
        using var project = new TempSuiteProject();
        project.Write("#main.scheme", Suites.Main.Replace("import \"shared.scheme\"", "import \"@shared checkpoints.scheme\""));
        project.Write("@shared checkpoints.scheme", Suites.Shared);
        project.Write("two  spaces.scheme", "checkpoint spare { provider: simulated }\n");

        var build = project.Build();

        Assert.True(build.ExitCode == 0, build.ToString());
        Assert.True(File.Exists(project.Generated("#main.scheme")));
        Assert.True(File.Exists(project.Generated("@shared checkpoints.scheme")));
        Assert.Contains("Total: 24 work units", project.RunRunner("plan").Output);

        project.Write("tab\tname.scheme", "checkpoint tabbed { provider: simulated }\n");
        var tabbed = project.Build();

        AssertOneClearError(tabbed, Path.Combine(project.Directory, "tab\tname.scheme") + "(1,1): error SCH0129: ", "(U+0009)");
        File.Delete(Path.Combine(project.Directory, "tab\tname.scheme"));

        project.Write("say \"hi\".scheme", "checkpoint quoted { provider: simulated }\n");
        var quoted = project.Build();

        AssertOneClearError(quoted, Path.Combine(project.Directory, "say \"hi\".scheme") + " : error SCH9007: ", "quote");
    }

    private static void AssertOneClearError(ProcessResult build, string start, string detail)
    {
        Assert.NotEqual(0, build.ExitCode);
        Assert.Contains(build.Output.Split('\n'), l => l.TrimStart().StartsWith(start, StringComparison.Ordinal) && l.Contains(detail, StringComparison.Ordinal));
        Assert.DoesNotContain("MSB6006", build.Output);
        Assert.DoesNotContain("error CS", build.Output);
        Assert.DoesNotContain("   at ", build.Output);
    }

    private static TempSuiteProject NewSuite()
    {
        var project = new TempSuiteProject();
        project.Write("main.scheme", Suites.Main);
        project.Write("shared.scheme", Suites.Shared);
        return project;
    }
}
