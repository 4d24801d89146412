namespace Scheme.Editors.Tests;

/// <summary>
/// What an editor shows while a file is half written or hostile: the grammar follows the lexer's recovery
/// (an unterminated """ string runs to the end of the file, an unterminated "..." to the end of its line, a stray
/// character is illegal on its own) and never hangs on long lines (tokenize.js fails a line that takes over 10 s: a guard against exponential backtracking, not a speed test).
/// </summary>
[Collection("extension")]
public sealed class HostileInputTests(ExtensionFixture extension)
{
    private static bool Has(Token token, string scope) => token.Scopes.Contains(scope);

    [Fact]
    public void An_unterminated_triple_quoted_string_runs_to_the_end_of_the_file()
    {
        var tokens = Tokenizer.Snippets(extension, "system: \"\"\"You are {{ if goal }}helpful\nenvironment X {\n  user: \"hi\"\n}")[0];
        var after = tokens.SkipWhile(t => t.Text != "\"\"\"").ToList();
        Assert.NotEmpty(after);
        Assert.All(after, t => Assert.True(Has(t, "string.quoted.triple.scheme-dsl"), t.ToString()));
        Assert.Contains(after, t => t.Text == "goal" && Has(t, "variable.other.template.scheme-dsl"));
    }

    [Fact]
    public void An_unterminated_string_ends_at_its_line_and_an_unclosed_template_at_the_string()
    {
        var tokens = Tokenizer.Snippets(extension, "user: \"Hello {{ name\nmetric m = rate(x)")[0];
        Assert.Contains(tokens, t => t.Text == "name" && Has(t, "variable.other.template.scheme-dsl"));
        Assert.Contains(tokens, t => t.Text == "metric" && t.Scopes.SequenceEqual(["storage.type.metric.scheme-dsl"]));
        Assert.Contains(tokens, t => t.Text == "rate" && t.Scopes.SequenceEqual(["support.function.builtin.scheme-dsl"]));

        // A template left open inside a closed string ends with the string, not after the code that follows it.
        var closed = Tokenizer.Snippets(extension, "user: \"{{ if x\" max_turns: 3")[0];
        Assert.Contains(closed, t => t.Text == "max_turns" && t.Scopes.SequenceEqual(["variable.other.property.scheme-dsl"]));
    }

    [Fact]
    public void Stray_characters_are_illegal_one_by_one_and_the_rest_is_still_highlighted()
    {
        const string strays = "#@$~;?^`'\\&|!%é";
        var tokens = Tokenizer.Snippets(extension, $"metric m = rate(x) {string.Join(" ", strays.ToCharArray())} run Main {{")[0];
        foreach (var stray in strays)
        {
            Assert.Contains(tokens, t => t.Text == stray.ToString() && t.Scopes.SequenceEqual(["invalid.illegal.character.scheme-dsl"]));
        }
        Assert.Contains(tokens, t => t.Text == "Main" && t.Scopes.SequenceEqual(["entity.name.type.run.scheme-dsl"]));
    }

    [Fact]
    public void Long_hostile_lines_and_every_invalid_sample_tokenize_without_hanging()
    {
        // VS Code tokenizes lines up to 20,000 characters by default; each of these is that long.
        const int n = 20_000;
        var snippets = new[]
        {
            "user: \"\"\"" + string.Concat(Enumerable.Repeat("{{", n / 2)) + "\"\"\"",
            "user: \"" + string.Concat(Enumerable.Repeat("\\\"{", n / 3)),
            "metric m = " + new string('(', n),
            "x" + new string('a', n),
            string.Concat(Enumerable.Repeat("1.5e", n / 4)),
            string.Concat(Enumerable.Repeat("/*", n / 2)),
            string.Concat(Enumerable.Repeat("a: ", n / 3)),
        };
        var tokens = Tokenizer.Snippets(extension, snippets);
        Assert.Equal(snippets.Length, tokens.Count);
        Assert.All(tokens.Zip(snippets), t => Assert.Equal(t.Second.Length, t.First.Sum(x => x.Text.Length)));

        var invalid = Directory.EnumerateFiles(Path.Combine(Repository.Root, "tests", "Dsl.Compiler.Tests", "Samples", "Invalid"), "*.scheme",
            SearchOption.AllDirectories)
            .Where(f => new FileInfo(f).LinkTarget is null) // input_is_a_device.scheme links to /dev/zero, which no editor opens
            .ToList();
        Assert.NotEmpty(invalid);
        var scopes = Tokenizer.Files(extension, invalid);
        Assert.Equal(invalid.Count, scopes.Count);
    }
}
