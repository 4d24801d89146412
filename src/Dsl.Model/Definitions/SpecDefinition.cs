namespace Scheme.Model;

public sealed record SpecDefinition(string Name, IReadOnlyList<Principle> Principles)
{
    /// <summary>The spec as it is put into a prompt: one principle per line, with its id.</summary>
    public string Render() => string.Join("\n", Principles.Select(p => $"{p.Id}: {p.Text}"));
}

public sealed record Principle(string Id, string Text);
