using Scheme.Compiler.Diagnostics;
using Scheme.Compiler.Syntax;

namespace Scheme.Compiler;

/// <summary>
/// After a syntax error, the parser's recovery leaves a member half-built, and checking it produces
/// errors that are only echoes of the first ("expected a bool" for an expression cut short). Semantic
/// diagnostics inside a member (or member-less declaration) that has a syntax error are dropped; the rest
/// of the file is still checked, so one build still shows every independent mistake.
/// </summary>
public static class FollowOnFilter
{
    public static IReadOnlyList<Diagnostic> Apply(IReadOnlyList<Diagnostic> diagnostics, IEnumerable<CompilationUnitSyntax> units)
    {
        var syntaxErrors = diagnostics.Where(IsSyntax).ToList();
        if (syntaxErrors.Count == 0)
        {
            return diagnostics;
        }
        var damaged = new List<(Text.SourceFile File, Text.TextSpan Region)>();
        foreach (var unit in units)
        {
            var errors = syntaxErrors.Where(d => ReferenceEquals(d.File, unit.File)).Select(d => d.Span.Start).ToList();
            if (errors.Count == 0)
            {
                continue;
            }
            foreach (var region in Regions(unit))
            {
                if (errors.Any(e => e >= region.Start && e < region.End))
                {
                    damaged.Add((unit.File, region));
                }
            }
            // An unclosed """ string swallows the rest of the file: everything from its declaration on is damaged.
            foreach (var open in syntaxErrors.Where(d => ReferenceEquals(d.File, unit.File) && d.Code == DiagnosticCatalog.UnterminatedString.Code
                && unit.File.Text.AsSpan(d.Span.Start).StartsWith("\"\"\"")))
            {
                var start = unit.Declarations.LastOrDefault(x => x.Span.Start <= open.Span.Start)?.Span.Start ?? 0;
                damaged.Add((unit.File, Text.TextSpan.FromBounds(start, unit.File.Text.Length + 1)));
            }
        }
        bool InDamaged(Diagnostic d) => damaged.Any(r => ReferenceEquals(r.File, d.File) && d.Span.Start >= r.Region.Start && d.Span.Start < r.Region.End);
        // Within one damaged region only the first syntax error is the user's; the rest are the parser's recovery.
        var firstSyntaxError = new HashSet<(Text.SourceFile, Text.TextSpan)>();
        bool FirstInRegion(Diagnostic d)
        {
            var region = damaged.FirstOrDefault(r => ReferenceEquals(r.File, d.File) && d.Span.Start >= r.Region.Start && d.Span.Start < r.Region.End);
            return region.File is null || firstSyntaxError.Add(region);
        }
        // Warnings (unused, no detector ...) are unreliable while the file does not parse; errors come first.
        return diagnostics
            .Where(d => IsSyntax(d) ? FirstInRegion(d) : d.IsError && !InDamaged(d))
            .ToList();
    }

    private static bool IsSyntax(Diagnostic d) => DiagnosticCatalog.Syntax.Contains(d.Descriptor);

    /// <summary>Each member reaches to the next member; each declaration to the next declaration.</summary>
    private static IEnumerable<Text.TextSpan> Regions(CompilationUnitSyntax unit)
    {
        var declarations = unit.Declarations;
        for (var i = 0; i < declarations.Length; i++)
        {
            var declaration = declarations[i];
            var end = i + 1 < declarations.Length ? declarations[i + 1].Span.Start : unit.File.Text.Length + 1;
            var members = declaration.Members;
            if (members.Length == 0)
            {
                yield return Text.TextSpan.FromBounds(declaration.Span.Start, end);
                continue;
            }
            yield return Text.TextSpan.FromBounds(declaration.Span.Start, members[0].Span.Start);
            for (var m = 0; m < members.Length; m++)
            {
                var memberEnd = m + 1 < members.Length ? members[m + 1].Span.Start : end;
                yield return Text.TextSpan.FromBounds(members[m].Span.Start, memberEnd);
            }
        }
    }
}
