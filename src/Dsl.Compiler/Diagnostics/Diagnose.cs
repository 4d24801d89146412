
namespace Scheme.Compiler.Diagnostics;

/// <summary>
/// One method per code of <see cref="DiagnosticCatalog"/>, of the same name: it takes what the message needs as named,
/// typed arguments and builds the message by C# interpolation, so an argument can be neither skipped nor misplaced.
/// Report the result where it happened: <c>context.Report(span, Diagnose.UnknownCheckpoint(name, suggestion))</c>.
/// The methods are split by range, one file each; a test checks that every code has exactly one.
/// </summary>
public static partial class Diagnose
{
    private static DiagnosticMessage Make(DiagnosticDescriptor descriptor, MessageText text) => new(descriptor, text.ToStringAndClear());

    private static string List(IEnumerable<string> items) => string.Join(", ", items);

    private static string Article(string word) => word.Length > 0 && "aeiou".Contains(word[0]) ? "an" : "a";
}
