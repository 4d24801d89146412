using Scheme.LanguageServer.Protocol;

namespace Scheme.LanguageServer.Features;

/// <summary>textDocument/formatting: placeholder until the formatter (feature/fmt) is merged.</summary>
public static class DocumentFormatter
{
    public const bool Available = false;

    public static TextEdit[] Format(string text, string path) => [];
}
