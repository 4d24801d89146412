
namespace Scheme.Compiler.Diagnostics;

/// <summary>SCH00xx: tokens and grammar.</summary>
public static partial class Diagnose
{
    /// <param name="problem">What the parser met and what it expected, e.g. "Unexpected '}'. Expected ')'."</param>
    public static DiagnosticMessage SyntaxError(string problem) =>
        Make(DiagnosticCatalog.SyntaxError, $"{problem}");

    public static DiagnosticMessage UnterminatedString() =>
        Make(DiagnosticCatalog.UnterminatedString,
            $"This string is never closed. Close a \"...\" string on its own line, or a \"\"\"...\"\"\" string with three quotes.");

    /// <param name="character">The character as written, or its \uXXXX code when it is a control character.</param>
    public static DiagnosticMessage UnexpectedCharacter(string character) =>
        Make(DiagnosticCatalog.UnexpectedCharacter, $"The character '{character}' cannot appear here. Remove it, or put it inside a string.");

    /// <param name="limit">The deepest nesting the compiler accepts.</param>
    /// <param name="beforeParsing">True when brackets or prefix operators are nested past the parser's limit, so the file
    /// is not parsed at all; false when an expression (a long chain of operators, say) is, so only it is dropped.</param>
    public static DiagnosticMessage NestedTooDeeply(int limit, bool beforeParsing) => beforeParsing
        ? Make(DiagnosticCatalog.NestedTooDeeply,
            $"Brackets or prefix operators are nested more than {limit} levels deep here; the file is not parsed further. Flatten the expression.")
        : Make(DiagnosticCatalog.NestedTooDeeply,
            $"This expression is nested more than {limit} levels deep. Split it into smaller metrics or detectors.");

    /// <param name="escaped">The character after the backslash (shown as its code when it is a control character).</param>
    public static DiagnosticMessage InvalidEscape(char escaped) =>
        Make(DiagnosticCatalog.InvalidEscape,
            $"'\\{escaped.ToString()}' is not an escape sequence. Use \\\" \\\\ \\n \\t or \\r, or a \"\"\"triple-quoted\"\"\" string for raw text.");
}
