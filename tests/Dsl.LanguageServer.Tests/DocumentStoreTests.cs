using Scheme.LanguageServer.Protocol;
using Scheme.LanguageServer.Workspace;

namespace Scheme.LanguageServer.Tests;

/// <summary>Edits at positions clients use to mean "end of line" (int.MaxValue) land at the end of the line: an overflow
/// there once threw mid-edit, left the server's copy of the buffer stale, and a later format overwrote the user's text.</summary>
public sealed class DocumentStoreTests
{
    [Fact]
    public void A_change_whose_character_is_int_max_value_ends_at_the_end_of_the_line()
    {
        var store = new DocumentStore();
        store.Open("file:///s.scheme", "/s.scheme", 1, "metric a = rate(x)\nmetric b = rate(y)\n");
        var range = new Protocol.Range(new Position(0, 7), new Position(0, int.MaxValue));
        var changed = store.Change("/s.scheme", 2, [new TextDocumentContentChangeEvent(range, "c = rate(z)")]);
        Assert.Equal("metric c = rate(z)\nmetric b = rate(y)\n", changed!.Text);
        Assert.Equal(changed.Text, store.Get("/s.scheme")!.Text);
    }

    [Fact]
    public void A_position_at_int_max_value_maps_to_the_end_of_its_line_not_its_start()
    {
        var file = new Scheme.Compiler.Text.SourceFile("/s.scheme", "metric a = rate(x)\nmetric b\n");
        Assert.Equal(18, Positions.ToOffset(file, new Position(0, int.MaxValue)));
    }
}
