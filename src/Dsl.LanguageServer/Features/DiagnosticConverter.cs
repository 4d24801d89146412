using Scheme.Compiler.Diagnostics;
using Scheme.LanguageServer.Protocol;
using Scheme.LanguageServer.Workspace;

namespace Scheme.LanguageServer.Features;

/// <summary>The compiler's diagnostics as LSP ones: the same code, message and span as `scheme check` prints.</summary>
public static class DiagnosticConverter
{
    /// <summary>What the server reports when the compiler itself failed on a text, instead of ending the session.</summary>
    public const string InternalErrorCode = "SCH9045";

    public static LspDiagnostic[] Convert(Snapshot snapshot, string fullPath)
    {
        if (snapshot.InternalError is { } error)
        {
            return [new LspDiagnostic(new Protocol.Range(new(0, 0), new(0, 0)), LspDiagnostic.Error, InternalErrorCode, "scheme",
                $"Internal compiler error while checking this project ({error}). Please report it with the .scheme files; the next edit checks again.")];
        }
        return snapshot.DiagnosticsOf(fullPath).Select(d => new LspDiagnostic(
            Positions.ToRange(d.File, d.Span),
            d.Severity == DiagnosticSeverity.Error ? LspDiagnostic.Error : LspDiagnostic.Warning,
            d.Code, "scheme", d.Message)).ToArray();
    }
}
