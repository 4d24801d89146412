namespace Scheme.Build.Tests;

/// <summary>
/// The packages, packed from this repository, used by projects that know nothing of it: a hand-written project and
/// one made by `dotnet new` from the template package restore from a local folder feed, build, and run.
/// </summary>
[Collection("dotnet build")]
public sealed class PackageConsumerTests(PackedFeed feed) : IClassFixture<PackedFeed>
{
    [Fact]
    public void A_project_outside_the_repository_builds_a_suite_from_the_packages()
    {
        var consumer = Path.Combine(feed.Work, "consumer");
        Directory.CreateDirectory(consumer);
        feed.WriteNugetConfig(consumer);
        File.WriteAllText(Path.Combine(consumer, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <RootNamespace>Consumer</RootNamespace>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Scheme.Dsl" Version="{feed.Version}" PrivateAssets="all" />
                <PackageReference Include="Scheme.Runtime" Version="{feed.Version}" />
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

    [Fact]
    public void Dotnet_new_makes_a_suite_and_an_environment_that_build_and_run_offline()
    {
        // The templates are installed into a CLI home of the test's own, never the user's.
        var cliHome = Path.Combine(feed.Work, "cli-home");
        Directory.CreateDirectory(cliHome);
        var isolated = new Dictionary<string, string?> { ["DOTNET_CLI_HOME"] = cliHome };
        var install = ChildProcess.Run("dotnet", ["new", "install", Path.Combine(feed.FeedDirectory, $"Scheme.Templates.{feed.Version}.nupkg")], feed.Work, isolated);
        Assert.True(install.ExitCode == 0, install.ToString());
        Assert.Contains("scheme-suite", install.Output);
        Assert.Contains("scheme-environment", install.Output);
        var userTemplates = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".templateengine", "packages");
        Assert.False(Directory.Exists(userTemplates) && Directory.EnumerateFiles(userTemplates, $"*{feed.Version}*").Any(),
            "dotnet new install wrote to the user's template cache");

        // A project name that is not an identifier: the templates derive the experiment's name and the namespace from it.
        var study = Path.Combine(feed.Work, "new", "study");
        var suite = ChildProcess.Run("dotnet", ["new", "scheme-suite", "-n", "My-Study 2", "-o", study], feed.Work, isolated);
        Assert.True(suite.ExitCode == 0, suite.ToString());
        var environment = ChildProcess.Run("dotnet", ["new", "scheme-environment", "-n", "Sandbagging-QA", "-o", "environments"], study, isolated);
        Assert.True(environment.ExitCode == 0, environment.ToString());

        Assert.True(File.Exists(Path.Combine(study, "My-Study 2.csproj")));
        var environmentFile = Path.Combine(study, "environments", "Sandbagging-QA.scheme");
        Assert.Contains("environment Sandbagging_QA {", File.ReadAllText(environmentFile));
        var generated = Directory.EnumerateFiles(study, "*", SearchOption.AllDirectories).ToList();
        Assert.DoesNotContain(generated, f => File.ReadAllText(f).Contains("SCHEME_", StringComparison.Ordinal));
        Assert.Contains($"Version=\"{feed.Version}\"", File.ReadAllText(Path.Combine(study, "My-Study 2.csproj")));

        // What the suite's README tells a researcher to do with a new environment: import it and list it in the run.
        var suiteFile = Path.Combine(study, "suite.scheme");
        var text = File.ReadAllText(suiteFile);
        Assert.Contains("environments: [OversightSubversion]", text);
        File.WriteAllText(suiteFile, text
            .Replace("import \"environments/OversightSubversion.scheme\"", "import \"environments/OversightSubversion.scheme\"\nimport \"environments/Sandbagging-QA.scheme\"")
            .Replace("environments: [OversightSubversion]", "environments: [OversightSubversion, Sandbagging_QA]"));
        feed.WriteNugetConfig(study);

        var build = DotNet.Run(study, "build", "-nr:false");
        Assert.True(build.ExitCode == 0, build.ToString());
        Assert.DoesNotMatch(@"warning [A-Z]+[0-9]+", build.Output);
        var run = DotNet.Run(study, "run", "--no-build", "--", "run", "--offline", "--out", "runs/offline");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("SIMULATED", run.Output);
        Assert.Contains("160 units: 160 done and 0 failed", run.Output);
        Assert.Contains("Sandbagging_QA", run.Output);
        Assert.True(File.Exists(Path.Combine(study, "runs", "offline", "run.db")), run.ToString());
    }
}
