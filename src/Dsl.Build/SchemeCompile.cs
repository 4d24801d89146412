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
        return base.ValidateParameters();
    }

    protected override string GenerateCommandLineCommands() => Quote(CompilerPath);

    /// <summary>Arguments go in a response file (System.CommandLine reads @file), so long item lists are fine.</summary>
    protected override string GenerateResponseFileCommands()
    {
        var lines = new List<string> { "compile", "--out", OutputDirectory };
        if (!string.IsNullOrEmpty(Namespace))
        {
            lines.Add("--namespace");
            lines.Add(Namespace);
        }
        if (!GenerateEntryPoint)
        {
            lines.Add("--no-entry-point");
        }
        if (!string.IsNullOrEmpty(DependencyFile))
        {
            lines.Add("--dependencies");
            lines.Add(DependencyFile!);
        }
        lines.AddRange(Sources.Select(s => s.ItemSpec));
        return string.Join("\n", lines.Select(Quote));
    }

    protected override Encoding ResponseFileEncoding => new UTF8Encoding(false);

    private static string Quote(string value) =>
        value.Length > 0 && value.All(c => !char.IsWhiteSpace(c) && c != '"' && c != '\'') ? value : "\"" + value.Replace("\"", "\\\"") + "\"";
}
