namespace Scheme.Build.Tests;

/// <summary>Runs the real dotnet CLI, as a researcher would, with MSBuild state of the test run removed.</summary>
internal static class DotNet
{
    public static ProcessResult Run(string workingDirectory, params string[] arguments) =>
        ChildProcess.Run("dotnet", arguments, workingDirectory);
}
