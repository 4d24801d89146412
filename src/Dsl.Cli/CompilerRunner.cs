using Scheme.Compiler;
using Scheme.Compiler.Emit;

namespace Scheme.Cli;

/// <summary>Shared by check and compile: reads the inputs, compiles, prints diagnostics canonically.</summary>
internal static class CompilerRunner
{
    /// <returns>The result, or the exit code to stop with (bad usage, or a compiler bug).</returns>
    /// <param name="projectDirectory">The folder the suite's files belong to; null for the deepest folder holding every input.</param>
    public static (CompilationResult? Result, int ExitCode) Compile(IReadOnlyList<string> paths, EmitOptions options, string? projectDirectory, TextWriter error)
    {
        var missing = paths.Where(p => !File.Exists(p)).ToList();
        foreach (var path in missing)
        {
            error.WriteLine($"{path}: error SCH9008: Input file not found.");
        }
        if (missing.Count > 0 || paths.Count == 0)
        {
            if (paths.Count == 0)
            {
                error.WriteLine("scheme: no input files.");
            }
            return (null, CommandLine.UsageError);
        }
        CompilationResult? result = null;
        Exception? failure = null;
        try
        {
            result = BigStack.Run(() => SchemeCompilation.CompileFiles(paths, options, projectDirectory));
        }
        catch (Exception e)
        {
            failure = e;
        }
        if (failure is not null)
        {
            // A compiler bug, not the user's mistake: say so plainly, without a stack trace in their build log.
            error.WriteLine($"scheme: error SCH9999: Internal compiler error while compiling {string.Join(", ", paths)} " +
                $"({failure.GetType().Name}: {failure.Message}). Please report it with the .scheme files; set SCHEME_DEBUG=1 to print the stack trace.");
            if (Environment.GetEnvironmentVariable("SCHEME_DEBUG") == "1")
            {
                error.WriteLine(failure);
            }
            return (null, CommandLine.InternalError);
        }
        return (result, CommandLine.Success);
    }

    public static void Print(CompilationResult result, TextWriter output)
    {
        foreach (var diagnostic in result.Diagnostics)
        {
            output.WriteLine(diagnostic.ToString());
        }
    }
}
