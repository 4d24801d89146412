using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace Scheme.Build;

/// <summary>
/// Runs <c>dotnet scheme.dll compile</c> over a project's .scheme files. The compiler prints diagnostics in
/// the canonical <c>file(line,col): error SCH0103: ...</c> form, which ToolTask turns into MSBuild errors and
/// warnings with their positions.
/// </summary>
public sealed class SchemeCompile : ToolTask
{
    [Required]
    public ITaskItem[] Sources { get; set; } = [];

    /// <summary>The project's hand-written C# files, whose implementations of the suite's partial members the preregistration lock fingerprints.</summary>
    public ITaskItem[] CSharpSources { get; set; } = [];

    /// <summary>The project's resolved references (@(ReferencePath)): the lock binds the C# against them.</summary>
    public ITaskItem[] CSharpReferences { get; set; } = [];

    /// <summary>The global usings of the project (@(Using), with Alias and Static metadata).</summary>
    public ITaskItem[] CSharpUsings { get; set; } = [];

    /// <summary>Path of scheme.dll, the compiler's command line.</summary>
    [Required]
    public string CompilerPath { get; set; } = "";

    [Required]
    public string OutputDirectory { get; set; } = "";

    /// <summary>Empty means the compiler's default.</summary>
    public string Namespace { get; set; } = "";

    public bool GenerateEntryPoint { get; set; } = true;

    /// <summary>Where the compiler lists the other files it read, so the next build can watch them.</summary>
    public string? DependencyFile { get; set; }

    public string? ProjectDirectory { get; set; }

    /// <summary>The dotnet host running this build (MSBuild's DOTNET_HOST_PATH), so the compiler runs on the same runtime.</summary>
    public string? DotNetHostPath { get; set; }

    protected override string ToolName => "dotnet";

    protected override string GenerateFullPathToTool() =>
        !string.IsNullOrEmpty(DotNetHostPath) && File.Exists(DotNetHostPath) ? DotNetHostPath! : "dotnet";

    protected override string? GetWorkingDirectory() => string.IsNullOrEmpty(ProjectDirectory) ? null : ProjectDirectory;

    /// <summary>Diagnostics are reported at normal importance so they show in a default build log.</summary>
    protected override MessageImportance StandardOutputLoggingImportance => MessageImportance.Normal;

    protected override bool ValidateParameters()
    {
        if (!File.Exists(CompilerPath))
        {
            Log.LogError(null, "SCH9006", null, null, 0, 0, 0, 0,
                "The .scheme compiler was not found at '{0}'. Build src/Dsl.Cli first, or restore the Scheme.Dsl package.", CompilerPath);
            return false;
        }
        var ok = true;
        foreach (var source in Sources.Select(s => s.ItemSpec).Where(s => !Passable(s)))
        {
            Log.LogError(null, "SCH9007", null, source, 0, 0, 0, 0,
                "This .scheme file cannot be given to the compiler: its path contains a quote or a line break, which a response file cannot carry. Rename the file or the folder that holds it.");
            ok = false;
        }
        foreach (var source in CSharpSources.Select(s => s.ItemSpec).Where(s => !Passable(s)))
        {
            // Left out, the file's C# could change after the lock unseen; so it is an error, not a skip.
            Log.LogError(null, "SCH9007", null, source, 0, 0, 0, 0,
                "This C# file cannot be given to the .scheme compiler for the preregistration lock: its path contains a quote or a line break, which a response file cannot carry. Rename the file or the folder that holds it.");
            ok = false;
        }
        foreach (var (name, value) in new[] { ("SchemeOutputDirectory", OutputDirectory), ("the dependency file", DependencyFile ?? ""), ("the project directory", ProjectDirectory ?? "") })
        {
            if (!Passable(value))
            {
                Log.LogError(null, "SCH9007", null, null, 0, 0, 0, 0,
                    "The path of {0} ('{1}') contains a quote or a line break, which a response file cannot carry to the .scheme compiler. Choose a path without them.", name, value);
                ok = false;
            }
        }
        return ok && base.ValidateParameters();
    }

    protected override string GenerateCommandLineCommands() => "\"" + CompilerPath + "\"";

    /// <summary>
    /// Arguments go in a response file, so long item lists are fine. System.CommandLine 2.0 reads it line by line:
    /// it skips a line that starts with '#', splits words at whitespace outside quotes, drops every quote (there is
    /// no escape for one) and reads a word starting with '@' as another response file. So every line is one quoted
    /// word, options are written --name=value (a value starting with '@' is then not a word of its own), and a value
    /// holding a quote or a line break is refused in <see cref="ValidateParameters"/>. Sources are full paths, which
    /// never start with '@'.
    /// </summary>
    protected override string GenerateResponseFileCommands()
    {
        var lines = new List<string> { "compile", "--out=" + OutputDirectory };
        if (!string.IsNullOrEmpty(Namespace))
        {
            // The compiler turns every character C# does not allow in a namespace into '_'; these first, as they cannot be passed.
            lines.Add("--namespace=" + Namespace.Replace('"', '_').Replace('\r', '_').Replace('\n', '_'));
        }
        if (!GenerateEntryPoint)
        {
            lines.Add("--no-entry-point");
        }
        if (!string.IsNullOrEmpty(DependencyFile))
        {
            lines.Add("--dependencies=" + DependencyFile);
        }
        if (!string.IsNullOrEmpty(ProjectDirectory))
        {
            // Files a suite imports or loads from outside the project are warned about (SCH0606).
            lines.Add("--project-dir=" + ProjectDirectory);
        }
        lines.AddRange(CSharpSources.Select(s => "--csharp-source=" + s.ItemSpec));
        // References only help names bind; one that cannot be passed is left out (its names are then followed by name).
        foreach (var reference in CSharpReferences.Where(r => Passable(r.ItemSpec)))
        {
            lines.Add("--csharp-reference=" + reference.ItemSpec);
            // ResolveAssemblyReferences marks a reference built from a <ProjectReference>: its C# is not locked (SCH9022).
            if (reference.GetMetadata("ReferenceSourceTarget") == "ProjectReference")
            {
                lines.Add("--csharp-project-reference=" + reference.ItemSpec);
            }
        }
        foreach (var use in CSharpUsings.Where(u => Passable(u.ItemSpec + u.GetMetadata("Alias"))))
        {
            var alias = use.GetMetadata("Alias");
            lines.Add("--csharp-using=" + (use.GetMetadata("Static") == "true" ? "static " + use.ItemSpec : alias.Length > 0 ? alias + "=" + use.ItemSpec : use.ItemSpec));
        }
        lines.AddRange(Sources.Select(s => s.ItemSpec));
        return string.Join("\n", lines.Select(l => "\"" + l + "\""));
    }

    protected override Encoding ResponseFileEncoding => new UTF8Encoding(false);

    private static bool Passable(string value) => value.IndexOfAny(['"', '\r', '\n']) < 0;
}
