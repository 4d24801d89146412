using System.Reflection;

namespace Scheme.Benchmarks;

/// <summary>A source tree whose runner the <c>scale</c> benchmark builds: the current checkout or the base commit's worktree.</summary>
internal sealed record SourceTree(string Root, string Commit, bool Dirty)
{
    /// <summary>The checkout this benchmark was built from.</summary>
    public static readonly string CurrentRoot = typeof(SourceTree).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;

    public string Describe() => Commit[..12] + (Dirty ? " + uncommitted changes" : "");

    public static SourceTree Current()
    {
        var commit = Git(CurrentRoot, "rev-parse", "HEAD");
        var dirty = Git(CurrentRoot, "status", "--porcelain", "--untracked-files=no").Length > 0;
        return new SourceTree(CurrentRoot, commit, dirty);
    }

    /// <summary>
    /// The base commit checked out by <c>git worktree add --detach</c> into tests/Dsl.Benchmarks/.baseline/COMMIT
    /// (gitignored; a leading dot keeps it out of this project's globs), reused when it is already there.
    /// </summary>
    public static SourceTree Baseline(string commitish)
    {
        string commit;
        try
        {
            commit = Git(CurrentRoot, "rev-parse", "--verify", "--quiet", commitish + "^{commit}");
        }
        catch (ScaleSetupException)
        {
            throw new ScaleSetupException($"--base {commitish}: not a commit of this repository.");
        }
        var root = Path.Combine(CurrentRoot, "tests", "Dsl.Benchmarks", ".baseline", commit);
        if (Directory.Exists(root) && TryGit(root, "rev-parse", "HEAD") != commit)
        {
            // A half-made or moved worktree: start again rather than build something else.
            TryGit(CurrentRoot, "worktree", "remove", "--force", root);
            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }
        }
        if (!Directory.Exists(root))
        {
            // --force: a registration left by a deleted folder is replaced (prune would touch other worktrees' entries).
            Git(CurrentRoot, "worktree", "add", "--force", "--detach", root, commit);
            Console.WriteLine($"  checked out the base {commit[..12]} into {root}");
        }
        Isolate(root);
        ShareAntlrTool(root);
        return new SourceTree(root, commit, Dirty: false);
    }

    /// <summary>Builds the compiler and its MSBuild task in Release, which the suite project points at.</summary>
    public void BuildCompiler()
    {
        DotNetTool.Build(Root, "src/Dsl.Cli/Dsl.Cli.csproj");
        DotNetTool.Build(Root, "src/Dsl.Build/Dsl.Build.csproj");
    }

    /// <summary>
    /// MSBuild looks for these files from each project's folder upwards and imports the first it finds. The base tree
    /// lives inside the current checkout, so where it has none of its own it would import the current checkout's:
    /// an empty one at its root stops the search there.
    /// </summary>
    private static void Isolate(string root)
    {
        foreach (var name in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
        {
            var path = Path.Combine(root, name);
            if (!File.Exists(path))
            {
                File.WriteAllText(path, "<Project><!-- scale benchmark: stops MSBuild's search for this file at the base tree. --></Project>\n");
            }
        }
    }

    /// <summary>The ANTLR jar the build fetches with npm on first use: copied from the current tree when it has it, so the
    /// base build needs no network.</summary>
    private static void ShareAntlrTool(string root)
    {
        const string jar = "build/.tools/node_modules/antlr4ng-cli/antlr4-4.13.2-SNAPSHOT-complete.jar";
        var source = Path.Combine(CurrentRoot, jar);
        var target = Path.Combine(root, jar);
        if (File.Exists(source) && !File.Exists(target))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(source, target);
        }
    }

    private static string Git(string directory, params string[] arguments) => DotNetTool.Run("git", directory, arguments);

    private static string? TryGit(string directory, params string[] arguments)
    {
        try
        {
            return Git(directory, arguments);
        }
        catch (ScaleSetupException)
        {
            return null;
        }
    }
}
