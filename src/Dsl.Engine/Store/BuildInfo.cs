using System.Diagnostics;
using System.Reflection;

namespace Scheme.Engine.Store;

/// <summary>What produced a run, for its manifest: the compiler/runtime version and the source commit.</summary>
public static class BuildInfo
{
    /// <summary>
    /// The version of the Scheme runtime the runner was built with, which is shipped with the compiler that
    /// generated it (they are one package); "unknown" when the assembly carries none.
    /// </summary>
    public static string CompilerVersion() =>
        typeof(BuildInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>
    /// The commit checked out in the working directory (<c>git rev-parse HEAD</c>), or null when git is missing,
    /// the directory is not a repository, or git does not answer within two seconds. Never fails the run.
    /// </summary>
    public static string? GitCommit(string? directory = null)
    {
        try
        {
            using var git = Process.Start(new ProcessStartInfo("git", ["rev-parse", "HEAD"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = directory ?? Environment.CurrentDirectory,
            });
            if (git is null)
            {
                return null;
            }
            var output = git.StandardOutput.ReadToEndAsync();
            if (!git.WaitForExit(2000))
            {
                git.Kill();
                return null;
            }
            var commit = output.Result.Trim();
            return git.ExitCode == 0 && commit.Length >= 7 ? commit : null;
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
        {
            return null;
        }
    }
}
