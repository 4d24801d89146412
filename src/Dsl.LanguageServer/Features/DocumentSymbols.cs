using Scheme.Compiler.Syntax;
using Scheme.Compiler.Text;
using Scheme.LanguageServer.Protocol;
using Scheme.LanguageServer.Workspace;

namespace Scheme.LanguageServer.Features;

/// <summary>The outline of a file: its declarations, and within each its properties, params, outcomes and follow-ups.</summary>
public static class DocumentSymbols
{
    public static DocumentSymbol[] Of(CompilationUnitSyntax unit) =>
        unit.Declarations.Select(d => Declaration(unit.File, d)).ToArray();

    private static DocumentSymbol Declaration(SourceFile file, DeclarationSyntax declaration)
    {
        var keyword = declaration.Kind.ToString().ToLowerInvariant();
        var name = declaration.Name.IsMissing ? keyword : declaration.Name.Text;
        var selection = declaration.Name.IsMissing ? new TextSpan(declaration.Span.Start, 0) : declaration.Name.Span;
        var children = declaration.Members.Select(m => Member(file, m)).OfType<DocumentSymbol>().ToArray();
        return new DocumentSymbol(name, keyword, Kind(declaration.Kind), Positions.ToRange(file, declaration.Span),
            Positions.ToRange(file, selection), children);
    }

    private static DocumentSymbol? Member(SourceFile file, MemberSyntax member)
    {
        var (name, detail, kind) = member switch
        {
            PropertySyntax p => (p.Name, "property", SymbolKind.Property),
            ParamSyntax p => (p.Name, "param", SymbolKind.TypeParameter),
            OutcomeSyntax o => (o.Name, "outcome", SymbolKind.Field),
            FollowupSyntax f => (f.Outcome, "followup", SymbolKind.Field),
            AssignmentSyntax a => (a.Target, "simulated value", SymbolKind.Variable),
            _ => ((IdentifierSyntax?)null, "", 0),
        };
        if (name is null || name.IsMissing)
        {
            return null;
        }
        return new DocumentSymbol(name.Text, detail, kind, Positions.ToRange(file, member.Span), Positions.ToRange(file, name.Span), null);
    }

    private static int Kind(DeclarationKind kind) => kind switch
    {
        DeclarationKind.Experiment => SymbolKind.Module,
        DeclarationKind.Spec => SymbolKind.Namespace,
        DeclarationKind.Checkpoint => SymbolKind.Object,
        DeclarationKind.Environment => SymbolKind.Class,
        DeclarationKind.Manipulation => SymbolKind.Function,
        DeclarationKind.Metric => SymbolKind.Variable,
        DeclarationKind.Run => SymbolKind.Event,
        DeclarationKind.Simulate => SymbolKind.Struct,
        _ => SymbolKind.Boolean,
    };
}
