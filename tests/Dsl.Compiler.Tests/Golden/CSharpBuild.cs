using System.Reflection;
using System.Runtime.Loader;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace Scheme.Compiler.Tests.Golden;

/// <summary>
/// Compiles generated C# with Roslyn against the real runtime, the way a build does: each file goes through
/// the UTF-8 bytes the command line writes, so a character UTF-8 cannot carry is caught here too.
/// </summary>
internal static class CSharpBuild
{
    /// <summary>The runtime's assemblies a generated runner compiles against: definitions, engine, analysis, command line.</summary>
    public static readonly System.Reflection.Assembly[] RuntimeAssemblies =
    [
        typeof(Scheme.Model.ExperimentDefinition).Assembly,
        typeof(Scheme.Engine.RunEngine).Assembly,
        typeof(Scheme.Analysis.ExperimentAnalyzer).Assembly,
        typeof(Scheme.Runtime.Cli.RunnerHost).Assembly,
    ];

    private static readonly Lazy<IReadOnlyList<MetadataReference>> References = new(() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Concat(RuntimeAssemblies.Select(a => a.Location))
            .Distinct()
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToList());

    /// <summary>Documentation comments are checked (CS1570 and friends), as in a project that generates XML docs.</summary>
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest, DocumentationMode.Diagnose);

    public static SyntaxTree Parse(string content, string path)
    {
        var bytes = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(content);
        return CSharpSyntaxTree.ParseText(SourceText.From(bytes, bytes.Length, Encoding.UTF8), ParseOptions, path);
    }

    /// <summary>Every warning wave on (warning level 9999), as the SDK's latest analysis level does.</summary>
    public static CSharpCompilation Create(string assemblyName, IEnumerable<SyntaxTree> trees, OutputKind kind = OutputKind.DynamicallyLinkedLibrary)
    {
        var usings = CSharpSyntaxTree.ParseText(
            "global using System; global using System.Linq; global using System.Collections.Generic;", ParseOptions);
        return CSharpCompilation.Create(assemblyName, trees.Append(usings), References.Value,
            new CSharpCompilationOptions(kind, nullableContextOptions: NullableContextOptions.Enable, concurrentBuild: true, warningLevel: 9999));
    }

    /// <returns>The diagnostics of emitting (warnings and errors), and the image when there was no error.</returns>
    public static (IReadOnlyList<Diagnostic> Problems, byte[]? Image) Emit(CSharpCompilation compilation)
    {
        using var stream = new MemoryStream();
        var result = compilation.Emit(stream);
        var problems = result.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        return (problems, result.Success ? stream.ToArray() : null);
    }

    /// <summary>Loads an image into a collectible context; the runtime it references is the test's own.</summary>
    public static Assembly Load(byte[] image) =>
        new AssemblyLoadContext(name: null, isCollectible: true).LoadFromStream(new MemoryStream(image));
}
