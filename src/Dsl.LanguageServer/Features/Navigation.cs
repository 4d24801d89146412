using Scheme.Compiler.Syntax;
using Scheme.LanguageServer.Protocol;
using Scheme.LanguageServer.Workspace;

namespace Scheme.LanguageServer.Features;

/// <summary>Go to definition, find references and rename, across every file of the check (imports included).</summary>
public sealed class Navigation(Func<string, string> uriOf)
{
    public Location[] Definition(Snapshot snapshot, CompilationUnitSyntax unit, int offset)
    {
        if (unit.Imports.FirstOrDefault(i => i.Path.Span.Start <= offset && offset <= i.Path.Span.End) is { } import)
        {
            var target = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(unit.File.FullPath) ?? ".", import.Path.Value));
            return snapshot.Unit(target) is { } imported ? [new Location(uriOf(target), Positions.ToRange(imported.File, new(0, 0)))] : [];
        }
        return TargetAt(snapshot, unit, offset) is { } found
            ? Resolver.Definitions(snapshot, found).Select(ToLocation).ToArray()
            : [];
    }

    public Location[] References(Snapshot snapshot, CompilationUnitSyntax unit, int offset, bool includeDeclaration) =>
        TargetAt(snapshot, unit, offset) is { } target
            ? Resolver.Occurrences(snapshot, target).Where(o => includeDeclaration || !o.IsDeclaration).Select(o => ToLocation(o.Name)).ToArray()
            : [];

    /// <summary>The range of the name to rename, or why it cannot be renamed.</summary>
    public (PrepareRenameResult? Result, string? Refusal) PrepareRename(Snapshot snapshot, CompilationUnitSyntax unit, int offset)
    {
        var occurrence = snapshot.Index(unit).At(offset);
        var target = occurrence is null ? null : Resolver.Resolve(snapshot, occurrence);
        if (occurrence is null || target is null or FunctionTarget)
        {
            return (null, occurrence is null ? "There is no name here to rename."
                : $"'{occurrence.Name.Text}' is {(target is FunctionTarget ? "a function of the language" : "not a declaration or an outcome of this suite")} and cannot be renamed.");
        }
        return (new PrepareRenameResult(Positions.ToRange(unit.File, occurrence.Name.Span), occurrence.Name.Text), null);
    }

    public (WorkspaceEdit? Edit, string? Refusal) Rename(Snapshot snapshot, CompilationUnitSyntax unit, int offset, string newName)
    {
        var (prepared, refusal) = PrepareRename(snapshot, unit, offset);
        if (prepared is null)
        {
            return (null, refusal);
        }
        if (!Keywords.IsValidName(newName))
        {
            return (null, Keywords.All.Contains(newName)
                ? $"'{newName}' is a keyword of the language; choose another name."
                : $"'{newName}' is not a valid name: a name is a letter or '_' followed by letters, digits or '_'.");
        }
        var target = TargetAt(snapshot, unit, offset)!;
        if (newName != target.Name && snapshot.Declarations.ContainsKey(newName))
        {
            return (null, $"'{newName}' is already declared ({snapshot.Declarations[newName].KindName} '{newName}'); renaming would make two declarations of one name.");
        }
        var changes = Resolver.Occurrences(snapshot, target)
            .GroupBy(o => o.Name.Unit.File.FullPath, StringComparer.Ordinal)
            .ToDictionary(g => uriOf(g.Key), g => g.Select(o => new TextEdit(Positions.ToRange(o.Name.Unit.File, o.Name.Name.Span), newName)).ToArray());
        return (new WorkspaceEdit(changes), null);
    }

    private static Target? TargetAt(Snapshot snapshot, CompilationUnitSyntax unit, int offset) =>
        snapshot.Index(unit).At(offset) is { } occurrence ? Resolver.Resolve(snapshot, occurrence) : null;

    private Location ToLocation(NameAt name) => new(uriOf(name.Unit.File.FullPath), Positions.ToRange(name.Unit.File, name.Name.Span));
}
