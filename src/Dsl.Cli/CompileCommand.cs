using System.CommandLine;
using System.Text;
using Scheme.Compiler.Emit;

namespace Scheme.Cli;

/// <summary>
/// <c>scheme compile FILES... --out DIR</c>: writes one <c>&lt;file&gt;.scheme.g.cs</c> per source into DIR,
/// touching a file only when its content changes, so MSBuild's incremental C# compile stays a no-op.
/// </summary>
internal static class CompileCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var files = new Argument<string[]>("files") { Description = ".scheme files to compile (imports are followed).", Arity = ArgumentArity.OneOrMore };
        var outDir = new Option<string>("--out") { Description = "Directory for the generated C#.", Required = true };
        var ns = new Option<string>("--namespace") { Description = "Namespace of the generated types.", DefaultValueFactory = _ => EmitOptions.DefaultNamespace };
        var noEntryPoint = new Option<bool>("--no-entry-point") { Description = "Do not generate Main (for libraries or projects with their own)." };
        var dependencies = new Option<string?>("--dependencies") { Description = "Write every other file the compilation read (imports, load(), rubric()) to this file, one per line." };
        var csharpSources = new Option<string[]>("--csharp-source")
        {
            Description = "A hand-written C# file of the project (repeat per file): the preregistration lock fingerprints the implementations of the suite's csharp() methods and tools, and the project code they use.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var csharpReferences = new Option<string[]>("--csharp-reference")
        {
            Description = "An assembly the project references (repeat per assembly): the lock binds the project's C# against them, so calls on framework and package types are followed.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var csharpProjectReferences = new Option<string[]>("--csharp-project-reference")
        {
            Description = "An assembly built from a project this one references: its C# is not fingerprinted, and a call into it from fingerprinted C# is warning SCH9022.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var csharpUsings = new Option<string[]>("--csharp-using")
        {
            Description = "A global using of the project (NAME, 'static NAME' or ALIAS=NAME), as the SDK's <Using> items declare them.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var projectDir = ProjectDirectoryOption();
        var command = new Command("compile", "Compile .scheme files to C#; exit 1 on errors (nothing is written then).");
        command.Arguments.Add(files);
        command.Options.Add(outDir);
        command.Options.Add(ns);
        command.Options.Add(noEntryPoint);
        command.Options.Add(dependencies);
        command.Options.Add(projectDir);
        command.Options.Add(csharpSources);
        command.Options.Add(csharpReferences);
        command.Options.Add(csharpProjectReferences);
        command.Options.Add(csharpUsings);
        command.SetAction(parse =>
        {
            var references = new CSharpSources.ProjectCSharpReferences(parse.GetValue(csharpReferences) ?? [], parse.GetValue(csharpProjectReferences) ?? [],
                (parse.GetValue(csharpUsings) ?? []).Select(CSharpSources.ProjectUsing.Parse).ToList());
            var csharp = new CSharpSources.ProjectCSharp(parse.GetValue(csharpSources) ?? [], references);
            var options = new EmitOptions(parse.GetValue(ns)!, !parse.GetValue(noEntryPoint)) { CSharpImplementations = csharp };
            var (result, exitCode) = CompilerRunner.Compile(parse.GetValue(files) ?? [], options, parse.GetValue(projectDir), error);
            if (result is null)
            {
                return exitCode;
            }
            CompilerRunner.Print(result, output);
            // C# the lock cannot read: nothing is written, as a lock that silently left it out would let it change unseen.
            foreach (var problem in csharp.Problems.Concat(csharp.Warnings))
            {
                output.WriteLine(problem);
            }
            try
            {
                if (parse.GetValue(dependencies) is { } dependencyFile)
                {
                    WriteIfChanged(dependencyFile, string.Concat(result.Dependencies.Select(d => d + "\n")));
                }
                if (!result.Success || csharp.Problems.Count > 0)
                {
                    return CommandLine.CompileErrors;
                }
                var directory = parse.GetValue(outDir)!;
                foreach (var file in result.GeneratedFiles)
                {
                    WriteIfChanged(Path.Combine(directory, file.FileName), file.Content);
                }
                return CommandLine.Success;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"scheme: error SCH9005: Cannot write the generated files: {e.Message}");
                return CommandLine.CompileErrors;
            }
        });
        return command;
    }

    /// <summary>Files imported or loaded from outside this folder earn warning SCH0606; the build passes the project's.</summary>
    internal static Option<string?> ProjectDirectoryOption() => new("--project-dir")
    {
        Description = "The folder the suite's files belong to (default: the deepest folder holding every input); an imported or loaded file outside it is warned about.",
    };

    /// <summary>Same content, same file: the timestamp stays, and nothing downstream rebuilds.</summary>
    internal static void WriteIfChanged(string path, string content)
    {
        var bytes = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(content);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        if (File.Exists(path) && File.ReadAllBytes(path).AsSpan().SequenceEqual(bytes))
        {
            return;
        }
        // A temporary name of its own, so two builds writing the same folder never clobber each other's half-written file.
        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        File.WriteAllBytes(temp, bytes);
        File.Move(temp, path, overwrite: true);
    }
}
